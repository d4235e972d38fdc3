"""Wagtail hooks of staff: HR's home panel, the lms admin styles, extension
requests' admin URLs and their history entries.

The menu link sits in the Personnel group (lms.viewsets.PersonnelViewSetGroup).
"""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import reverse
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import LogFormatter

from lms.policies import cached_scope
from lms.scopes import MANAGE_ROLES
from lms.staff.dashboard import add_hr_dashboard
from lms.staff.extension_requests import DENY_ACTION, REQUEST_ACTION
from lms.staff.urls import admin_urlpatterns


class ExtensionRequestsMenuItem(MenuItem):
    """The link to the requests HR answers, for those who may answer some."""

    def __init__(self, order: int):
        super().__init__(
            _("Extension requests"),
            url=reverse("lms_extension_requests"),
            name="lms-extension-requests",
            icon_name="calendar-alt",
            order=order,
        )

    def is_shown(self, request: HttpRequest) -> bool:
        return not cached_scope(request.user, MANAGE_ROLES).is_empty


@hooks.register("register_admin_urls")
def register_extension_request_urls():
    return admin_urlpatterns


def short_date(iso: str) -> str:
    return formats.date_format(date.fromisoformat(iso), "SHORT_DATE_FORMAT")


@hooks.register("register_log_actions")
def register_extension_request_log_actions(actions):
    @actions.register_action(REQUEST_ACTION)
    class RequestFormatter(LogFormatter):
        label = _("Request an extension")

        def format_message(self, log_entry):
            data = log_entry.data
            return _("Extension of %(requirement)s to %(date)s requested") % {
                "requirement": data.get("requirement", ""),
                "date": short_date(data["requested_due_on"]),
            }

    @actions.register_action(DENY_ACTION)
    class DenyFormatter(LogFormatter):
        label = _("Deny an extension")

        def format_message(self, log_entry):
            return _("Extension of %(requirement)s denied: %(reason)s") % {
                "requirement": log_entry.data.get("requirement", ""),
                "reason": log_entry.data.get("reason", ""),
            }


hooks.register("construct_homepage_panels", add_hr_dashboard)


@hooks.register("insert_global_admin_css")
def lms_admin_css() -> str:
    return format_html('<link rel="stylesheet" href="{}">', static("lms/admin.css"))
