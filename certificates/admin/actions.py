"""Admin actions on one certificate: revoke it, render its PDF again, re-issue it.

Each shows a confirmation page on GET and acts on POST, for users holding
`certificates.revoke_certificate` (and superusers) only.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_tasks import TaskResultStatus
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from certificates import issuance, revocation
from certificates.models import Certificate, RevocationReason
from certificates.tasks import render_certificate_again
from lms.models import User

# Not "certificates": the public verification pages already use that namespace.
NAMESPACE = "certificates_admin"
ACT_PERMISSION = "certificates.revoke_certificate"
CONFIRM_TEMPLATE = "certificates/admin/confirm.html"


class RevokeForm(forms.Form):
    reason = forms.ChoiceField(
        label=gettext_lazy("Reason"),
        choices=RevocationReason.choices,
        widget=forms.RadioSelect,
    )


def can_act(user: User) -> bool:
    """Return whether the user may revoke, re-render and re-issue certificates."""
    return user.has_perm(ACT_PERMISSION)


def admin_url(name: str, certificate: Certificate) -> str:
    return reverse(f"{NAMESPACE}:{name}", args=[certificate.pk])


@require_http_methods(["GET", "POST"])
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = _certificate_to_act_on(request, pk)
    if certificate.revoked_at:
        return _already_revoked(request, certificate)
    if refusal := revocation.refusal(certificate):
        messages.error(request, refusal)
        return redirect(admin_url("inspect", certificate.in_force()))
    form = RevokeForm(request.POST if request.method == "POST" else None)
    if not form.is_valid():
        text = _(
            "The certificate stays on record, and its public page will say it "
            "was revoked, when and why. This cannot be undone."
        )
        submit = _("Revoke")
        return _confirm(request, certificate, "revoke", text, submit, form=form)
    now = timezone.now()
    try:
        revoked = revocation.revoke(
            certificate=certificate,
            reason=form.cleaned_data["reason"],
            by=request.user,
            now=now,
        )
    except revocation.RevocationRefused as error:  # re-issued meanwhile
        messages.error(request, str(error))
        return redirect(admin_url("inspect", certificate))
    if revoked.revoked_at != now:  # someone else revoked it meanwhile
        return _already_revoked(request, revoked)
    message = _("Certificate %(code)s revoked.") % {"code": certificate.code}
    messages.success(request, message)
    return redirect(admin_url("inspect", certificate))


@require_http_methods(["GET", "POST"])
def render_again(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = _certificate_to_act_on(request, pk)
    if request.method != "POST":
        text = _(
            "The stored PDF is replaced by a new rendering. Should it differ, "
            "copies already sent no longer match the fingerprint on the public "
            "page."
        )
        return _confirm(request, certificate, "render", text, _("Re-render PDF"))
    result = render_certificate_again.enqueue(certificate.pk)
    values = {"code": certificate.code}
    if result.status == TaskResultStatus.FAILED:
        messages.error(request, _("Rendering the PDF of %(code)s failed.") % values)
    elif result.status == TaskResultStatus.SUCCESSFUL:
        messages.success(request, _("The PDF of %(code)s was rendered again.") % values)
    else:
        message = _("The PDF of %(code)s is queued to be rendered again.") % values
        messages.success(request, message)
    return redirect(admin_url("inspect", certificate))


@require_http_methods(["GET", "POST"])
def reissue(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = _certificate_to_act_on(request, pk)
    if request.method != "POST":
        text = _(
            "A new certificate with a new code is issued today with the holder's "
            "current name and document and the same expiry date, and e-mailed to "
            "the holder if there is an address. This one stays on record as "
            "replaced."
        )
        return _confirm(request, certificate, "reissue", text, _("Re-issue"))
    try:
        new = issuance.reissue(
            certificate=certificate, by=request.user, now=timezone.now()
        )
    except ValueError as error:
        messages.error(request, str(error))
        return redirect(admin_url("inspect", certificate))
    message = _("Certificate %(old)s re-issued as %(new)s.") % {
        "old": certificate.code,
        "new": new.code,
    }
    messages.success(request, message)
    return redirect(admin_url("inspect", new))


def _certificate_to_act_on(request: HttpRequest, pk: int) -> Certificate:
    # Checked before the lookup, so a user without the permission cannot
    # tell which certificates exist.
    if not can_act(request.user):
        raise PermissionDenied
    return get_object_or_404(Certificate, pk=pk)


def _already_revoked(request: HttpRequest, certificate: Certificate) -> HttpResponse:
    message = _("Certificate %(code)s is already revoked.") % {"code": certificate.code}
    messages.error(request, message)
    return redirect(admin_url("inspect", certificate))


def _confirm(
    request: HttpRequest,
    certificate: Certificate,
    action: str,
    text: str,
    submit: str,
    *,
    form: forms.Form | None = None,
) -> TemplateResponse:
    """Render the admin page asking to confirm `action` on the certificate."""
    inspect_url = admin_url("inspect", certificate)
    context = {
        "certificate": certificate,
        "status": certificate.status(today=timezone.localdate()),
        "text": text,
        "submit": submit,
        "form": form,
        "action_url": admin_url(action, certificate),
        "cancel_url": inspect_url,
        "header_title": f"{submit}: {certificate.code}",
        "header_icon": "clipboard-list",
        "breadcrumbs_items": [
            *WagtailAdminTemplateMixin.breadcrumbs_items,
            {
                "url": reverse(f"{NAMESPACE}:index"),
                "label": capfirst(Certificate._meta.verbose_name_plural),
            },
            {"url": inspect_url, "label": certificate.code},
            {"url": "", "label": submit, "sublabel": certificate.code},
        ],
    }
    status = 400 if form is not None and form.is_bound else 200
    return TemplateResponse(request, CONFIRM_TEMPLATE, context, status=status)
