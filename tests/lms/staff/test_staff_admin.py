"""The staff admin: listing and editing staff records, and a person's page with
their assignments, where HR extends due dates and waives assignments."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import ModelLogEntry

from lms.models import (
    Assignment,
    DueDateExtension,
    Person,
    Regime,
    Role,
    StaffMember,
)
from lms.staff.assignments import sync_assignments
from lms.staff.viewsets import PersonnelViewSetGroup, StaffViewSet
from tests.admin_helpers import is_denied, messages_of, signed_in
from tests.factories import (
    PersonFactory,
    StaffMemberFactory,
    TrainingRequirementFactory,
    UserFactory,
    grant,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)


@pytest.fixture(autouse=True)
def frozen_today():
    noon = datetime(2026, 3, 10, 12, tzinfo=ZoneInfo("America/Lima"))
    with time_machine.travel(noon, tick=False):
        yield


@pytest.fixture
def open_assignment(member_a, induction) -> Assignment:
    sync_assignments(today=TODAY)
    return Assignment.objects.get(staff=member_a)


def listing(client, **params) -> list[StaffMember]:
    response = client.get(reverse("lms_staff:index"), params)
    assert response.status_code == 200
    return list(response.context["object_list"])


def staff_form(unit, **changes) -> dict:
    data = {
        "document_type": "1",
        "document_number": "70112233",
        "first_names": "Lucía",
        "last_names": "Mendoza Paredes",
        "email": "lmendoza@regioncajamarca.gob.pe",
        "unit": unit.pk,
        "post": "Asistente",
        "regime": Regime.CAS,
        "hired_on": "2026-03-01",
        "left_on": "",
    }
    return data | changes


def edit_form(member: StaffMember, **changes) -> dict:
    person = member.person
    current = staff_form(
        member.unit,
        document_number=person.document_number,
        first_names=person.first_names,
        last_names=person.last_names,
        email=member.email,
        post=member.post,
        regime=member.regime,
        hired_on=member.hired_on.isoformat(),
    )
    return current | changes


# The listing


def test_hr_lists_only_the_staff_of_their_units_with_masked_documents(
    client, hr_a, member_a, member_b
):
    response = signed_in(client, hr_a).get(reverse("lms_staff:index"))
    html = response.content.decode()
    assert list(response.context["object_list"]) == [member_a]
    assert "*****604" in html and "42388604" not in html
    assert "Pedro" not in html
    assert reverse("lms_staff_detail", args=[member_a.pk]) in html


def test_the_staff_table_scrolls_inside_its_box_on_a_phone(client, hr_a, member_a):
    """Names wrap between words (lms/admin.css) and the table scrolls sideways."""
    html = signed_in(client, hr_a).get(reverse("lms_staff:index")).content.decode()
    box = html.split('class="lms-table-scroll"', 1)[1]
    assert "<table" in box and reverse("lms_staff_detail", args=[member_a.pk]) in box


def test_the_integrity_officer_lists_every_unit(
    client, integrity_officer, member_a, member_b
):
    assert set(listing(signed_in(client, integrity_officer))) == {member_a, member_b}


def test_the_listing_is_searched_by_name_or_document(client, hr_a, member_a, units):
    other = PersonFactory(first_names="Ana", last_names="Rojas")
    StaffMemberFactory(unit=units["a"], person=other)
    signed_in(client, hr_a)
    for query in ["quispe", "Rosa Quispe", "42388604"]:
        assert listing(client, q=query) == [member_a], query


def test_the_listing_finds_names_with_or_without_accents_in_any_case(
    client, hr_a, member_a, units
):
    jose = StaffMemberFactory(
        unit=units["a"],
        person=PersonFactory(first_names="José Ángel", last_names="Núñez Chávez"),
    )
    signed_in(client, hr_a)
    for query in ["jose", "NUNEZ", "núñez", "JOSÉ chavez", "angel nunez"]:
        assert listing(client, q=query) == [jose], query


def test_the_listing_is_filtered_by_unit_regime_status_and_seniority(
    client, hr_a, member_a, units
):
    boss = StaffMemberFactory(
        unit=units["a"], regime=Regime.DL276, is_senior_official=True
    )
    gone = StaffMemberFactory(unit=units["a"], left_on=date(2026, 3, 5))
    signed_in(client, hr_a)
    assert listing(client, unit=units["a1"].pk) == [member_a]
    assert listing(client, regime=Regime.DL276) == [boss]
    assert listing(client, status="left") == [gone]
    assert set(listing(client, status="active")) == {member_a, boss}
    assert listing(client, is_senior_official="true") == [boss]


def test_the_unit_filter_offers_only_units_in_scope(client, hr_a, units):
    response = signed_in(client, hr_a).get(reverse("lms_staff:index"))
    choices = response.context["filters"].form.fields["unit"].queryset
    assert set(choices) == {units["a"], units["a1"]}


def test_the_listing_costs_the_same_queries_for_3_or_25_people(
    client, hr_a, units, django_assert_max_num_queries
):
    signed_in(client, hr_a)
    StaffMemberFactory.create_batch(3, unit=units["a1"])
    with CaptureQueriesContext(connection) as three:
        assert len(listing(client)) == 3
    StaffMemberFactory.create_batch(22, unit=units["a"])
    with django_assert_max_num_queries(len(three)):
        assert len(listing(client)) == StaffViewSet.list_per_page


# Adding and editing


def test_hr_adds_a_staff_member_who_is_assigned_training_at_once(
    client, hr_a, units, induction
):
    response = signed_in(client, hr_a).post(
        reverse("lms_staff:add"), staff_form(units["a1"], document_number="70.112.233")
    )
    member = StaffMember.objects.get(person__document_number="70112233")
    assert response.status_code == 302
    assert response.url == reverse("lms_staff_detail", args=[member.pk])
    assert member.person.full_name == "Lucía Mendoza Paredes"
    assignment = Assignment.objects.get(staff=member)
    assert assignment.due_on == date(2026, 3, 31)
    assert ModelLogEntry.objects.filter(action="wagtail.create").count() == 1


def test_a_known_person_is_matched_by_document_not_duplicated(
    client, hr_a, units, learner
):
    """An account holder is linked under their own names, which HR leaves as
    they are (written without accents and in capitals here)."""
    known = Person.objects.create(
        user=learner,
        document_number="70112233",
        first_names="Lucía",
        last_names="Mendoza Paredes",
    )
    form = staff_form(units["a"], first_names="LUCIA", last_names="mendoza  paredes")
    signed_in(client, hr_a).post(reverse("lms_staff:add"), form)
    assert Person.objects.filter(document_number="70112233").count() == 1
    assert StaffMember.objects.get().person == known
    known.refresh_from_db()
    assert known.user == learner
    assert (known.first_names, known.last_names) == ("Lucía", "Mendoza Paredes")


def test_a_document_already_on_a_staff_record_is_refused(client, hr_a, units, member_b):
    response = signed_in(client, hr_a).post(
        reverse("lms_staff:add"), staff_form(units["a"], document_number="10117410")
    )
    errors = response.context["form"].errors["document_number"]
    assert "already has a staff record that you cannot see" in errors[0]
    assert "Pedro" not in response.content.decode()
    assert StaffMember.objects.count() == 1


def test_a_bad_dni_and_an_end_before_hire_are_refused(client, hr_a, units):
    response = signed_in(client, hr_a).post(
        reverse("lms_staff:add"),
        staff_form(units["a"], document_number="1234", left_on="2026-02-01"),
    )
    errors = response.context["form"].errors
    assert errors["document_number"] == ["A DNI has 8 digits."]
    assert errors["left_on"] == ["The end date cannot be before the hire date."]
    assert not Person.objects.exists()


def test_a_unit_outside_the_officers_scope_is_refused(client, hr_a, units):
    response = signed_in(client, hr_a).post(
        reverse("lms_staff:add"), staff_form(units["b"])
    )
    assert "unit" in response.context["form"].errors
    assert not StaffMember.objects.exists() and not Person.objects.exists()


def test_a_transfer_records_the_day_it_happened_and_reassigns(
    client, hr_a, member_a, units, course
):
    TrainingRequirementFactory(course=course, organisation=units["a"], due_days=10)
    edit_url = reverse("lms_staff:edit", args=[member_a.pk])
    signed_in(client, hr_a).post(edit_url, edit_form(member_a, unit=units["a"].pk))
    member_a.refresh_from_db()
    assert member_a.unit == units["a"] and member_a.moved_on == TODAY
    assert Assignment.objects.get(staff=member_a).due_on == TODAY + timedelta(days=10)


def test_a_transfer_counts_from_the_effective_date_hr_gives(
    client, hr_a, member_a, units, course
):
    TrainingRequirementFactory(course=course, organisation=units["a"], due_days=10)
    StaffMember.objects.filter(pk=member_a.pk).update(hired_on=date(2020, 1, 6))
    member_a.refresh_from_db()
    effective = TODAY - timedelta(days=10)
    edit_url = reverse("lms_staff:edit", args=[member_a.pk])
    signed_in(client, hr_a).post(
        edit_url,
        edit_form(member_a, unit=units["a"].pk, moved_on=effective.isoformat()),
    )
    member_a.refresh_from_db()
    assert member_a.moved_on == effective
    assert Assignment.objects.get(staff=member_a).due_on == TODAY


def test_an_edit_of_the_post_only_is_not_a_transfer(client, hr_a, member_a):
    edit_url = reverse("lms_staff:edit", args=[member_a.pk])
    signed_in(client, hr_a).post(edit_url, edit_form(member_a, post="Jefa de área"))
    member_a.refresh_from_db()
    assert member_a.post == "Jefa de área" and member_a.moved_on is None


def test_staff_records_cannot_be_deleted(client, integrity_officer, member_a):
    signed_in(client, integrity_officer)
    response = client.get(reverse("lms_staff:edit", args=[member_a.pk]))
    assert response.status_code == 200
    assert f"/admin/personal/delete/{member_a.pk}/" not in response.content.decode()
    assert client.get(f"/admin/personal/delete/{member_a.pk}/").status_code == 404


# Who may do what


def test_hr_of_another_unit_gets_404_on_every_url_of_a_person(
    client, hr_b, open_assignment
):
    member = open_assignment.staff
    signed_in(client, hr_b)
    for name in ["lms_staff:edit", "lms_staff:history", "lms_staff_detail"]:
        assert client.get(reverse(name, args=[member.pk])).status_code == 404, name
    edit = edit_form(member, post="Cambiado")
    assert (
        client.post(reverse("lms_staff:edit", args=[member.pk]), edit).status_code
        == 404
    )
    member.refresh_from_db()
    assert member.post == "Analista"


def test_a_unit_head_reads_but_cannot_add_or_edit(client, unit_head_a, member_a, units):
    signed_in(client, unit_head_a)
    assert listing(client) == [member_a]
    assert (
        client.get(reverse("lms_staff_detail", args=[member_a.pk])).status_code == 200
    )
    assert is_denied(client.get(reverse("lms_staff:add")))
    edit_url = reverse("lms_staff:edit", args=[member_a.pk])
    assert is_denied(client.get(edit_url))
    assert is_denied(client.post(edit_url, edit_form(member_a, post="X")))
    assert is_denied(client.post(reverse("lms_staff:add"), staff_form(units["a"])))
    member_a.refresh_from_db()
    assert member_a.post == "Analista" and StaffMember.objects.count() == 1


def test_learners_and_visitors_are_kept_out(client, learner, member_a):
    urls = [
        reverse("lms_staff:index"),
        reverse("lms_staff:add"),
        reverse("lms_staff:edit", args=[member_a.pk]),
        reverse("lms_staff_detail", args=[member_a.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response.url, url
    client.force_login(learner)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response.url, url


# The person's page


def test_the_page_shows_the_record_account_and_assignments(
    client, hr_a, open_assignment
):
    member = open_assignment.staff
    response = signed_in(client, hr_a).get(
        reverse("lms_staff_detail", args=[member.pk])
    )
    html = response.content.decode()
    assert "Rosa Elena Quispe" in html and "DNI *****604" in html
    assert "42388604" not in html
    assert "Not linked" in html
    assert "Inducción en integridad" in html and "31/03/2026" in html
    assert "Pending" in html
    assert reverse("lms_staff_extend", args=[member.pk, open_assignment.pk]) in html


def test_hr_may_invite_the_person_and_open_their_transcript(
    client, hr_a, open_assignment
):
    member = open_assignment.staff
    response = signed_in(client, hr_a).get(
        reverse("lms_staff_detail", args=[member.pk])
    )
    html = response.content.decode()
    assert f'action="{reverse("lms_staff_invite", args=[member.pk])}"' in html
    assert reverse("certificates_staff_transcript", args=[member.pk]) in html


def test_a_unit_head_sees_the_page_without_actions(
    client, unit_head_a, open_assignment
):
    member = open_assignment.staff
    response = signed_in(client, unit_head_a).get(
        reverse("lms_staff_detail", args=[member.pk])
    )
    html = response.content.decode()
    assert "Pending" in html
    assert reverse("lms_staff_extend", args=[member.pk, open_assignment.pk]) not in html
    assert reverse("lms_staff:edit", args=[member.pk]) not in html
    assert reverse("lms_staff_invite", args=[member.pk]) not in html


def test_the_page_costs_the_same_queries_for_one_or_many_assignments(
    client, hr_a, open_assignment, course, django_assert_max_num_queries
):
    member = open_assignment.staff
    url = reverse("lms_staff_detail", args=[member.pk])
    signed_in(client, hr_a)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    # Read now: the requests below clear the connection's query log.
    queries_for_one = len(one)
    for _ in range(6):
        TrainingRequirementFactory(course=course)
    sync_assignments(today=TODAY)
    for assignment in Assignment.objects.filter(staff=member):
        client.post(
            reverse("lms_staff_extend", args=[member.pk, assignment.pk]),
            {"new_due_on": "2026-06-30", "reason": "Licencia"},
        )
    with django_assert_max_num_queries(queries_for_one):
        response = client.get(url)
    assert response.content.decode().count("Licencia") == 7


# Extending and waiving


def test_hr_extends_a_due_date_with_a_reason_recorded_and_logged(
    client, hr_a, open_assignment
):
    member = open_assignment.staff
    response = signed_in(client, hr_a).post(
        reverse("lms_staff_extend", args=[member.pk, open_assignment.pk]),
        {"new_due_on": "2026-04-30", "reason": "Licencia por salud"},
    )
    assert response.status_code == 302
    open_assignment.refresh_from_db()
    assert open_assignment.due_on == date(2026, 4, 30)
    extension = DueDateExtension.objects.get()
    assert extension.extended_by == hr_a and extension.reason == "Licencia por salud"
    entry = ModelLogEntry.objects.get(action="lms.extend_due_date")
    assert entry.user_id == hr_a.pk and entry.object_id == str(member.pk)
    assert entry.data["new_due_on"] == "2026-04-30"
    page = client.get(reverse("lms_staff_detail", args=[member.pk])).content.decode()
    assert "Extended by Ana RRHH" in page and "from 31/03/2026 to 30/04/2026" in page
    history = client.get(reverse("lms_staff:history", args=[member.pk]))
    assert (
        "Due date of Inducción en integridad extended to 30/04/2026: "
        "Licencia por salud" in history.content.decode()
    )


def test_an_earlier_date_is_refused_with_the_rules_message(
    client, hr_a, open_assignment
):
    member = open_assignment.staff
    response = signed_in(client, hr_a).post(
        reverse("lms_staff_extend", args=[member.pk, open_assignment.pk]),
        {"new_due_on": "2026-03-20", "reason": "Porque sí"},
    )
    assert messages_of(response) == [
        "The new due date must be later than the current one."
    ]
    assert not DueDateExtension.objects.exists()
    assert not ModelLogEntry.objects.filter(action="lms.extend_due_date").exists()


def test_an_extension_without_reason_is_refused(client, hr_a, open_assignment):
    member = open_assignment.staff
    response = signed_in(client, hr_a).post(
        reverse("lms_staff_extend", args=[member.pk, open_assignment.pk]),
        {"new_due_on": "2026-04-30", "reason": ""},
    )
    assert messages_of(response) == ["Reason: This field is required."]
    open_assignment.refresh_from_db()
    assert open_assignment.due_on == date(2026, 3, 31)


def test_hr_waives_an_assignment_with_a_reason(client, hr_a, open_assignment):
    member = open_assignment.staff
    signed_in(client, hr_a).post(
        reverse("lms_staff_waive", args=[member.pk, open_assignment.pk]),
        {"reason": "Curso equivalente acreditado"},
    )
    open_assignment.refresh_from_db()
    assert open_assignment.waived_by == hr_a
    assert ModelLogEntry.objects.filter(action="lms.waive").count() == 1
    page = client.get(reverse("lms_staff_detail", args=[member.pk])).content.decode()
    assert "Waived" in page and "Curso equivalente acreditado" in page


def test_waiving_twice_says_why_and_changes_nothing(client, hr_a, open_assignment):
    member = open_assignment.staff
    url = reverse("lms_staff_waive", args=[member.pk, open_assignment.pk])
    signed_in(client, hr_a).post(url, {"reason": "Primera"})
    response = client.post(url, {"reason": "Segunda"})
    assert messages_of(response)[-1] == "Only an open assignment can be waived."
    open_assignment.refresh_from_db()
    assert open_assignment.waiver_reason == "Primera"


def test_a_unit_head_is_refused_extending_or_waiving(
    client, unit_head_a, open_assignment
):
    member = open_assignment.staff
    signed_in(client, unit_head_a)
    extend = reverse("lms_staff_extend", args=[member.pk, open_assignment.pk])
    waive = reverse("lms_staff_waive", args=[member.pk, open_assignment.pk])
    assert is_denied(client.post(extend, {"new_due_on": "2026-05-01", "reason": "x"}))
    assert is_denied(client.post(waive, {"reason": "x"}))
    open_assignment.refresh_from_db()
    assert open_assignment.is_open and open_assignment.due_on == date(2026, 3, 31)


def test_hr_of_another_unit_gets_404_when_extending_or_waiving(
    client, hr_b, open_assignment
):
    member = open_assignment.staff
    signed_in(client, hr_b)
    extend = reverse("lms_staff_extend", args=[member.pk, open_assignment.pk])
    waive = reverse("lms_staff_waive", args=[member.pk, open_assignment.pk])
    assert (
        client.post(extend, {"new_due_on": "2026-05-01", "reason": "x"}).status_code
        == 404
    )
    assert client.post(waive, {"reason": "x"}).status_code == 404
    open_assignment.refresh_from_db()
    assert open_assignment.is_open and open_assignment.due_on == date(2026, 3, 31)


def test_a_staff_id_in_scope_does_not_open_another_units_assignment(
    client, hr_b, open_assignment, member_b
):
    """The assignment must belong to the person in the URL."""
    signed_in(client, hr_b)
    url = reverse("lms_staff_waive", args=[member_b.pk, open_assignment.pk])
    assert client.post(url, {"reason": "x"}).status_code == 404
    open_assignment.refresh_from_db()
    assert open_assignment.is_open


def test_extending_is_post_only(client, hr_a, open_assignment):
    member = open_assignment.staff
    url = reverse("lms_staff_extend", args=[member.pk, open_assignment.pk])
    assert signed_in(client, hr_a).get(url).status_code == 405


# The menu


def admin_menu(client) -> str:
    return client.get(reverse("wagtailadmin_home")).content.decode()


def test_the_personnel_menu_shows_each_item_to_those_who_may_use_it(
    client, hr_a, unit_head_a, integrity_officer
):
    everything = admin_menu(signed_in(client, integrity_officer))
    for url in ["lms_staff:index", "lms_organisations:index", "lms_requirements:index"]:
        assert reverse(url) in everything
    assert reverse("lms_roles:index") in everything

    hr = admin_menu(signed_in(client, hr_a))
    assert reverse("lms_staff:index") in hr and reverse("lms_requirements:index") in hr
    assert reverse("lms_roles:index") not in hr

    head = admin_menu(signed_in(client, unit_head_a))
    assert reverse("lms_staff:index") in head
    assert reverse("lms_requirements:index") not in head


def test_the_import_link_is_offered_to_those_who_may_import(
    rf, hr_a, unit_head_a, integrity_officer
):
    group = PersonnelViewSetGroup()
    [link] = [
        item for item in group.get_submenu_items() if item.name == "lms-staff-import"
    ]
    request = rf.get("/admin/")
    for user, shown in [(hr_a, True), (integrity_officer, True), (unit_head_a, False)]:
        request.user = user
        assert link.is_shown(request) is shown, user
    assert link.url == reverse("lms_staff_import")


def test_a_user_with_two_roles_edits_only_where_they_manage(
    client, units, open_assignment, member_b
):
    """HR of unit B who also heads unit A reads A's people but manages only B's."""
    user = grant(UserFactory(), Role.HR_OFFICER, units["b"])
    grant(user, Role.UNIT_HEAD, units["a"])
    member = open_assignment.staff
    signed_in(client, user)
    assert set(listing(client)) == {member, member_b}
    assert is_denied(client.get(reverse("lms_staff:edit", args=[member.pk])))
    assert client.get(reverse("lms_staff:edit", args=[member_b.pk])).status_code == 200
    extend = reverse("lms_staff_extend", args=[member.pk, open_assignment.pk])
    assert is_denied(client.post(extend, {"new_due_on": "2026-05-01", "reason": "x"}))
