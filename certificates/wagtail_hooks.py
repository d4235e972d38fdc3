from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter

from certificates.models import RevocationReason


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
