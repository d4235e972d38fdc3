"""Completion rate per unit: the figures, the subtree totals and the chart."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from lms.models import Assignment, AssignmentStatus
from lms.reports.queries import completion_by_unit, current_assignments
from lms.staff.scopes import scope_for
from tests.factories import StaffMemberFactory, next_cycle

TODAY = date(2026, 5, 1)
DUE = date(2026, 3, 31)
LIMA = ZoneInfo("America/Lima")


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime(2026, 5, 1, 9, tzinfo=LIMA), tick=False):
        yield


def assign(unit, requirement, **fields) -> Assignment:
    staff_fields = {"left_on": fields.pop("left_on")} if "left_on" in fields else {}
    staff = StaffMemberFactory(unit=unit, hired_on=date(2026, 3, 1), **staff_fields)
    return Assignment.objects.create(
        staff=staff, requirement=requirement, due_on=DUE, **fields
    )


@pytest.fixture
def known_set(units, induction, hr_a):
    """In A1: one on time, one late, one overdue; plus cycles that do not count."""
    a1, renew = units["a1"], date(2028, 3, 20)
    assign(a1, induction, completed_on=date(2026, 3, 20), renew_by=renew)
    assign(a1, induction, completed_on=date(2026, 4, 10), renew_by=renew)
    assign(a1, induction)
    assign(
        a1,
        induction,
        waived_at=datetime(2026, 4, 1, tzinfo=LIMA),
        waived_by=hr_a,
        waiver_reason="Licencia",
    )
    assign(a1, induction, closed_on=date(2026, 4, 2), left_on=date(2026, 4, 2))
    # Someone who left with an open cycle not yet closed by the daily run.
    assign(a1, induction, left_on=date(2026, 4, 15))
    assign(units["b"], induction, completed_on=date(2026, 3, 2), renew_by=renew)
    return units


def rows_for(user, units) -> dict[str, object]:
    scope = scope_for(user)
    rows = completion_by_unit(
        scope.assignments().latest_cycles().filter(staff__left_on__isnull=True),
        scope.organisations(),
        today=TODAY,
    )
    return {row.unit.code: row for row in rows}


@pytest.mark.django_db
class TestFigures:
    def test_a_unit_counts_one_on_time_one_late_one_overdue(self, known_set, hr_a):
        a1 = rows_for(hr_a, known_set)["SGPE"]
        assert (a1.assigned, a1.completed, a1.on_time, a1.overdue) == (3, 2, 1, 1)
        assert a1.rate == 67

    def test_a_units_row_adds_up_its_sub_units(self, known_set, hr_a):
        a = rows_for(hr_a, known_set)["GRDS"]
        assert (a.assigned, a.completed, a.on_time, a.overdue) == (3, 2, 1, 1)

    def test_a_unit_with_nothing_owed_has_no_rate(self, units, induction, hr_a):
        assert rows_for(hr_a, units)["GRDS"].rate is None

    def test_an_expired_completion_is_not_completed(self, units, induction, hr_a):
        assign(
            units["a"],
            induction,
            completed_on=date(2024, 3, 1),
            renew_by=date(2026, 3, 1),
        )
        a = rows_for(hr_a, units)["GRDS"]
        assert (a.assigned, a.completed) == (1, 0)

    def test_only_the_latest_cycle_counts(self, units, induction, hr_a):
        first = assign(
            units["a"],
            induction,
            completed_on=date(2024, 3, 1),
            renew_by=date(2026, 3, 1),
        )
        next_cycle(first, due_on=DUE)
        a = rows_for(hr_a, units)["GRDS"]
        assert (a.assigned, a.completed, a.overdue) == (1, 0, 1)

    def test_counts_agree_with_each_assignments_status(self, known_set, hr_a):
        statuses = list(
            current_assignments(scope_for(hr_a), today=TODAY)
            .filter(staff__left_on__isnull=True)
            .values_list("status", flat=True)
        )
        a = rows_for(hr_a, known_set)["GRDS"]
        owed = [s for s in statuses if s not in ("waived", "closed")]
        assert a.assigned == len(owed)
        assert a.completed == statuses.count(AssignmentStatus.COMPLETED)
        assert a.overdue == statuses.count(AssignmentStatus.OVERDUE)


@pytest.mark.django_db
class TestPage:
    def test_page_shows_each_units_rate_and_leaves_out_leavers(
        self, client, known_set, hr_a
    ):
        client.force_login(hr_a)
        response = client.get(reverse("lms_report_completion"))
        assert response.status_code == 200
        rows = {row.unit.code: row for row in response.context["object_list"]}
        assert set(rows) == {"GRDS", "SGPE"}
        assert rows["SGPE"].rate == 67
        assert rows["SGPE"].assigned == 3

    def test_chart_is_inline_svg_hidden_from_screen_readers(
        self, client, known_set, hr_a
    ):
        client.force_login(hr_a)
        html = client.get(reverse("lms_report_completion")).content.decode()
        chart = html[html.index('<svg class="completion-chart"') :]
        chart = chart[: chart.index("</svg>")]
        assert 'aria-hidden="true"' in chart
        assert 'width="32%"' in chart  # 67 % of the 48 % track
        assert "cdn" not in html.lower()

    def test_csv_export_gives_the_figures(self, client, known_set, hr_a):
        client.force_login(hr_a)
        response = client.get(reverse("lms_report_completion"), {"export": "csv"})
        rows = list(csv.reader(io.StringIO(b"".join(response).decode("utf-8-sig"))))
        assert ["SGPE", known_set["a1"].name, "3", "2", "0", "1", "1", "67"] in rows

    def test_unit_filter_shows_that_subtree_only(self, client, known_set, hr_a):
        client.force_login(hr_a)
        response = client.get(
            reverse("lms_report_completion"), {"unit": known_set["a1"].pk}
        )
        assert [row.unit.code for row in response.context["object_list"]] == ["SGPE"]
