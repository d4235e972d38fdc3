"""HR reports show how each completion was earned: online, or in a trainer's group.

Only the HR officers of the person's unit see it, on the page and in the
exports, and the number of queries stays fixed however many came from groups.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from lms.learning.progress import enrol
from lms.models import (
    CohortMode,
    Completion,
    JoinedVia,
    Participant,
    Person,
    StaffMember,
)
from lms.staff.assignments import sync_for_user
from tests.admin_helpers import signed_in
from tests.factories import UserFactory, cohort_with_sessions
from tests.lms.reports.test_hr_report_queries import (
    ASSIGNMENTS_PAGE,
    COMPLETION_PAGE,
    EXPORT,
)

LIMA = ZoneInfo("America/Lima")
NOW = datetime(2026, 5, 1, 9, tzinfo=LIMA)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def group(trainer, course):
    """Carmen Vásquez's group in Jaén, a month ago."""
    return cohort_with_sessions(
        trainer, course, starts_on=date(2026, 3, 30), name="Inducción Jaén 1"
    )


def staff_member(unit, last_names: str) -> StaffMember:
    user = UserFactory(first_name="Persona", last_name=last_names)
    return StaffMember.objects.create(
        person=Person.objects.for_user(user),
        unit=unit,
        regime="CAS",
        hired_on=date(2026, 3, 1),
    )


def complete(staff: StaffMember, course, *, cohort=None) -> Completion:
    """Record a completion, in `cohort` if given, and bring assignments up to date."""
    user = staff.person.user
    enrolment = enrol(user=user, course=course)
    completion = Completion.objects.create(
        enrolment=enrolment, completed_at=NOW - timedelta(days=2), score=85
    )
    if cohort is not None:
        Participant.objects.create(
            cohort=cohort,
            person=staff.person,
            enrolment=enrolment,
            joined_via=JoinedVia.LIST,
            joined_at=NOW - timedelta(days=30),
            completion=completion,
        )
    sync_for_user(user, today=NOW.date())
    return completion


@pytest.fixture
def people(units, induction, course, group):
    """In A1 one completed in the group; in A one online, one not yet; in B one
    in the group."""
    in_group = staff_member(units["a1"], "Grupal")
    online = staff_member(units["a"], "Virtual")
    pending = staff_member(units["a"], "Pendiente")
    other_unit = staff_member(units["b"], "Otraunidad")
    complete(in_group, course, cohort=group)
    complete(online, course)
    complete(other_unit, course, cohort=group)
    sync_for_user(pending.person.user, today=NOW.date())
    return {"group": in_group, "online": online, "pending": pending}


def rows_of(client, user, **params) -> dict[str, object]:
    client.force_login(user)
    response = client.get(reverse("lms_report_assignments"), params)
    assert response.status_code == 200
    return {row.staff.person.last_names: row for row in response.context["object_list"]}


def csv_rows(client, user, report: str, **params) -> list[list[str]]:
    """Return the rows of the report's CSV export, with English headings."""
    response = signed_in(client, user).get(
        reverse(f"lms_report_{report}"), {"export": "csv", **params}
    )
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def by_name(rows: list[list]) -> dict[str, dict[str, object]]:
    """Return each export row as {heading: cell}, keyed by the person's name."""
    headings = rows[0]
    return {row[0]: dict(zip(headings, row, strict=True)) for row in rows[1:]}


@pytest.mark.django_db
class TestAssignmentsPage:
    def test_shows_the_group_trainer_and_place(self, client, hr_a, people):
        html = signed_in(client, hr_a).get(reverse("lms_report_assignments"))
        html = html.content.decode()
        assert "Group: Inducción Jaén 1 – Carmen Vásquez, Jaén" in html
        assert "Online" in html

    def test_each_row_says_how_it_was_completed(self, client, hr_a, people, english):
        client.force_login(hr_a)
        response = client.get(reverse("lms_report_assignments"))
        table = response.context["table"]
        column = table.columns["completed_via"]
        via = {
            row.staff.person.last_names: column.get_value(row)
            for row in response.context["object_list"]
        }
        assert via == {
            "Grupal": "Group: Inducción Jaén 1 – Carmen Vásquez, Jaén",
            "Virtual": "Online",
            "Pendiente": "",
        }

    def test_hr_of_another_unit_sees_only_their_own(self, client, hr_b, people):
        assert set(rows_of(client, hr_b)) == {"Otraunidad"}

    def test_hr_does_not_see_another_units_group_completion(self, client, hr_a, people):
        assert "Otraunidad" not in rows_of(client, hr_a)

    def test_virtual_group_says_virtual(
        self, client, hr_a, units, trainer, course, induction
    ):
        cohort = cohort_with_sessions(
            trainer,
            course,
            starts_on=date(2026, 4, 1),
            name="En línea",
            mode=CohortMode.VIRTUAL,
            province="",
            district="",
        )
        complete(staff_member(units["a"], "Remota"), course, cohort=cohort)
        html = signed_in(client, hr_a).get(reverse("lms_report_assignments"))
        assert "Group: En línea – Carmen Vásquez, Virtual" in html.content.decode()


@pytest.mark.django_db
class TestCompletedViaFilter:
    def test_in_a_group(self, client, hr_a, people):
        assert set(rows_of(client, hr_a, completed_via="group")) == {"Grupal"}

    def test_online(self, client, hr_a, people):
        assert set(rows_of(client, hr_a, completed_via="online")) == {"Virtual"}

    def test_a_made_up_value_lists_nobody(self, client, hr_a, people):
        assert rows_of(client, hr_a, completed_via="carrier-pigeon") == {}


@pytest.mark.django_db
class TestExports:
    def test_csv_has_via_group_trainer_and_place(self, client, hr_a, people):
        rows = csv_rows(client, hr_a, "assignments")
        assert rows[0][-6:] == [
            "Completed on",
            "Completed via",
            "Group",
            "Trainer",
            "Place",
            "Status",
        ]
        cells = by_name(rows)
        group = cells["Persona Grupal"]
        assert (
            group["Completed via"],
            group["Group"],
            group["Trainer"],
            group["Place"],
        ) == ("In a group", "Inducción Jaén 1", "Carmen Vásquez", "Jaén")
        online = cells["Persona Virtual"]
        assert (online["Completed via"], online["Group"], online["Trainer"]) == (
            "Online",
            "",
            "",
        )
        assert cells["Persona Pendiente"]["Completed via"] == ""
        assert "Persona Otraunidad" not in cells

    def test_xlsx_has_the_same_columns(self, client, hr_a, people):
        response = signed_in(client, hr_a).get(
            reverse("lms_report_assignments"), {"export": "xlsx"}
        )
        workbook = openpyxl.load_workbook(
            io.BytesIO(b"".join(response.streaming_content))
        )
        rows = [list(row) for row in workbook.active.iter_rows(values_only=True)]
        cells = by_name(rows)
        group = cells["Persona Grupal"]
        assert (group["Completed via"], group["Trainer"], group["Place"]) == (
            "In a group",
            "Carmen Vásquez",
            "Jaén",
        )
        assert "Persona Otraunidad" not in cells

    def test_export_follows_the_via_filter(self, client, hr_a, people):
        rows = csv_rows(client, hr_a, "assignments", completed_via="group")
        assert [row[0] for row in rows[1:]] == ["Persona Grupal"]


@pytest.mark.django_db
class TestCompletionPerUnit:
    def test_counts_completions_in_groups(self, client, hr_a, people, units):
        client.force_login(hr_a)
        response = client.get(reverse("lms_report_completion"))
        rows = {row.unit.code: row for row in response.context["object_list"]}
        assert (rows["GRDS"].completed, rows["GRDS"].in_groups) == (2, 1)
        assert (rows["SGPE"].completed, rows["SGPE"].in_groups) == (1, 1)

    def test_other_units_group_completions_are_not_counted(self, client, hr_b, people):
        client.force_login(hr_b)
        response = client.get(reverse("lms_report_completion"))
        rows = {row.unit.code: row for row in response.context["object_list"]}
        assert set(rows) == {"GRDE"}
        assert rows["GRDE"].in_groups == 1

    def test_csv_has_the_column(self, client, hr_a, people):
        rows = csv_rows(client, hr_a, "completion")
        cells = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
        assert cells["SGPE"]["Completed in groups"] == "1"


@pytest.fixture
def grow(units, course, group):
    """Return a function adding `count` people of A who completed in the group."""

    def add(count: int) -> None:
        for number in range(count):
            complete(staff_member(units["a"], f"Extra {number}"), course, cohort=group)

    return add


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [0, 12])
class TestQueries:
    def test_assignments_page(
        self, client, hr_a, people, grow, extra, django_assert_max_num_queries
    ):
        grow(extra)
        client.force_login(hr_a)
        with django_assert_max_num_queries(ASSIGNMENTS_PAGE):
            response = client.get(reverse("lms_report_assignments"))
        assert len(response.context["object_list"]) == 3 + extra

    def test_assignments_export(
        self, client, hr_a, people, grow, extra, django_assert_max_num_queries
    ):
        grow(extra)
        client.force_login(hr_a)
        with django_assert_max_num_queries(EXPORT):
            response = client.get(reverse("lms_report_assignments"), {"export": "csv"})
            lines = b"".join(response.streaming_content).decode().splitlines()
        assert len(lines) == 1 + 3 + extra

    def test_completion_page(
        self, client, hr_a, people, grow, extra, django_assert_max_num_queries
    ):
        grow(extra)
        client.force_login(hr_a)
        with django_assert_max_num_queries(COMPLETION_PAGE):
            response = client.get(reverse("lms_report_completion"))
        assert response.status_code == 200
