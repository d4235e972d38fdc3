"""Public verification pages: anyone with a code may check a certificate."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from certificates.models import Certificate
from certificates.verification import lookup
from certificates.verification.forms import MAX_UPLOAD_BYTES, CodeForm, FingerprintForm
from lms.lib.qr import qr_svg
from lms.lib.uploads import limit_upload

ROBOTS = "noindex, nofollow"


def noindex(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Keep search engines from indexing or following the view's responses."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = ROBOTS
        return response

    return wrapper


@noindex
@require_GET
def verify_form(request: HttpRequest) -> HttpResponse:
    """Ask for a code; send a well-formed one to its page, without any lookup."""
    form = CodeForm(request.GET if "code" in request.GET else None)
    if form.is_valid():
        return redirect("certificates:verify", form.cleaned_data["code"])
    return _code_page(request, form, status=400 if form.is_bound else 200)


# The page names the holder: no shared cache may keep it.
@limit_upload(MAX_UPLOAD_BYTES)
@never_cache
@noindex
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Show a certificate's status and public details; check an uploaded PDF."""
    form = CodeForm({"code": code})
    if not form.is_valid():
        return _code_page(request, form, status=400)
    if form.cleaned_data["code"] != code:
        return redirect(
            "certificates:verify", form.cleaned_data["code"], permanent=True
        )
    if retry_after := lookup.throttle(request):
        return too_many_verifications(request, retry_after)
    certificate = lookup.lookup(code)
    if certificate is None:
        problem = _("There is no certificate with this code.")
        return _code_page(request, form, problem=problem, status=404)
    upload, matches = _check_upload(request, certificate)
    context = {
        "certificate": certificate,
        "status": certificate.status(today=timezone.localdate()),
        "qr": mark_safe(qr_svg(certificate.verification_url())),
        "upload": upload,
        "matches": matches,
    }
    status = 400 if upload is not None and upload.errors else 200
    return render(request, "certificates/verify.html", context, status=status)


def too_many_verifications(request: HttpRequest, retry_after: int) -> HttpResponse:
    problem = ngettext(
        "Too many verifications from your connection. "
        "Please wait %(seconds)d second and try again.",
        "Too many verifications from your connection. "
        "Please wait %(seconds)d seconds and try again.",
        retry_after,
    ) % {"seconds": retry_after}
    response = _code_page(request, CodeForm(), problem=problem, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def _check_upload(
    request: HttpRequest, certificate: Certificate
) -> tuple[FingerprintForm | None, bool | None]:
    """Return the upload form, if the PDF has a fingerprint, and any comparison."""
    if not certificate.pdf_sha256:
        return None, None
    if request.method != "POST":
        return FingerprintForm(), None
    form = FingerprintForm(request.POST, request.FILES)
    if not form.is_valid():
        return form, None
    return form, lookup.fingerprint_matches(certificate, form.cleaned_data["pdf"])


def _code_page(
    request: HttpRequest, form: CodeForm, *, status: int, problem: str = ""
) -> HttpResponse:
    context = {"form": form, "problem": problem}
    return render(request, "certificates/verify_form.html", context, status=status)
