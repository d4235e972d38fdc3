"""Filters of the HR reports: unit, regime, status, course and dates."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from lms.models import Assignment, Person, Regime
from tests.factories import (
    CoursePageFactory,
    StaffMemberFactory,
    TrainingRequirementFactory,
)

LIMA = ZoneInfo("America/Lima")


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime(2026, 5, 1, 9, tzinfo=LIMA), tick=False):
        yield


def person(unit, last_names: str, **staff_fields):
    someone = Person.objects.create(first_names="Persona", last_names=last_names)
    return StaffMemberFactory(person=someone, unit=unit, **staff_fields)


@pytest.fixture
def ethics(catalogue):
    """A second requirement, on another course, for senior officials."""
    course = CoursePageFactory(parent=catalogue, title="Ética directiva")
    return TrainingRequirementFactory(name="Ética para directivos", course=course)


@pytest.fixture
def staff(units, induction, ethics):
    """Four people of A's subtree in different situations."""
    done = person(units["a"], "Completado", hired_on=date(2026, 1, 5))
    late = person(
        units["a1"], "Atrasado", regime=Regime.DL276, hired_on=date(2026, 2, 10)
    )
    recent = person(units["a"], "Reciente", hired_on=date(2026, 4, 20))
    boss = person(units["a1"], "Directivo", hired_on=date(2026, 3, 1))
    Assignment.objects.create(
        staff=done,
        requirement=induction,
        due_on=date(2026, 2, 4),
        completed_on=date(2026, 2, 1),
        renew_by=date(2028, 2, 1),
    )
    Assignment.objects.create(
        staff=late, requirement=induction, due_on=date(2026, 3, 12)
    )
    Assignment.objects.create(
        staff=recent, requirement=induction, due_on=date(2026, 5, 20)
    )
    Assignment.objects.create(staff=boss, requirement=ethics, due_on=date(2026, 4, 30))
    return {"done": done, "late": late, "recent": recent, "boss": boss}


def listed(client, user, report: str, **params) -> set[str]:
    """Return the last names of the people the report lists."""
    client.force_login(user)
    response = client.get(reverse(f"lms_report_{report}"), params)
    assert response.status_code == 200
    rows = response.context["object_list"]
    return {
        (row.staff if isinstance(row, Assignment) else row).person.last_names
        for row in rows
    }


@pytest.mark.django_db
class TestAssignmentFilters:
    def test_without_filters_everyone_is_listed(self, client, hr_a, staff):
        assert listed(client, hr_a, "assignments") == {
            "Completado",
            "Atrasado",
            "Reciente",
            "Directivo",
        }

    @pytest.mark.parametrize(
        ("status", "expected"),
        [
            ("completed", {"Completado"}),
            ("overdue", {"Atrasado", "Directivo"}),
            ("pending", {"Reciente"}),
        ],
    )
    def test_status(self, client, hr_a, staff, status, expected):
        assert listed(client, hr_a, "assignments", status=status) == expected

    def test_regime(self, client, hr_a, staff):
        assert listed(client, hr_a, "assignments", regime=Regime.DL276) == {"Atrasado"}

    def test_unit_includes_the_units_under_it(self, client, hr_a, staff, units):
        assert listed(client, hr_a, "assignments", unit=units["a1"].pk) == {
            "Atrasado",
            "Directivo",
        }

    def test_course(self, client, hr_a, staff, ethics):
        assert listed(client, hr_a, "assignments", course=ethics.course.pk) == {
            "Directivo"
        }

    def test_requirement(self, client, hr_a, staff, induction):
        names = listed(client, hr_a, "assignments", requirement=induction.pk)
        assert names == {"Completado", "Atrasado", "Reciente"}

    def test_due_date_range(self, client, hr_a, staff):
        names = listed(
            client,
            hr_a,
            "assignments",
            due_on_from="2026-03-01",
            due_on_to="2026-04-30",
        )
        assert names == {"Atrasado", "Directivo"}

    def test_hire_date_range(self, client, hr_a, staff):
        names = listed(client, hr_a, "assignments", hired_on_to="2026-02-28")
        assert names == {"Completado", "Atrasado"}

    def test_overdue_list_filters_by_course(self, client, hr_a, staff, induction):
        names = listed(client, hr_a, "overdue", course=induction.course.pk)
        assert names == {"Atrasado"}

    def test_an_impossible_date_lists_nobody_and_says_why(self, client, hr_a, staff):
        client.force_login(hr_a)
        response = client.get(
            reverse("lms_report_assignments"), {"due_on_from": "2026-02-30"}
        )
        assert list(response.context["object_list"]) == []
        assert response.context["filters"].errors


@pytest.mark.django_db
class TestOverdueList:
    def test_days_overdue_are_counted_from_the_due_date(self, client, hr_a, staff):
        client.force_login(hr_a)
        response = client.get(reverse("lms_report_overdue"))
        days = {
            row.staff.person.last_names: row.overdue_by.days
            for row in response.context["object_list"]
        }
        assert days == {"Atrasado": 50, "Directivo": 1}


@pytest.mark.django_db
class TestNewHires:
    def test_last_30_days_by_default(self, client, hr_a, staff):
        assert listed(client, hr_a, "new_hires") == {"Reciente"}

    def test_the_period_is_adjustable(self, client, hr_a, staff):
        assert listed(client, hr_a, "new_hires", days=90) == {
            "Atrasado",
            "Reciente",
            "Directivo",
        }

    def test_shows_the_status_of_each_requirement(self, client, hr_a, staff, induction):
        client.force_login(hr_a)
        html = client.get(reverse("lms_report_new_hires"), {"days": 90}).content
        html = html.decode()
        assert induction.name in html
        rows = {
            row.person.last_names: row
            for row in client.get(
                reverse("lms_report_new_hires"), {"days": 90}
            ).context["object_list"]
        }
        field = f"requirement_{induction.pk}"
        assert getattr(rows["Reciente"], field) == "pending"
        assert getattr(rows["Atrasado"], field) == "overdue"
        assert getattr(rows["Directivo"], field) is None

    def test_leavers_are_not_new_hires(self, client, hr_a, staff):
        staff["recent"].left_on = date(2026, 4, 25)
        staff["recent"].save(update_fields=["left_on"])
        assert listed(client, hr_a, "new_hires") == set()

    def test_a_period_out_of_range_lists_nobody(self, client, hr_a, staff):
        assert listed(client, hr_a, "new_hires", days=0) == set()
