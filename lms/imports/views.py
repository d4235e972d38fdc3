"""Admin pages to import HR's staff file: upload, preview (a dry run), confirm.

Between the preview and the confirmation the file waits in the default
storage under a random token. The confirmation form carries only a signed
ticket naming the token, its owner and the options, so nobody can point the
import at another file or at another user's upload.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass
from pathlib import PurePath

from django import forms
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from lms.imports import template_file
from lms.imports.changes import ImportResult, import_staff
from lms.imports.columns import COLUMNS, OPTIONAL_COLUMNS, STAFF_FILE
from lms.lib.spreadsheets import EXTENSIONS
from lms.lib.uploads import limit_upload
from lms.staff.scopes import MANAGE_ROLES, Scope, scope_for

MAX_UPLOAD_BYTES = STAFF_FILE.bytes
STORAGE_DIR = "staff-imports"
TICKET_SALT = "lms.staff_import"
TICKET_MAX_AGE = 24 * 60 * 60
# The confirmation's claim while the import runs, then once it committed.
# A worker killed outright frees it by expiry: RUNNING_MAX_AGE outlasts any
# request (gunicorn stops a worker after 60 s), yet a retry waits minutes,
# not the day a committed import is remembered.
RUNNING, DONE = "running", "done"
RUNNING_MAX_AGE = 5 * 60
# Pages list this many rows per section or errors; the counts cover them all.
PREVIEW_ROWS = 100
ERROR_ROWS = 500


class StaffImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=format_lazy(
            "{} {}",
            gettext_lazy(
                "CSV (UTF-8 or Latin-1, comma or semicolon) or Excel (.xlsx) with "
                "the columns %(columns)s."
            )
            % {"columns": ", ".join(COLUMNS)},
            gettext_lazy(
                "Optional: %(columns)s, the day a change of unit, regime or "
                "senior post took effect (else the day of the import)."
            )
            % {"columns": ", ".join(OPTIONAL_COLUMNS)},
        ),
    )
    full = forms.BooleanField(
        label=gettext_lazy("This file lists all current staff of my units"),
        help_text=gettext_lazy(
            "Staff of your units missing from the file are marked as having "
            "left; their open assignments close and their history stays."
        ),
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if PurePath(upload.name).suffix.lower() not in EXTENSIONS:
            raise ValidationError(_("Upload a CSV or Excel (.xlsx) file."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                _("The file is %(size)s; files up to %(limit)s can be imported.")
                % {
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(MAX_UPLOAD_BYTES),
                }
            )
        return upload


@dataclass(frozen=True)
class PendingImport:
    """An uploaded file waiting for its owner to confirm the import."""

    token: str
    user_id: int
    filename: str
    full: bool

    @property
    def storage_name(self) -> str:
        suffix = PurePath(self.filename).suffix.lower()
        return f"{STORAGE_DIR}/{self.user_id}/{self.token}{suffix}"

    @property
    def claim_key(self) -> str:
        return f"lms:staff-import:{self.token}"

    def ticket(self) -> str:
        return signing.dumps(asdict(self), salt=TICKET_SALT)


def can_import(request: HttpRequest) -> bool:
    return not _manage_scope(request).is_empty


@limit_upload(MAX_UPLOAD_BYTES)
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    scope = _importer_scope(request)
    form = StaffImportForm(request.POST or None, request.FILES or None)
    if not form.is_valid():
        return _render(request, "upload", form=form)
    upload, full = form.cleaned_data["file"], form.cleaned_data["full"]
    data = upload.read()
    result = _run(request, scope, data, upload.name, full=full, dry_run=True)
    if result.errors:
        return _render(request, "upload", form=StaffImportForm(), result=result)
    pending = _keep(request, data, upload.name, full=full)
    return _render(request, "preview", result=result, ticket=pending.ticket())


@require_POST
def confirm(request: HttpRequest) -> HttpResponse:
    scope = _importer_scope(request)
    pending = _pending(request)
    # Taken atomically, so a double click or the back button imports once.
    if not cache.add(pending.claim_key, RUNNING, RUNNING_MAX_AGE):
        if cache.get(pending.claim_key) == DONE:
            messages.warning(request, _("This import was already done."))
        else:
            messages.warning(request, _("This import is under way; wait a moment."))
        return redirect("lms_staff_import")
    if not default_storage.exists(pending.storage_name):
        cache.delete(pending.claim_key)
        messages.error(request, _("The uploaded file has expired; upload it again."))
        return redirect("lms_staff_import")
    with default_storage.open(pending.storage_name, "rb") as stored:
        data = stored.read()
    committed = False
    try:
        result = _run(request, scope, data, pending.filename, full=pending.full)
        committed = not result.errors
    finally:
        # Held for the ticket's life only once the import is in the
        # database; after any failure, even a worker stopped mid-way, the
        # same confirmation may be tried again.
        if committed:
            cache.set(pending.claim_key, DONE, TICKET_MAX_AGE)
        else:
            cache.delete(pending.claim_key)
    default_storage.delete(pending.storage_name)
    if result.errors:
        return _render(request, "upload", form=StaffImportForm(), result=result)
    touched = reverse("lms_staff:index") + f"?imported_in={result.batch.pk}"
    messages.success(
        request,
        _summary(result),
        buttons=[messages.button(touched, _("See the people it touched"))],
    )
    return redirect("lms_staff_import")


# The template's two formats: (builder, content type).
TEMPLATES = {
    "csv": (template_file.template_csv, "text/csv; charset=utf-8"),
    "xlsx": (
        template_file.template_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}


@require_http_methods(["GET"])
def template(request: HttpRequest, extension: str) -> HttpResponse:
    """Download the staff file's template: its header and one example row."""
    _importer_scope(request)
    if extension not in TEMPLATES:
        raise Http404
    build, content_type = TEMPLATES[extension]
    response = HttpResponse(build(), content_type=content_type)
    filename = f"{template_file.FILENAME}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _manage_scope(request: HttpRequest) -> Scope:
    # Cached on the request: the menu asks on every admin page.
    if not hasattr(request, "_staff_import_scope"):
        request._staff_import_scope = scope_for(request.user, MANAGE_ROLES)
    return request._staff_import_scope


def _importer_scope(request: HttpRequest) -> Scope:
    scope = _manage_scope(request)
    if scope.is_empty:
        raise PermissionDenied
    return scope


def _run(request, scope, data, filename, *, full, dry_run=False) -> ImportResult:
    return import_staff(
        data=data,
        filename=filename,
        scope=scope,
        today=timezone.localdate(),
        full=full,
        dry_run=dry_run,
        by=request.user,
    )


def _keep(
    request: HttpRequest, data: bytes, filename: str, *, full: bool
) -> PendingImport:
    """Store the file for the confirmation, replacing the user's earlier uploads."""
    pending = PendingImport(
        token=secrets.token_urlsafe(24),
        user_id=request.user.pk,
        filename=PurePath(filename).name,
        full=full,
    )
    folder = f"{STORAGE_DIR}/{request.user.pk}"
    # One waiting file per user keeps abandoned previews from piling up.
    if default_storage.exists(folder):
        for name in default_storage.listdir(folder)[1]:
            default_storage.delete(f"{folder}/{name}")
    default_storage.save(pending.storage_name, ContentFile(data))
    return pending


def _pending(request: HttpRequest) -> PendingImport:
    """Return the import the posted ticket names, if it is this user's."""
    try:
        fields = signing.loads(
            request.POST.get("ticket", ""), salt=TICKET_SALT, max_age=TICKET_MAX_AGE
        )
    except signing.BadSignature:
        raise Http404 from None
    pending = PendingImport(**fields)
    if pending.user_id != request.user.pk:
        raise Http404
    return pending


def _summary(result: ImportResult) -> str:
    return _(
        "Staff imported: %(created)s created, %(changed)s changed, %(unchanged)s "
        "unchanged, %(left)s marked as leavers; %(assignments)s assignments created."
    ) % {**result.summary(), "assignments": result.assignments.created}


def _render(request: HttpRequest, template: str, **context) -> HttpResponse:
    title = _("Import staff")
    return TemplateResponse(
        request,
        f"lms/admin/staff_import/{template}.html",
        {
            "header_title": title,
            "header_icon": "upload",
            "breadcrumbs_items": [
                *WagtailAdminTemplateMixin.breadcrumbs_items,
                {"url": reverse("lms_staff_import"), "label": title},
            ],
            "preview_rows": PREVIEW_ROWS,
            "error_rows": ERROR_ROWS,
            **context,
        },
    )
