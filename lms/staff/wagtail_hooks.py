"""Wagtail hooks of staff: HR's home panel, the lms admin styles, extension
requests' admin URLs and their history entries.

The menu link sits in the Personnel group (lms.staff.viewsets.PersonnelViewSetGroup).
"""

from __future__ import annotations

from datetime import date

from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter
from wagtail.permissions import register_permission_policy

from lms.lib.dates import short_date
from lms.staff import extra_attempts
from lms.staff.extension_requests import DENY_ACTION, REQUEST_ACTION
from lms.staff.policies import POLICIES
from lms.staff.urls import admin_urlpatterns
from lms.staff.viewsets import PersonnelViewSetGroup


@hooks.register("register_admin_urls")
def register_staff_urls():
    return admin_urlpatterns


@hooks.register("register_log_actions")
def register_extension_request_log_actions(actions):
    @actions.register_action(REQUEST_ACTION)
    class RequestFormatter(LogFormatter):
        label = _("Request an extension")

        def format_message(self, log_entry):
            data = log_entry.data
            return _("Extension of %(requirement)s to %(date)s requested") % {
                "requirement": data.get("requirement", ""),
                "date": short_date(date.fromisoformat(data["requested_due_on"])),
            }

    @actions.register_action(DENY_ACTION)
    class DenyFormatter(LogFormatter):
        label = _("Deny an extension")

        def format_message(self, log_entry):
            return _("Extension of %(requirement)s denied: %(reason)s") % {
                "requirement": log_entry.data.get("requirement", ""),
                "reason": log_entry.data.get("reason", ""),
            }


@hooks.register("insert_global_admin_css")
def lms_admin_css() -> str:
    return format_html('<link rel="stylesheet" href="{}">', static("lms/admin.css"))


@hooks.register("register_log_actions")
def register_invitation_log_actions(actions):
    @actions.register_action("lms.invite")
    class InviteFormatter(LogFormatter):
        label = _("Invite to open an account")

        def format_message(self, log_entry):
            return _("Invitation sent to %(email)s") % {
                "email": log_entry.data.get("email", "")
            }


# Registered on import, before any view asks: otherwise Wagtail falls back to
# Django model permissions, which HR officers and unit heads do not hold.
for model, policy in POLICIES.items():
    register_permission_policy(model, policy)


@hooks.register("register_admin_viewset")
def register_personnel_viewsets():
    return PersonnelViewSetGroup()


@hooks.register("register_log_actions")
def register_assignment_log_actions(actions):
    @actions.register_action("lms.extend_due_date")
    class ExtendFormatter(LogFormatter):
        label = _("Extend due date")

        def format_message(self, log_entry):
            data = log_entry.data
            return _("Due date of %(requirement)s extended to %(date)s: %(reason)s") % {
                "requirement": data.get("requirement", ""),
                "date": short_date(date.fromisoformat(data["new_due_on"])),
                "reason": data.get("reason", ""),
            }

    @actions.register_action("lms.grant_attempt")
    class GrantAttemptFormatter(LogFormatter):
        label = _("Grant another attempt")

        def format_message(self, log_entry):
            return _("Another attempt at %(course)s granted: %(reason)s") % {
                "course": log_entry.data.get("course", ""),
                "reason": log_entry.data.get("reason", ""),
            }

    @actions.register_action("lms.waive")
    class WaiveFormatter(LogFormatter):
        label = _("Waive assignment")

        def format_message(self, log_entry):
            return _("%(requirement)s waived: %(reason)s") % {
                "requirement": log_entry.data.get("requirement", ""),
                "reason": log_entry.data.get("reason", ""),
            }


@hooks.register("register_admin_urls")
def register_extra_attempt_urls():
    return extra_attempts.urlpatterns


@hooks.register("register_admin_menu_item")
def register_extra_attempt_menu_item():
    return extra_attempts.menu_item()
