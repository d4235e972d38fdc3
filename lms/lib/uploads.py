"""How large an upload a view takes, checked before anyone reads the body."""

from django.shortcuts import render

# Room for the form's other fields and the multipart boundaries around a file.
UPLOAD_OVERHEAD_BYTES = 64 * 1024


def limit_upload(max_bytes: int):
    """Mark a view as taking files of at most `max_bytes`: see UploadLimitMiddleware."""

    def mark(view):
        view.max_upload_bytes = max_bytes + UPLOAD_OVERHEAD_BYTES
        return view

    return mark


class UploadLimitMiddleware:
    """Refuse an upload larger than its view takes before anyone reads the body.

    Django reads a whole multipart body (to temporary files) as soon as
    anything touches request.POST, and the CSRF check does that first: a
    200 MB body was read before the form's 5 MB check. The declared length
    is checked instead, before the CSRF check; a client that lies about it
    gets a body cut at the length it declared.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        limit = getattr(view_func, "max_upload_bytes", None)
        if limit is None:
            return None
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length <= limit:
            return None
        context = {"limit": limit - UPLOAD_OVERHEAD_BYTES, "back": request.path}
        return render(request, "upload_too_large.html", context, status=413)
