"""The HR reports run a fixed number of SQL queries whatever the staff count.

Each report page and export is requested with 2 people, then with 24: the
same ceiling holds for both. A query repeated per row would break it.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from lms.models import Assignment, Person, StaffMember
from tests.factories import TrainingRequirementFactory

LIMA = ZoneInfo("America/Lima")

# Every admin request: session, user, whether the user is staff (who must use
# two-factor), the user's and their groups' permissions, the user's roles (to
# open the admin), Wagtail's user profile (for the language), and the scope of
# the user's roles.
REQUEST = 8
# Drawing the admin's menu: locales, then the page, collection and site
# permissions Wagtail's own menu items check.
ADMIN_MENU = 4
# The filter form's choices: units in scope, required courses, requirements.
FILTER_CHOICES = 3
# A paginated list: the count for the paginator, then the page of rows (people,
# units and requirements joined, statuses and course titles annotated).
PAGE_ROWS = 2
# Completion by unit: one count grouped by unit, then the units in scope.
COMPLETION = 2
COMPLETION_PAGE = REQUEST + ADMIN_MENU + FILTER_CHOICES + COMPLETION
OVERDUE_PAGE = REQUEST + ADMIN_MENU + FILTER_CHOICES + PAGE_ROWS
ASSIGNMENTS_PAGE = REQUEST + ADMIN_MENU + FILTER_CHOICES + PAGE_ROWS
# New hires: the active requirements (a status column each), and a filter
# form whose only choices are the units.
NEW_HIRES_PAGE = REQUEST + ADMIN_MENU + 1 + 1 + PAGE_ROWS
# An export draws no page: the request, then the rows in one query, read in
# chunks of EXPORT_CHUNK_SIZE rows.
EXPORT = REQUEST + 1
COMPLETION_EXPORT = REQUEST + COMPLETION
NEW_HIRES_EXPORT = REQUEST + 1 + 1

PAGES = {
    "completion": COMPLETION_PAGE,
    "overdue": OVERDUE_PAGE,
    "new_hires": NEW_HIRES_PAGE,
    "assignments": ASSIGNMENTS_PAGE,
}
EXPORTS = {
    "completion": COMPLETION_EXPORT,
    "overdue": EXPORT,
    "new_hires": NEW_HIRES_EXPORT,
    "assignments": EXPORT,
}


def is_done(number: int) -> bool:
    return number % 3 == 0


def export_rows(report: str, people: int) -> int:
    """Return how many rows the export of `people` built by staff_of has."""
    undone = sum(1 for number in range(people) if not is_done(number))
    return {"overdue": undone, "new_hires": people, "assignments": 2 * people}[report]


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime(2026, 5, 1, 9, tzinfo=LIMA), tick=False):
        yield


@pytest.fixture
def staff_of(units, induction, catalogue):
    """Return a function adding `count` people to A's subtree, in all states."""
    ethics = TrainingRequirementFactory(course=induction.course, name="Ética")

    def add(count: int) -> None:
        for number in range(count):
            person = Person.objects.create(
                document_number=f"{45000000 + number:08d}",
                first_names="Persona",
                last_names=f"Número {number}",
            )
            staff = StaffMember.objects.create(
                person=person,
                unit=units["a1"] if number % 2 else units["a"],
                regime="CAS",
                hired_on=date(2026, 4, 15),
            )
            done = is_done(number)
            Assignment.objects.create(
                staff=staff,
                requirement=induction,
                due_on=date(2026, 4, 20),
                completed_on=date(2026, 4, 10) if done else None,
                renew_by=date(2028, 4, 10) if done else None,
            )
            Assignment.objects.create(
                staff=staff, requirement=ethics, due_on=date(2026, 5, 30)
            )

    return add


@pytest.mark.django_db
@pytest.mark.parametrize("people", [2, 24])
@pytest.mark.parametrize("report", list(PAGES))
def test_report_page_queries_are_fixed(
    client, hr_a, staff_of, django_assert_max_num_queries, report, people
):
    staff_of(people)
    client.force_login(hr_a)
    with django_assert_max_num_queries(PAGES[report]):
        response = client.get(reverse(f"lms_report_{report}"))
    assert response.status_code == 200
    if report != "completion":
        assert "Número 1" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("people", [2, 24])
@pytest.mark.parametrize("export", ["csv", "xlsx"])
@pytest.mark.parametrize("report", list(EXPORTS))
def test_report_export_queries_are_fixed(
    client, hr_a, staff_of, django_assert_max_num_queries, report, export, people
):
    staff_of(people)
    client.force_login(hr_a)
    with django_assert_max_num_queries(EXPORTS[report]):
        response = client.get(reverse(f"lms_report_{report}"), {"export": export})
        content = b"".join(response.streaming_content)
    assert response.status_code == 200
    if export == "csv" and report != "completion":
        lines = content.decode().splitlines()
        assert len(lines) == 1 + export_rows(report, people)
