"""HR's landing page in the admin: what needs doing in their units now.

Every figure starts from the user's scope (lms/staff/scopes.py), and the panel
costs the same few queries for ten people as for fifty thousand: counts in
SQL, and only the first few names fetched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component

from lms.reports.queries import NEW_HIRE_DAYS, hired_within
from lms.staff.models import Assignment, StaffImport, StaffMember
from lms.staff.policies import cached_scope
from lms.staff.scopes import MANAGE_ROLES, READ_ROLES, Scope

# Names listed under each figure; the report behind the figure has them all.
NAMES_SHOWN = 5
IMPORTS_SHOWN = 5
# (URL name, label) of the reports the panel links to, as in the Reports menu.
REPORT_LINKS = (
    ("lms_report_overdue", _("Overdue training")),
    ("lms_report_new_hires", _("New hires")),
    ("lms_report_assignments", _("Training assignments")),
    ("lms_report_completion", _("Training completion by unit")),
)


@dataclass(frozen=True)
class Figure:
    """A count and the first few people it counts."""

    count: int
    people: list[StaffMember]

    @property
    def more(self) -> int:
        return self.count - len(self.people)


def overdue_people(scope: Scope, *, today: date) -> QuerySet[StaffMember]:
    """Return the current staff with training past its due date, most late first."""
    overdue = Assignment.objects.overdue(today=today).filter(staff=OuterRef("pk"))
    return (
        scope.staff()
        .active(today=today)
        .filter(Exists(overdue))
        .annotate(
            overdue_since=Subquery(overdue.order_by("due_on").values("due_on")[:1])
        )
        .order_by("overdue_since", "person__last_names", "pk")
    )


def unassigned_new_hires(scope: Scope, *, today: date) -> QuerySet[StaffMember]:
    """Return the staff hired lately who have no training assigned at all.

    Every regime owes the induction, so a new hire with nothing assigned
    means a rule that does not reach them yet, or a record to correct.
    """
    assigned = Assignment.objects.filter(staff=OuterRef("pk"))
    return (
        hired_within(scope.staff().active(today=today), today=today)
        .filter(~Exists(assigned))
        .order_by("-hired_on", "person__last_names", "pk")
    )


def recent_imports(scope: Scope) -> QuerySet[StaffImport]:
    """Return the imports that touched the scope's staff, with how many of them."""
    return (
        StaffImport.objects.touching(scope.staff())
        .select_related("imported_by")
        .annotate(touched=Count("staff", filter=scope.q("staff__unit__") or None))
    )


def figure(people: QuerySet[StaffMember]) -> Figure:
    first = list(people.select_related("person")[:NAMES_SHOWN])
    count = len(first) if len(first) < NAMES_SHOWN else people.count()
    return Figure(count=count, people=first)


class HRDashboardPanel(Component):
    """The panel of staff figures on the admin's home page."""

    name = "hr_dashboard"
    template_name = "lms/admin/home/hr_dashboard.html"
    order = 50

    def __init__(self, *, scope: Scope, can_import: bool) -> None:
        self.scope = scope
        self.can_import = can_import

    def get_context_data(self, parent_context: dict) -> dict:
        today = timezone.localdate()
        return {
            "overdue": figure(overdue_people(self.scope, today=today)),
            "unassigned": figure(unassigned_new_hires(self.scope, today=today)),
            "imports": list(recent_imports(self.scope)[:IMPORTS_SHOWN]),
            "new_hire_days": NEW_HIRE_DAYS,
            "can_import": self.can_import,
            "reports": [(reverse(name), label) for name, label in REPORT_LINKS],
            "staff_url": reverse("lms_staff:index"),
        }


def add_hr_dashboard(request, panels: list) -> None:
    """Lead the home page with the staff figures of the user's units.

    HR officers, unit heads and the integrity officer each see their own
    scope; only those who may import see the import links. Editors, with no
    units, see Wagtail's page panels alone.
    """
    scope = cached_scope(request.user, READ_ROLES)
    if scope.is_empty:
        return
    can_import = not cached_scope(request.user, MANAGE_ROLES).is_empty
    panels.append(HRDashboardPanel(scope=scope, can_import=can_import))
