"""Training requirements in the admin: the rule in plain words and the people it
would assign, shown before saving; saving applies the rule."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from courses.models import CoursePage
from lms.models import Assignment, Completion, Enrolment, TrainingRequirement
from lms.staff import requirement_preview
from lms.staff.assignments import sync_assignments
from lms.staff.viewsets import TrainingRequirementViewSet
from tests.admin_helpers import signed_in
from tests.factories import (
    CoursePageFactory,
    StaffMemberFactory,
    TrainingRequirementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LIMA = ZoneInfo("America/Lima")
TODAY = date(2026, 3, 1)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime(2026, 3, 1, 12, tzinfo=LIMA), tick=False):
        yield


@pytest.fixture
def course(course):
    """The course, its certificates valid for the 24 months the rules renew by."""
    CoursePage.objects.filter(pk=course.pk).update(validity_months=24)
    course.validity_months = 24
    return course


def rule_form(course, **changes) -> dict:
    data = {
        "name": "Inducción en integridad",
        "course": course.pk,
        "regime": "",
        "organisation": "",
        "due_days": 30,
        "recertify_months": 24,
        "applies_from": "2026-03-01",
        "is_active": "on",
    }
    return data | changes


def complete(member, course, on: date) -> None:
    """Record that the staff member passed `course` on `on`."""
    user = UserFactory()
    member.person.user = user
    member.person.save(update_fields=["user"])
    enrolment = Enrolment.objects.create(user=user, course=course)
    Completion.objects.create(
        enrolment=enrolment,
        completed_at=datetime(on.year, on.month, on.day, 10, tzinfo=LIMA),
        score=90,
    )


# The plain words


def test_the_rule_is_described_with_example_dates(english):
    rule = TrainingRequirement(due_days=30, recertify_months=24, applies_from=TODAY)
    assert requirement_preview.describe(rule, today=TODAY) == (
        "A person hired on 01/03/2026 must finish by 31/03/2026 "
        "and renew by 30/03/2028."
    )


def test_the_rule_is_described_in_spanish_by_default():
    rule = TrainingRequirement(due_days=30, recertify_months=24, applies_from=TODAY)
    with translation.override("es"):
        assert requirement_preview.describe(rule, today=TODAY) == (
            "Una persona que ingrese el 01/03/2026 debe completarlo hasta el "
            "31/03/2026 y renovarlo hasta el 30/03/2028."
        )


def test_a_rule_starting_later_uses_its_start_as_the_example_hire(english):
    rule = TrainingRequirement(
        due_days=60, recertify_months=None, applies_from=date(2026, 7, 1)
    )
    assert requirement_preview.describe(rule, today=TODAY) == (
        "A person hired on 01/07/2026 must finish by 30/08/2026; "
        "the completion never needs renewing."
    )


def test_the_audience_is_described(units, english):
    rule = TrainingRequirement(
        senior_officials_only=True, regime="CAS", organisation=units["a"]
    )
    assert requirement_preview.describe_audience(rule) == (
        "Senior officials under CAS (D.Leg. 1057) of Gerencia Regional de "
        "Desarrollo Social and the units under it."
    )


# The people whose status would change


def test_a_new_rule_counts_active_staff_it_would_assign(units, course):
    StaffMemberFactory.create_batch(2, unit=units["a"])
    StaffMemberFactory(unit=units["b"])
    StaffMemberFactory(
        unit=units["a"], left_on=date(2026, 2, 1), hired_on=date(2025, 1, 1)
    )
    rule = TrainingRequirement(
        course=course, organisation=units["a"], due_days=30, applies_from=TODAY
    )
    changes = requirement_preview.status_changes(rule, today=TODAY)
    assert changes == requirement_preview.StatusChanges(newly_assigned=2)
    assert rule.pk is None


def test_people_already_assigned_are_not_counted_again(units, induction):
    StaffMemberFactory(unit=units["a"])
    sync_assignments(today=TODAY)
    StaffMemberFactory(unit=units["b"])
    changes = requirement_preview.status_changes(induction, today=TODAY)
    assert changes == requirement_preview.StatusChanges(newly_assigned=1)


def test_the_count_says_who_already_holds_a_completion_that_meets_the_rule(
    units, course
):
    recent, old, none = StaffMemberFactory.create_batch(3, unit=units["a"])
    complete(recent, course, date(2025, 6, 1))
    complete(old, course, date(2023, 1, 10))  # lapses before the due date
    rule = TrainingRequirement(
        course=course, due_days=30, recertify_months=24, applies_from=TODAY
    )
    changes = requirement_preview.status_changes(rule, today=TODAY)
    assert changes == requirement_preview.StatusChanges(newly_assigned=3, already_met=1)


def test_a_shorter_deadline_counts_the_people_it_makes_overdue(units, induction):
    StaffMemberFactory.create_batch(6, unit=units["a"], hired_on=date(2026, 2, 1))
    sync_assignments(today=TODAY)  # due 03/03/2026: pending today
    induction.due_days = 20  # due 21/02/2026: overdue today
    changes = requirement_preview.status_changes(induction, today=TODAY)
    assert changes == requirement_preview.StatusChanges(newly_overdue=6)
    induction.due_days = 60
    changes = requirement_preview.status_changes(induction, today=TODAY)
    assert changes == requirement_preview.StatusChanges()


def test_a_narrower_or_inactive_rule_counts_the_people_it_unassigns(units, induction):
    StaffMemberFactory.create_batch(2, unit=units["a"], hired_on=date(2026, 1, 1))
    StaffMemberFactory(unit=units["b"], hired_on=date(2026, 2, 1))
    sync_assignments(today=TODAY)  # A's are overdue, B's is pending
    induction.organisation = units["b"]
    changes = requirement_preview.status_changes(induction, today=TODAY)
    assert changes == requirement_preview.StatusChanges(unassigned=2)
    induction.organisation, induction.due_days = None, 90
    changes = requirement_preview.status_changes(induction, today=TODAY)
    assert changes == requirement_preview.StatusChanges(no_longer_overdue=2)
    induction.is_active = False
    changes = requirement_preview.status_changes(induction, today=TODAY)
    assert changes == requirement_preview.StatusChanges(unassigned=3)


def test_counting_leaves_nothing_written_and_costs_the_same_queries_at_any_size(
    units, course, django_assert_max_num_queries
):
    rule = TrainingRequirement(course=course, due_days=30, applies_from=TODAY)
    StaffMemberFactory.create_batch(2, unit=units["a"])
    with CaptureQueriesContext(connection) as small:
        requirement_preview.status_changes(rule, today=TODAY)
    StaffMemberFactory.create_batch(20, unit=units["b"])
    with django_assert_max_num_queries(len(small.captured_queries)):
        changes = requirement_preview.status_changes(rule, today=TODAY)
    assert changes.newly_assigned == 22
    assert not Assignment.objects.exists()
    assert not TrainingRequirement.objects.exists()


# The admin pages


def test_preview_shows_the_rule_and_its_count_without_saving(
    client, integrity_officer, units, course
):
    StaffMemberFactory.create_batch(3, unit=units["a"])
    response = signed_in(client, integrity_officer).post(
        reverse("lms_requirements:add"), rule_form(course, preview="1")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Preview: nothing is saved yet" in html
    assert "must finish by 31/03/2026 and renew by 30/03/2028" in html
    assert "Saving it would change the status of 3 people" in html
    assert "3 newly assigned" in html
    assert not TrainingRequirement.objects.exists()
    assert not Assignment.objects.exists()


def test_preview_of_an_edit_changes_nothing(client, integrity_officer, induction):
    edit_url = reverse("lms_requirements:edit", args=[induction.pk])
    response = signed_in(client, integrity_officer).post(
        edit_url, rule_form(induction.course, due_days=60, preview="1")
    )
    assert "must finish by 30/04/2026" in response.content.decode()
    induction.refresh_from_db()
    assert induction.due_days == 30


def test_the_preview_of_a_shorter_deadline_counts_the_six_it_makes_overdue(
    client, integrity_officer, units, induction
):
    """The preview said "0 personas"; saving then made 6 people overdue at once."""
    StaffMemberFactory.create_batch(6, unit=units["a"], hired_on=date(2026, 2, 1))
    sync_assignments(today=TODAY)
    edit_url = reverse("lms_requirements:edit", args=[induction.pk])
    shorter = rule_form(induction.course, due_days=20, applies_from="2026-01-01")
    client = signed_in(client, integrity_officer)

    html = client.post(edit_url, shorter | {"preview": "1"}).content.decode()

    assert "Saving it would change the status of 6 people" in html
    assert "6 newly overdue" in html
    assert not Assignment.objects.overdue(today=TODAY).exists()
    assert client.post(edit_url, shorter).status_code == 302
    assert Assignment.objects.overdue(today=TODAY).count() == 6


def test_the_edit_page_describes_the_saved_rule(client, integrity_officer, induction):
    response = signed_in(client, integrity_officer).get(
        reverse("lms_requirements:edit", args=[induction.pk])
    )
    html = response.content.decode()
    assert "What this rule means" in html
    assert "must finish by 31/03/2026 and renew by 30/03/2028" in html


def test_saving_a_requirement_assigns_it(client, integrity_officer, units, course):
    member = StaffMemberFactory(unit=units["a"], hired_on=date(2026, 3, 1))
    response = signed_in(client, integrity_officer).post(
        reverse("lms_requirements:add"), rule_form(course)
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get(staff=member)
    assert assignment.due_on == date(2026, 3, 31)


def test_editing_a_requirement_moves_open_due_dates(
    client, integrity_officer, units, induction
):
    member = StaffMemberFactory(unit=units["a"], hired_on=date(2026, 3, 1))
    sync_assignments(today=TODAY)
    signed_in(client, integrity_officer).post(
        reverse("lms_requirements:edit", args=[induction.pk]),
        rule_form(induction.course, due_days=60, applies_from="2026-01-01"),
    )
    assert Assignment.objects.get(staff=member).due_on == date(2026, 4, 30)


def test_a_course_valid_longer_than_the_renewal_period_is_refused(
    client, integrity_officer, course
):
    CoursePage.objects.filter(pk=course.pk).update(validity_months=36)
    response = signed_in(client, integrity_officer).post(
        reverse("lms_requirements:add"), rule_form(course, recertify_months=24)
    )
    [error] = response.context["form"].errors["recertify_months"]
    assert "stays valid for 36 months, longer than the 24 months set here" in error
    assert f"from {settings.RENEWAL_WINDOW_DAYS} days before" in error
    assert not TrainingRequirement.objects.exists()


def test_a_course_that_never_expires_cannot_be_renewed(
    client, integrity_officer, course
):
    CoursePage.objects.filter(pk=course.pk).update(validity_months=None)
    response = signed_in(client, integrity_officer).post(
        reverse("lms_requirements:add"), rule_form(course, recertify_months=12)
    )
    assert "recertify_months" in response.context["form"].errors


def test_a_renewal_as_long_as_the_course_validity_is_accepted(
    client, integrity_officer, course
):
    CoursePage.objects.filter(pk=course.pk).update(validity_months=24)
    response = signed_in(client, integrity_officer).post(
        reverse("lms_requirements:add"), rule_form(course, recertify_months=24)
    )
    assert response.status_code == 302
    assert TrainingRequirement.objects.get().recertify_months == 24


def test_zero_days_to_complete_is_refused(client, integrity_officer, course):
    response = signed_in(client, integrity_officer).post(
        reverse("lms_requirements:add"),
        rule_form(course, due_days=0, recertify_months="", preview="1"),
    )
    assert response.context["form"].errors["due_days"] == [
        "Give at least one day to complete the course."
    ]
    assert "Preview:" not in response.content.decode()


def test_only_live_courses_are_offered(client, integrity_officer, course, catalogue):
    draft = CoursePageFactory(parent=catalogue, title="Borrador", live=False)
    response = signed_in(client, integrity_officer).post(
        reverse("lms_requirements:add"), rule_form(draft, recertify_months="")
    )
    assert "course" in response.context["form"].errors


# Who may do what


def test_hr_reads_requirements_but_cannot_change_them(client, hr_a, induction):
    signed_in(client, hr_a)
    response = client.get(reverse("lms_requirements:index"))
    assert list(response.context["object_list"]) == [induction]
    edit_url = reverse("lms_requirements:edit", args=[induction.pk])
    assert edit_url not in response.content.decode()
    for response in [
        client.get(edit_url),
        client.post(edit_url, rule_form(induction.course, due_days=5)),
        client.post(reverse("lms_requirements:add"), rule_form(induction.course)),
    ]:
        assert response.status_code == 302 and response.url == reverse(
            "wagtailadmin_home"
        )
    induction.refresh_from_db()
    assert induction.due_days == 30 and TrainingRequirement.objects.count() == 1


def test_unit_heads_learners_and_visitors_cannot_see_requirements(
    client, unit_head_a, learner, induction
):
    index = reverse("lms_requirements:index")
    edit = reverse("lms_requirements:edit", args=[induction.pk])
    assert client.get(index).url.startswith(reverse("account_login"))
    signed_in(client, unit_head_a)
    assert client.get(index).url == reverse("wagtailadmin_home")
    assert client.get(edit).url == reverse("wagtailadmin_home")
    client.force_login(learner)
    assert client.get(index).url.startswith(reverse("account_login"))


def test_requirements_are_never_deleted_in_the_admin(
    client, integrity_officer, induction
):
    signed_in(client, integrity_officer)
    assert (
        client.get(f"/admin/personal/requisitos/delete/{induction.pk}/").status_code
        == 404
    )


def test_the_listing_costs_the_same_queries_for_2_or_12_rules(
    client, integrity_officer, course, django_assert_max_num_queries
):
    signed_in(client, integrity_officer)
    TrainingRequirementFactory.create_batch(2, course=course)
    url = reverse("lms_requirements:index")
    with CaptureQueriesContext(connection) as two:
        client.get(url)
    queries_for_two = len(two)
    TrainingRequirementFactory.create_batch(10, course=course)
    with django_assert_max_num_queries(queries_for_two):
        response = client.get(url)
    assert len(response.context["object_list"]) == 12
    assert TrainingRequirementViewSet.list_per_page >= 12
