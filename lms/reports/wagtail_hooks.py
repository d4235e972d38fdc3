"""Wagtail hooks: the HR reports, their admin URLs and their Reports menu items."""

from __future__ import annotations

from functools import partial

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from lms.reports import views as reports_views
from lms.reports.dashboard import add_hr_dashboard
from lms.staff.models import Role
from lms.staff.policies import ADMIN_ACCESS, OrganisationRoleBackend, roles_of

# (URL slug and name suffix, view, menu label, icon, menu order)
REPORTS = [
    ("completion", reports_views.CompletionReportView, _("Training completion"), 2000),
    ("overdue", reports_views.OverdueReportView, _("Overdue training"), 2010),
    ("new_hires", reports_views.NewHiresReportView, _("New hires"), 2020),
    (
        "assignments",
        reports_views.AssignmentReportView,
        _("Training assignments"),
        2030,
    ),
]
# The trainers' cascade, by province and by trainer: one menu item leads to both.
REACH_REPORTS = [
    ("reach", reports_views.ProvinceReachReportView),
    ("reach_trainers", reports_views.TrainerReachReportView),
]


class HRReportMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        # Every role is a read role, and opening the admin has already looked
        # the user's roles up: the backend's cached answer costs no query.
        user = request.user
        return user.is_superuser or OrganisationRoleBackend().has_perm(
            user, ADMIN_ACCESS
        )


class ReachMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        user = request.user
        return user.is_superuser or Role.INTEGRITY_OFFICER in roles_of(user)


@hooks.register("register_admin_urls")
def register_report_urls():
    urls = []
    views = [(name, view) for name, view, _label, _order in REPORTS]
    for name, view in views + REACH_REPORTS:
        slug = name.replace("_", "-")
        urls += [
            path(f"hr-reports/{slug}/", view.as_view(), name=f"lms_report_{name}"),
            path(
                f"hr-reports/{slug}/results/",
                view.as_view(results_only=True),
                name=f"lms_report_{name}_results",
            ),
        ]
    return urls


def report_menu_item(name: str, label: str, icon: str, order: int) -> MenuItem:
    return HRReportMenuItem(
        label,
        reverse(f"lms_report_{name}"),
        name=f"hr-report-{name}",
        icon_name=icon,
        order=order,
    )


for _name, _view, _label, _order in REPORTS:
    hooks.register(
        "register_reports_menu_item",
        partial(report_menu_item, _name, _label, _view.header_icon, _order),
    )


@hooks.register("register_reports_menu_item")
def register_reach_menu_item() -> MenuItem:
    return ReachMenuItem(
        _("Train-the-trainer reach"),
        reverse("lms_report_reach"),
        name="hr-report-reach",
        icon_name=reports_views.ReachReportView.header_icon,
        order=2040,
    )


hooks.register("construct_homepage_panels", add_hr_dashboard)
