"""Cohorts: trainers, sessions, figures, and enrolling a list of documents."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import timezone

from lms.cohorts import roster
from lms.cohorts.participant_lists import ListedPerson
from lms.models import (
    Attempt,
    Attendance,
    CohortSession,
    Enrolment,
    JoinedVia,
    Participant,
    Person,
    StaffMember,
    User,
)
from lms.people.identity import DocumentType
from lms.trainers import registry
from tests.factories import PersonFactory, StaffMemberFactory, UserFactory, completion

pytestmark = pytest.mark.django_db

SITE = "https://integridad.example.pe"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.WAGTAILADMIN_BASE_URL = SITE


def listed(row: int, number: str, **fields) -> ListedPerson:
    return ListedPerson(
        row=row, document_type=DocumentType.DNI, document_number=number, **fields
    )


def new_person(row: int, number: str) -> ListedPerson:
    return listed(
        row,
        number,
        first_names="Nueva",
        last_names=f"Persona {row}",
        email=f"nueva{row}@correo.pe",
    )


def with_account(number: str) -> Person:
    user = UserFactory()
    person = Person.objects.for_user(user)
    person.document_number = number
    person.save()
    return person


@pytest.fixture
def add(cohort, django_capture_on_commit_callbacks):
    """Enrol a list in the cohort, sending the emails its commit queues."""

    def add(people: list[ListedPerson]) -> roster.ParticipantPlan:
        with django_capture_on_commit_callbacks(execute=True):
            return roster.add_participants(
                cohort=cohort, people=people, now=timezone.now()
            )

    return add


def error_cells(plan: roster.ParticipantPlan) -> list[tuple]:
    return [(error.row, error.column) for error in plan.errors]


# Trainers


def acting(user):
    return registry.acting_certification(user, today=timezone.localdate())


def test_a_trainer_is_someone_with_an_active_certification(trainer, trainer_user):
    assert acting(trainer_user) == trainer


def test_a_withdrawn_trainer_is_no_longer_a_trainer(
    trainer, trainer_user, integrity_officer
):
    trainer.withdrawn_at = timezone.now()
    trainer.withdrawn_by = integrity_officer
    trainer.withdrawal_reason = "Dejó la región"
    trainer.save()
    assert acting(trainer_user) is None


def test_a_trainer_whose_certification_lapsed_may_not_act(trainer, trainer_user):
    trainer.approved_at = timezone.now() + timedelta(days=1)
    trainer.save()
    assert acting(trainer_user) is None


def test_a_learner_is_no_trainer(learner):
    assert acting(learner) is None


# Sessions


def session_at(cohort, number: int, day_offset: int) -> CohortSession:
    day = cohort.starts_on + timedelta(days=day_offset)
    return CohortSession(
        cohort=cohort,
        number=number,
        starts_at=timezone.make_aware(datetime.combine(day, time(15))),
    )


def test_saving_a_cohort_can_swap_two_session_numbers(cohort):
    first, second, third = cohort.sessions.order_by("number")
    first.number, second.number = 2, 1
    roster.save_cohort(cohort=cohort, sessions=[first, second], now=timezone.now())
    numbers = dict(cohort.sessions.values_list("pk", "number"))
    assert numbers == {first.pk: 2, second.pk: 1, third.pk: 3}


def test_saving_a_cohort_adds_and_removes_sessions(cohort):
    last = cohort.sessions.get(number=3)
    roster.save_cohort(
        cohort=cohort,
        sessions=[session_at(cohort, 4, 1)],
        removed=[last],
        now=timezone.now(),
    )
    assert list(cohort.sessions.values_list("number", flat=True)) == [1, 2, 4]


# Figures


def place(cohort, person: Person, **fields) -> Participant:
    enrolment, _created = Enrolment.objects.get_or_create(
        user=person.user, course=cohort.course
    )
    return Participant.objects.create(
        cohort=cohort,
        person=person,
        enrolment=enrolment,
        joined_via=JoinedVia.LIST,
        joined_at=timezone.now(),
        **fields,
    )


def record(session: CohortSession, marks: dict[Participant, bool], by: User) -> None:
    now = timezone.now()
    session.recorded_at, session.recorded_by = now, by
    session.save()
    for participant, present in marks.items():
        Attendance.objects.create(
            session=session,
            participant=participant,
            present=present,
            recorded_at=now,
            recorded_by=by,
        )


def test_figures_count_participants_sessions_attendance_and_completions(
    cohort, trainer_user
):
    ana, luis = (place(cohort, with_account(n)) for n in ("45678901", "45678902"))
    first, second, _third = cohort.sessions.order_by("number")
    record(first, {ana: True, luis: True}, trainer_user)
    record(second, {ana: True, luis: False}, trainer_user)
    ana.completion = completion(ana.person.user, cohort.course, at=timezone.now())
    ana.save()

    (figures,) = roster.with_figures(cohort.trainer.cohorts.all())

    assert (figures.participant_count, figures.session_count) == (2, 3)
    assert figures.recorded_count == 2
    assert figures.attendance_rate == 75  # 3 present of 2 people × 2 sessions
    assert figures.completion_rate == 50


def test_a_cohort_without_participants_has_no_rates(cohort):
    (figures,) = roster.with_figures(cohort.trainer.cohorts.all())
    assert (figures.attendance_rate, figures.completion_rate) == (None, None)


def test_participants_show_sessions_attended_and_a_test_passed_online_or_on_paper(
    cohort, trainer_user
):
    cohort.course.pass_mark = 70
    online, paper, failed = (
        place(cohort, with_account(n)) for n in ("45678901", "45678902", "45678903")
    )
    paper.paper_score = 70
    paper.save()
    failed.paper_score = 69
    failed.save()
    Attempt.objects.create(
        enrolment=online.enrolment,
        number=1,
        questions=[],
        started_at=timezone.now(),
        pass_mark=70,
        submitted_at=timezone.now(),
        score=90,
        passed=True,
    )
    record(cohort.sessions.get(number=1), {online: True, paper: False}, trainer_user)

    rows = {p.pk: p for p in roster.participants_of(cohort)}

    assert rows[online.pk].attended == 1
    assert rows[paper.pk].attended == 0
    assert [rows[p.pk].assessment_passed for p in (online, paper, failed)] == [
        True,
        True,
        False,
    ]


# Enrolling a list


def test_a_person_with_an_account_is_enrolled_at_once(cohort, add):
    person = with_account("45678901")

    plan = add([listed(1, "45678901")])

    assert plan.errors == [] and len(plan.enrol) == 1
    participant = Participant.objects.get(cohort=cohort)
    assert participant.person == person
    assert participant.joined_via == JoinedVia.LIST
    assert participant.enrolment == Enrolment.objects.get(
        user=person.user, course=cohort.course
    )
    assert mail.outbox == []


def test_thirty_people_are_enrolled_matched_or_invited(cohort, units, add):
    for number in range(10):
        with_account(f"4100000{number}")
    for number in range(10):
        StaffMemberFactory(
            unit=units["a"],
            person=PersonFactory(document_number=f"4200000{number}"),
            email=f"servidor{number}@regioncajamarca.gob.pe",
        )
    people = [listed(n + 1, f"4100000{n}") for n in range(10)]
    people += [listed(n + 11, f"4200000{n}") for n in range(10)]
    people += [new_person(n + 21, f"4300000{n}") for n in range(10)]

    plan = add(people)

    assert plan.errors == []
    assert (len(plan.enrol), len(plan.invite)) == (10, 20)
    assert cohort.participants.count() == 30
    assert Enrolment.objects.filter(course=cohort.course).count() == 30
    assert len(mail.outbox) == 20
    assert Person.objects.filter(document_number__startswith="4").count() == 30


def test_staff_are_matched_by_their_person_and_invited_at_their_work_address(
    cohort, units, add
):
    staff = StaffMemberFactory(
        unit=units["a"],
        person=PersonFactory(document_number="45678901", first_names="Rosa"),
        email="rosa.quispe@regioncajamarca.gob.pe",
    )

    plan = add([listed(1, "45678901", email="rosa@gmail.com")])

    assert plan.errors == []
    assert Person.objects.filter(document_number="45678901").count() == 1
    staff.person.refresh_from_db()
    user = staff.person.user
    assert user.email == "rosa.quispe@regioncajamarca.gob.pe"
    assert not user.has_usable_password()
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == (
        user.email,
        False,
        True,
    )
    assert StaffMember.objects.get(pk=staff.pk).person.user == user
    assert mail.outbox[0].to == ["rosa.quispe@regioncajamarca.gob.pe"]


def test_staff_listed_with_their_own_work_address_are_invited_there(cohort, units, add):
    """The list may write the address on record: that is no address of its own."""
    StaffMemberFactory(
        unit=units["a"],
        person=PersonFactory(document_number="45678901"),
        email="rosa.quispe@regioncajamarca.gob.pe",
    )

    plan = add([listed(1, "45678901", email="rosa.quispe@regioncajamarca.gob.pe")])

    assert plan.errors == []
    assert mail.outbox[0].to == ["rosa.quispe@regioncajamarca.gob.pe"]


def test_a_new_person_gets_a_person_an_account_and_an_invitation(cohort, add):
    add([new_person(1, "45678901")])

    person = Person.objects.get(document_number="45678901")
    assert (person.first_names, person.last_names) == ("Nueva", "Persona 1")
    assert person.user.email == "nueva1@correo.pe"
    assert cohort.participants.get().person == person


def test_the_invitation_names_trainer_and_cohort_and_sets_a_password(
    cohort, add, client
):
    add([new_person(1, "45678901")])

    (message,) = mail.outbox
    assert message.to == ["nueva1@correo.pe"]
    assert "Carmen Vásquez" in message.body
    assert cohort.name in message.body
    path = re.search(rf"{re.escape(SITE)}(/accounts/\S+)", message.body).group(1)
    page = client.get(path, follow=True)
    assert page.status_code == 200
    assert "password1" in page.context["form"].fields
    assert "token_fail" not in page.context or not page.context["token_fail"]


def test_bad_rows_are_all_reported_and_nobody_is_enrolled(cohort, add):
    with_account("45678901")
    plan = add(
        [
            listed(1, "45678901"),
            listed(2, "45678902", first_names="Sin", last_names="Correo"),
            listed(3, "45678903", email="sin-nombres@correo.pe"),
        ]
    )
    assert error_cells(plan) == [(2, "correo"), (3, "nombres"), (3, "apellidos")]
    assert cohort.participants.count() == 0
    assert not User.objects.filter(email="sin-nombres@correo.pe").exists()
    assert mail.outbox == []


def test_an_email_of_another_account_or_written_twice_is_an_error(cohort, add):
    UserFactory(email="ocupado@correo.pe")
    plan = add(
        [
            listed(
                1,
                "45678901",
                first_names="A",
                last_names="B",
                email="Ocupado@correo.pe",
            ),
            listed(
                2, "45678902", first_names="C", last_names="D", email="dos@correo.pe"
            ),
            listed(
                3, "45678903", first_names="E", last_names="F", email="DOS@correo.pe"
            ),
        ]
    )
    assert sorted(error_cells(plan)) == [(1, "correo"), (3, "correo")]
    assert cohort.participants.count() == 0


def test_a_list_over_capacity_enrols_nobody(cohort, add, english):
    cohort.capacity = 2
    cohort.save()
    plan = add([new_person(n, f"4567890{n}") for n in range(1, 4)])
    assert [error.message for error in plan.errors] == [
        "The cohort has 2 free places and the list adds 3 people."
    ]
    assert cohort.participants.count() == 0
    assert not Person.objects.filter(document_number__startswith="4567890").exists()


def test_the_same_list_twice_adds_nobody_the_second_time(cohort, add):
    with_account("45678901")
    people = [listed(1, "45678901"), new_person(2, "45678902")]
    add(people)

    plan = add(people)

    assert plan.errors == [] and plan.places == []
    assert len(plan.already) == 2
    assert cohort.participants.count() == 2
    assert len(mail.outbox) == 1


def test_people_already_in_the_cohort_do_not_count_against_its_capacity(cohort, add):
    cohort.capacity = 2
    cohort.save()
    add([new_person(1, "45678901")])
    plan = add([new_person(1, "45678901"), new_person(2, "45678902")])
    assert plan.errors == []
    assert cohort.participants.count() == 2


# Joining by the link


def test_joining_by_the_link_gives_a_place_once(cohort, learner):
    participant, is_new = roster.join_cohort(
        cohort=cohort, user=learner, now=timezone.now()
    )
    again, is_new_again = roster.join_cohort(
        cohort=cohort, user=learner, now=timezone.now()
    )
    assert (is_new, is_new_again) == (True, False)
    assert again == participant
    assert participant.joined_via == JoinedVia.LINK
    assert participant.person == Person.objects.get(user=learner)
    assert participant.enrolment.user == learner


def test_a_closed_link_gives_no_place(cohort, learner):
    roster.set_self_enrolment(cohort=cohort, is_open=False)
    with pytest.raises(roster.JoinError):
        roster.join_cohort(cohort=cohort, user=learner, now=timezone.now())
    assert cohort.participants.count() == 0


def test_a_full_cohort_gives_no_place_by_the_link(cohort, learner, stranger):
    cohort.capacity = 1
    cohort.save()
    roster.join_cohort(cohort=cohort, user=stranger, now=timezone.now())
    with pytest.raises(roster.JoinError):
        roster.join_cohort(cohort=cohort, user=learner, now=timezone.now())
    assert cohort.participants.count() == 1


def test_the_join_link_is_absolute(cohort):
    assert roster.join_url(cohort) == f"{SITE}/grupos/unirse/{cohort.join_token}/"
