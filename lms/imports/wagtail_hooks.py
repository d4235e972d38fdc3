"""Wagtail hooks: the staff import page and its audit-log action.

Its menu link sits in the Personnel group (lms/staff/viewsets.py).
"""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter

from lms.imports import views
from lms.imports.changes import LOG_ACTION


@hooks.register("register_admin_urls")
def register_staff_import_urls():
    return [
        path("personal/importar/", views.upload, name="lms_staff_import"),
        path(
            "personal/importar/confirmar/",
            views.confirm,
            name="lms_staff_import_confirm",
        ),
        path(
            "personal/importar/plantilla.<str:extension>",
            views.template,
            name="lms_staff_import_template",
        ),
    ]


@hooks.register("register_log_actions")
def register_staff_import_log_action(actions):
    @actions.register_action(LOG_ACTION)
    class StaffImportFormatter(LogFormatter):
        label = _("Import staff")

        def format_message(self, log_entry):
            data = log_entry.data
            return _(
                "Staff imported from %(file)s: %(created)s created, %(changed)s "
                "changed, %(left)s marked as leavers"
            ) % {
                "file": data.get("file", "?"),
                "created": data.get("created", 0),
                "changed": data.get("changed", 0),
                "left": data.get("left", 0),
            }
