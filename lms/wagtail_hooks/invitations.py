"""Wagtail hooks: inviting staff to open their account."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter

from lms import invitation_views


@hooks.register("register_admin_urls")
def register_invitation_urls():
    return invitation_views.admin_urlpatterns


@hooks.register("register_log_actions")
def register_invitation_log_actions(actions):
    @actions.register_action("lms.invite")
    class InviteFormatter(LogFormatter):
        label = _("Invite to open an account")

        def format_message(self, log_entry):
            return _("Invitation sent to %(email)s") % {
                "email": log_entry.data.get("email", "")
            }
