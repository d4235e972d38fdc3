"""Wagtail hooks: the staff admin (staff, units, requirements, roles)."""

from datetime import date

from django.utils import formats
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter
from wagtail.permissions import register_permission_policy

from lms import staff_views
from lms.policies import POLICIES
from lms.viewsets import PersonnelViewSetGroup

# Registered on import, before any view asks: otherwise Wagtail falls back to
# Django model permissions, which HR officers and unit heads do not hold.
for model, policy in POLICIES.items():
    register_permission_policy(model, policy)


@hooks.register("register_admin_viewset")
def register_personnel_viewsets():
    return PersonnelViewSetGroup()


@hooks.register("register_admin_urls")
def register_staff_urls():
    return staff_views.urlpatterns


@hooks.register("register_log_actions")
def register_assignment_log_actions(actions):
    @actions.register_action("lms.extend_due_date")
    class ExtendFormatter(LogFormatter):
        label = _("Extend due date")

        def format_message(self, log_entry):
            data = log_entry.data
            new_due_on = date.fromisoformat(data["new_due_on"])
            return _("Due date of %(requirement)s extended to %(date)s: %(reason)s") % {
                "requirement": data.get("requirement", ""),
                "date": formats.date_format(new_due_on, "SHORT_DATE_FORMAT"),
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
