from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter

from certificates.admin import views
from certificates.admin.viewsets import CertificateViewSet
from certificates.models import RevocationReason


@hooks.register("register_admin_viewset")
def register_certificate_viewset():
    return CertificateViewSet()


@hooks.register("register_admin_urls")
def register_certificate_export_urls():
    urls = (views.urlpatterns, views.EXPORTS_NAMESPACE)
    return [path("certificates/exports/", include(urls))]


@hooks.register("register_admin_urls")
def register_transcript_url():
    return [
        path(
            "certificates/staff/<int:staff_id>/transcript/",
            views.staff_transcript,
            name="certificates_staff_transcript",
        )
    ]


@hooks.register("register_log_actions")
def register_certificate_log_actions(actions):
    @actions.register_action("certificates.revoke")
    class RevokeFormatter(LogFormatter):
        label = _("Revoke certificate")

        def format_message(self, log_entry):
            reason = log_entry.data.get("reason", "")
            if reason not in RevocationReason.values:
                return _("Certificate revoked")
            return _("Certificate revoked: %(reason)s") % {
                "reason": RevocationReason(reason).label
            }

    @actions.register_action("certificates.reissue")
    class ReissueFormatter(LogFormatter):
        label = _("Re-issue certificate")

        def format_message(self, log_entry):
            replacement = log_entry.data.get("replacement")
            if not replacement:
                return _("Certificate re-issued")
            return _("Certificate re-issued as %(code)s") % {"code": replacement}
