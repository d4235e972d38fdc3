"""Wagtail hooks of the staff concern: HR's home panel and the lms admin styles."""

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks

from lms.staff.dashboard import add_hr_dashboard

hooks.register("construct_homepage_panels", add_hr_dashboard)


@hooks.register("insert_global_admin_css")
def lms_admin_css() -> str:
    return format_html('<link rel="stylesheet" href="{}">', static("lms/admin.css"))
