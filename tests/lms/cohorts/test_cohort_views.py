"""The trainer's pages: dashboard, cohort form, cohort page, participant lists."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from certificates.issuance import issue_for_completion
from certificates.models import Certificate
from lms.cohorts.attendance import record_paper_results
from lms.models import (
    Cohort,
    CohortMode,
    CohortSession,
    Enrolment,
    JoinedVia,
    Participant,
    Person,
    Province,
)
from tests.factories import (
    CoursePageFactory,
    PersonFactory,
    StaffMemberFactory,
    UserFactory,
    cohort_with_sessions,
)

pytestmark = pytest.mark.django_db


def form_data(response) -> dict:
    """Return what a browser would post back from the cohort form as shown."""
    data = {}
    forms = [response.context["form"], response.context["sessions"].management_form]
    forms += list(response.context["sessions"])
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False or value == "":
                continue  # what a browser leaves out
            data[field.html_name] = field.field.widget.format_value(value)
    return data


def moment(day, hour: int = 9) -> str:
    return f"{day.isoformat()}T{hour:02d}:00"


def new_cohort_data(client, course, **fields) -> dict:
    """Fill the empty cohort form: a virtual cohort of 20, today, one session.

    `fields` (form field names) change or add to those values.
    """
    page = client.get(reverse("cohorts:create"))
    today = timezone.localdate()
    return (
        form_data(page)
        | {
            "course": course.pk,
            "mode": CohortMode.VIRTUAL,
            "capacity": "20",
            "starts_on": today.isoformat(),
            "ends_on": today.isoformat(),
            "sessions-0-starts_at": moment(today),
        }
        | fields
    )


def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def trainer_client(client, trainer_user, trainer):
    return signed_in(client, trainer_user)


@pytest.fixture
def other_trainer_client(client, other_trainer):
    return signed_in(client, other_trainer.person.user)


def participant(cohort, number: str, **person) -> Participant:
    user = UserFactory()
    person = PersonFactory(user=user, document_number=number, **person)
    enrolment = Enrolment.objects.create(user=user, course=cohort.course)
    return Participant.objects.create(
        cohort=cohort,
        person=person,
        enrolment=enrolment,
        joined_via=JoinedVia.LINK,
        joined_at=timezone.now(),
    )


# Who may open the pages

COHORT_PAGES = ["cohorts:detail", "cohorts:edit", "cohorts:qr"]
COHORT_ACTIONS = [
    ("cohorts:edit", {"name": "Cambiado"}),
    ("cohorts:add_participants", {"pasted": "45678901"}),
    ("cohorts:confirm_participants", {"ticket": "x"}),
    ("cohorts:self_enrolment", {"open": "0"}),
]


def assert_unchanged(cohort) -> None:
    cohort.refresh_from_db()
    assert cohort.name == "Inducción – Jaén"
    assert cohort.self_enrolment_open
    assert cohort.participants.count() == 0


@pytest.mark.parametrize("name", ["cohorts:dashboard", "cohorts:create"])
def test_anonymous_visitors_are_sent_to_log_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("name", COHORT_PAGES)
def test_anonymous_visitors_are_sent_to_log_in_from_a_cohort(client, cohort, name):
    response = client.get(reverse(name, args=[cohort.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize(("name", "data"), COHORT_ACTIONS)
def test_anonymous_visitors_change_nothing(client, cohort, name, data):
    response = client.post(reverse(name, args=[cohort.pk]), data)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert_unchanged(cohort)


@pytest.mark.parametrize("user", ["learner", "hr_b"])
@pytest.mark.parametrize("name", ["cohorts:dashboard", "cohorts:create"])
def test_people_who_are_not_trainers_are_refused(client, request, user, name, english):
    signed_in(client, request.getfixturevalue(user))
    response = client.get(reverse(name))
    assert response.status_code == 403
    assert "certified integrity trainers" in response.content.decode()


@pytest.mark.parametrize("user", ["learner", "hr_b"])
@pytest.mark.parametrize(("name", "data"), COHORT_ACTIONS)
def test_people_who_are_not_trainers_change_nothing(
    client, request, cohort, user, name, data
):
    signed_in(client, request.getfixturevalue(user))
    assert client.get(reverse("cohorts:detail", args=[cohort.pk])).status_code == 403
    assert client.post(reverse(name, args=[cohort.pk]), data).status_code == 403
    assert_unchanged(cohort)


@pytest.mark.parametrize("name", COHORT_PAGES)
def test_another_trainers_cohort_is_not_found(other_trainer_client, cohort, name):
    response = other_trainer_client.get(reverse(name, args=[cohort.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize(("name", "data"), COHORT_ACTIONS)
def test_another_trainer_changes_nothing(other_trainer_client, cohort, name, data):
    response = other_trainer_client.post(reverse(name, args=[cohort.pk]), data)
    assert response.status_code == 404
    assert_unchanged(cohort)


def test_a_withdrawn_trainer_is_refused(trainer_client, trainer, integrity_officer):
    trainer.withdrawn_at = timezone.now()
    trainer.withdrawn_by = integrity_officer
    trainer.withdrawal_reason = "Retirado"
    trainer.save()
    assert trainer_client.get(reverse("cohorts:dashboard")).status_code == 403


# Dashboard


def test_the_dashboard_lists_only_the_trainers_own_cohorts(
    trainer_client, cohort, other_trainer, course
):
    theirs = cohort_with_sessions(
        other_trainer, course, starts_on=timezone.localdate(), name="Grupo de Chota"
    )
    response = trainer_client.get(reverse("cohorts:dashboard"))
    assert list(response.context["cohorts"]) == [cohort]
    page = response.content.decode()
    assert reverse("cohorts:detail", args=[cohort.pk]) in page
    assert theirs.name not in page
    assert reverse("cohorts:create") in page


def test_the_dashboard_shows_participants_and_rates(trainer_client, cohort):
    participant(cohort, "45678901")
    response = trainer_client.get(reverse("cohorts:dashboard"))
    (row,) = response.context["cohorts"]
    assert (row.participant_count, row.session_count, row.recorded_count) == (1, 3, 0)
    assert "1 / 40" in response.content.decode()


def test_the_dashboard_links_to_each_courses_material(trainer_client, cohort):
    page = trainer_client.get(reverse("cohorts:dashboard")).content.decode()
    for name in ("participant_pdf", "facilitator_pdf", "zip"):
        assert reverse(f"materials:{name}", args=[cohort.course.pk]) in page


def test_a_trainer_whose_certification_lapsed_is_told_to_renew(
    trainer_client, trainer, english
):
    trainer.approved_at = timezone.now() + timedelta(days=1)
    trainer.save()
    response = trainer_client.get(reverse("cohorts:dashboard"))
    assert response.status_code == 403
    assert "Renew the trainer course" in response.content.decode()


def make_cohorts(trainer, course, count: int, people: int) -> None:
    for index in range(count):
        cohort = cohort_with_sessions(
            trainer, course, starts_on=timezone.localdate(), name=f"Grupo {index}"
        )
        for number in range(people):
            participant(cohort, f"4{index:03d}{number:04d}")


# Every page: session and user, whether the user is staff (two-factor, see
# lms.accounts.staff_security), then Wagtail's user bar asks whether the user may open
# the admin (their permissions, their groups', their roles).
REQUEST = 6
# The trainer's certification and the completions that keep it valid.
TRAINER = 2
# The cohorts with every count in one query.
DASHBOARD_QUERIES = REQUEST + TRAINER + 1


@pytest.mark.parametrize(("count", "people"), [(1, 1), (6, 4)])
def test_the_dashboard_runs_a_fixed_number_of_queries(
    trainer_client, trainer, course, django_assert_max_num_queries, count, people
):
    make_cohorts(trainer, course, count, people)
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        response = trainer_client.get(reverse("cohorts:dashboard"))
    assert len(response.context["cohorts"]) == count


# Creating and editing a cohort


def test_a_trainer_creates_a_cohort_with_its_sessions(trainer_client, trainer, course):
    page = trainer_client.get(reverse("cohorts:create"))
    start = timezone.localdate() + timedelta(days=7)
    data = form_data(page) | {
        "course": course.pk,
        "name": "Inducción – Chota",
        "mode": CohortMode.IN_PERSON,
        "province": Province.CHOTA,
        "district": "Chota",
        "partner_institution": "Universidad Nacional Autónoma de Chota",
        "capacity": "25",
        "starts_on": start.isoformat(),
        "ends_on": (start + timedelta(days=7)).isoformat(),
        "sessions-0-starts_at": moment(start),
        "sessions-0-topic": "Apertura",
        "sessions-1-starts_at": moment(start + timedelta(days=7), 15),
    }

    response = trainer_client.post(reverse("cohorts:create"), data)

    cohort = Cohort.objects.get(name="Inducción – Chota")
    assert response.status_code == 302
    assert response.url == reverse("cohorts:detail", args=[cohort.pk])
    assert cohort.trainer == trainer
    assert cohort.place() == "Chota"
    sessions = list(cohort.sessions.values_list("number", "topic", "minutes"))
    assert sessions == [(1, "Apertura", 120), (2, "", 120)]


def test_only_published_courses_can_be_chosen(trainer_client, course, catalogue):
    draft = CoursePageFactory(parent=catalogue, live=False, title="Borrador")
    response = trainer_client.get(reverse("cohorts:create"))
    choices = response.context["form"].fields["course"].queryset
    assert course in choices
    assert draft not in choices


def test_a_cohort_in_person_needs_a_province(trainer_client, trainer, course):
    data = new_cohort_data(
        trainer_client, course, name="Sin provincia", mode=CohortMode.IN_PERSON
    )
    response = trainer_client.post(reverse("cohorts:create"), data)
    assert response.status_code == 200
    assert "province" in response.context["form"].errors
    assert not Cohort.objects.exists()


def test_a_virtual_cohort_needs_no_province(trainer_client, trainer, course):
    data = new_cohort_data(
        trainer_client, course, name="En línea", mode=CohortMode.VIRTUAL
    )
    assert trainer_client.post(reverse("cohorts:create"), data).status_code == 302
    assert Cohort.objects.get().place() == "Virtual"


def test_sessions_outside_the_dates_or_with_one_number_save_nothing(
    trainer_client, trainer, course
):
    today = timezone.localdate()
    data = new_cohort_data(trainer_client, course, name="Mal planificado") | {
        "ends_on": (today + timedelta(days=3)).isoformat(),
        "sessions-1-number": "1",
        "sessions-1-starts_at": moment(today + timedelta(days=1)),
        "sessions-2-starts_at": moment(today + timedelta(days=10)),
    }
    response = trainer_client.post(reverse("cohorts:create"), data)
    assert response.status_code == 200
    sessions = response.context["sessions"]
    assert sessions.non_form_errors()  # number 1 twice
    assert "starts_at" in sessions.forms[2].errors
    assert not Cohort.objects.exists()
    assert not CohortSession.objects.exists()


def test_a_cohort_needs_at_least_one_session(trainer_client, trainer, course):
    data = new_cohort_data(trainer_client, course, name="Sin sesiones")
    del data["sessions-0-starts_at"]
    response = trainer_client.post(reverse("cohorts:create"), data)
    assert response.status_code == 200
    assert response.context["sessions"].non_form_errors()
    assert not Cohort.objects.exists()


def test_a_trainer_whose_certification_lapsed_cannot_create(
    trainer_client, trainer, english
):
    trainer.approved_at = timezone.now() + timedelta(days=1)
    trainer.save()
    response = trainer_client.get(reverse("cohorts:create"))
    assert response.status_code == 403
    assert "not valid today" in response.content.decode()


def test_editing_changes_the_cohort_and_swaps_session_numbers(trainer_client, cohort):
    page = trainer_client.get(reverse("cohorts:edit", args=[cohort.pk]))
    data = form_data(page) | {
        "name": "Inducción – Jaén (tarde)",
        "sessions-0-number": "2",
        "sessions-1-number": "1",
    }
    response = trainer_client.post(reverse("cohorts:edit", args=[cohort.pk]), data)
    assert response.status_code == 302
    cohort.refresh_from_db()
    assert cohort.name == "Inducción – Jaén (tarde)"
    topics = list(cohort.sessions.order_by("number").values_list("topic", flat=True))
    assert topics == ["Sesión 2", "Sesión 1", "Sesión 3"]


def test_a_session_with_attendance_recorded_cannot_be_removed(
    trainer_client, cohort, trainer_user
):
    first = cohort.sessions.get(number=1)
    first.recorded_at, first.recorded_by = timezone.now(), trainer_user
    first.save()
    page = trainer_client.get(reverse("cohorts:edit", args=[cohort.pk]))
    data = form_data(page) | {"sessions-0-DELETE": "on"}
    response = trainer_client.post(reverse("cohorts:edit", args=[cohort.pk]), data)
    assert response.status_code == 200
    assert response.context["sessions"].non_form_errors()
    assert cohort.sessions.count() == 3


def test_capacity_cannot_drop_below_the_participants(trainer_client, cohort):
    participant(cohort, "45678901")
    participant(cohort, "45678902")
    page = trainer_client.get(reverse("cohorts:edit", args=[cohort.pk]))
    assert page.context["form"].fields["course"].disabled
    data = form_data(page) | {"capacity": "1"}
    response = trainer_client.post(reverse("cohorts:edit", args=[cohort.pk]), data)
    assert "capacity" in response.context["form"].errors
    cohort.refresh_from_db()
    assert cohort.capacity == 40


# The cohort's page


def test_the_cohort_page_shows_participants_with_masked_documents(
    trainer_client, cohort
):
    participant(cohort, "45678123", first_names="Rosa", last_names="Quispe")
    response = trainer_client.get(reverse("cohorts:detail", args=[cohort.pk]))
    page = response.content.decode()
    assert "Rosa Quispe" in page
    assert "DNI *****123" in page
    assert "45678123" not in page
    assert cohort.join_token in page
    assert reverse("cohorts:qr", args=[cohort.pk]) in page
    assert [s.number for s in response.context["sessions"]] == [1, 2, 3]


def test_attendance_counts_every_session_as_the_completion_rule_does(
    trainer_client, trainer, trainer_user, course, django_capture_on_commit_callbacks
):
    """3 sessions attended of 5 planned is 60 %, under the 80 % the course asks,
    whether or not the last two are recorded yet; cancelling those two makes it
    3 of 3, which completes the participant and issues the certificate."""
    issue_for_completion(trainer.qualification)
    today = timezone.localdate()
    cohort = cohort_with_sessions(
        trainer, course, starts_on=today - timedelta(weeks=2), sessions=5
    )
    person = participant(cohort, "45678123", first_names="Rosa")
    held = cohort.sessions.filter(number__lte=3)
    record_paper_results(
        cohort=cohort,
        attended={session.pk: {person.pk} for session in held},
        scores={person.pk: 90},
        by=trainer_user,
        now=timezone.now(),
    )
    assert not person.enrolment.completions.exists()
    detail = trainer_client.get(reverse("cohorts:detail", args=[cohort.pk]))
    assert "<td>3 / 5</td>" in detail.content.decode()
    [row] = detail.context["participants"]
    assert (row.attended, row.sessions, row.attendance_met) == (3, 5, False)

    page = trainer_client.get(reverse("cohorts:edit", args=[cohort.pk]))
    data = form_data(page) | {"sessions-3-DELETE": "on", "sessions-4-DELETE": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        response = trainer_client.post(reverse("cohorts:edit", args=[cohort.pk]), data)

    assert response.status_code == 302
    assert cohort.sessions.count() == 3
    person.refresh_from_db()
    assert person.completion is not None
    assert Certificate.objects.filter(completion=person.completion).exists()


# The cohort, its sessions, its participants with their counts.
DETAIL_QUERIES = REQUEST + TRAINER + 3


@pytest.mark.parametrize("people", [1, 15])
def test_the_cohort_page_runs_a_fixed_number_of_queries(
    trainer_client, cohort, django_assert_max_num_queries, people
):
    for number in range(people):
        participant(cohort, f"4567{number:04d}")
    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = trainer_client.get(reverse("cohorts:detail", args=[cohort.pk]))
    assert len(response.context["participants"]) == people


def test_the_qr_page_shows_a_large_code_of_the_absolute_link(
    trainer_client, cohort, settings
):
    settings.WAGTAILADMIN_BASE_URL = "https://integridad.example.pe"
    response = trainer_client.get(reverse("cohorts:qr", args=[cohort.pk]))
    page = response.content.decode()
    assert "<svg" in page
    assert f"https://integridad.example.pe/grupos/unirse/{cohort.join_token}/" in page


def test_the_trainer_closes_and_reopens_the_link(trainer_client, cohort):
    url = reverse("cohorts:self_enrolment", args=[cohort.pk])
    trainer_client.post(url, {"open": "0"})
    cohort.refresh_from_db()
    assert not cohort.self_enrolment_open
    trainer_client.post(url, {"open": "1"})
    cohort.refresh_from_db()
    assert cohort.self_enrolment_open


# Adding participants by a list


def post_list(client, cohort, **data):
    return client.post(reverse("cohorts:add_participants", args=[cohort.pk]), data)


def confirm(client, cohort, preview, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            reverse("cohorts:confirm_participants", args=[cohort.pk]),
            {"ticket": preview.context["ticket"]},
        )


def test_a_pasted_list_is_previewed_then_enrolled(
    trainer_client, cohort, units, django_capture_on_commit_callbacks
):
    known = participant(cohort, "45678901").person
    Participant.objects.filter(person=known).delete()
    StaffMemberFactory(
        unit=units["a"],
        person=PersonFactory(document_number="45678902"),
        email="staff@regioncajamarca.gob.pe",
    )
    pasted = "45678901\n45678902\n45678903;Nueva;Persona;nueva@correo.pe"

    preview = post_list(trainer_client, cohort, pasted=pasted)

    assert preview.status_code == 200
    assert "staff@regioncajamarca.gob.pe" not in preview.content.decode()
    plan = preview.context["plan"]
    assert (len(plan.enrol), len(plan.invite)) == (1, 2)
    assert cohort.participants.count() == 0

    response = confirm(
        trainer_client, cohort, preview, django_capture_on_commit_callbacks
    )

    assert response.status_code == 302
    assert cohort.participants.count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == [
        "nueva@correo.pe",
        "staff@regioncajamarca.gob.pe",
    ]


def test_an_uploaded_spreadsheet_is_read(trainer_client, cohort):
    workbook = Workbook()
    workbook.active.append(["dni", "nombres", "apellidos", "correo"])
    workbook.active.append(["45678901", "Ana", "Ruiz", "ana@correo.pe"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = io.BytesIO(buffer.getvalue())
    upload.name = "lista.xlsx"

    preview = post_list(trainer_client, cohort, file=upload)

    assert [p.listed.email for p in preview.context["plan"].invite] == ["ana@correo.pe"]


def test_a_bad_list_shows_every_row_error_and_enrols_nobody(trainer_client, cohort):
    pasted = (
        "dni,nombres,apellidos,correo\n"
        "4567890,Ana,Ruiz,ana@correo.pe\n"
        "45678902,Luis,Paz,luis@correo.pe\n"
        "45678902,Luis,Paz,luis@correo.pe\n"
        "45678903,Sin,Correo,\n"
    )
    response = post_list(trainer_client, cohort, pasted=pasted)
    assert response.status_code == 200
    cells = [(e.row, e.column) for e in response.context["list_errors"]]
    assert cells == [(2, "dni"), (4, "dni"), (5, "correo")]
    assert "ticket" not in response.context
    assert cohort.participants.count() == 0
    assert not Person.objects.filter(document_number="45678902").exists()


def test_a_list_needs_a_paste_or_a_file(trainer_client, cohort):
    response = post_list(trainer_client, cohort, pasted="  ")
    assert response.context["list_form"].errors


def test_a_tampered_ticket_enrols_nobody(trainer_client, cohort):
    url = reverse("cohorts:confirm_participants", args=[cohort.pk])
    response = trainer_client.post(url, {"ticket": "forged"})
    assert response.status_code == 302
    assert cohort.participants.count() == 0


def test_a_ticket_is_only_good_for_its_own_cohort(
    trainer_client, cohort, trainer, course, django_capture_on_commit_callbacks
):
    other = cohort_with_sessions(trainer, course, starts_on=timezone.localdate())
    preview = post_list(trainer_client, cohort, pasted="45678901;Ana;Ruiz;a@x.pe")
    trainer_client.post(
        reverse("cohorts:confirm_participants", args=[other.pk]),
        {"ticket": preview.context["ticket"]},
    )
    assert not Participant.objects.exists()


def test_a_trainer_whose_certification_lapsed_cannot_add_participants(
    trainer_client, trainer, cohort
):
    trainer.approved_at = timezone.now() + timedelta(days=1)
    trainer.save()
    response = post_list(trainer_client, cohort, pasted="45678901;Ana;Ruiz;a@x.pe")
    assert response.status_code == 403
    assert cohort.participants.count() == 0
