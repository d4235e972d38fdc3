"""The registry of certified trainers: who may be approved, approval, withdrawal.

Every approval and withdrawal keeps who and when, in the row and in Wagtail's
audit log; a refused one writes nothing.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone
from wagtail.models import ModelLogEntry

from lms.models import Completion, Person, Province, TrainerCertification
from lms.trainers import registry
from lms.trainers.registry import TrainerError
from tests.factories import UserFactory, completion

pytestmark = pytest.mark.django_db

UNC = "Universidad Nacional de Cajamarca"


@pytest.fixture
def candidate(db):
    return UserFactory(
        email="candidata@example.pe", first_name="Lucía", last_name="Chávez"
    )


@pytest.fixture
def qualification(candidate, trainer_course):
    """A completion of the trainer course ten days ago."""
    return completion(candidate, trainer_course, at=timezone.now() - timedelta(days=10))


def approve(qualification, officer, **fields) -> TrainerCertification:
    values = {
        "province": Province.CAJAMARCA,
        "institution": UNC,
        "listed_publicly": False,
        "by": officer,
        "now": timezone.now(),
    }
    return registry.approve_trainer(qualification=qualification, **values | fields)


def withdraw(certification, officer, reason="Dejó de dictar cursos."):
    return registry.withdraw_trainer(
        certification=certification, reason=reason, by=officer, now=timezone.now()
    )


def entries(action: str) -> list[ModelLogEntry]:
    return list(ModelLogEntry.objects.filter(action=action))


# Who may be approved


def test_eligible_are_current_trainer_course_completions_of_uncertified_people(
    qualification, trainer, course, trainer_course, learner, stranger
):
    completion(learner, course, at=timezone.now())  # not a course for trainers
    lapsed = completion(
        stranger, trainer_course, at=timezone.now() - timedelta(days=800)
    )
    revoked = completion(
        UserFactory(), trainer_course, at=timezone.now() - timedelta(days=5)
    )
    Completion.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    eligible = registry.eligible_qualifications(today=timezone.localdate())
    # The trainer already holds an active certification.
    assert eligible == [qualification]
    assert lapsed not in eligible


def test_eligible_offers_the_latest_completion_once_per_person(
    candidate, qualification, trainer_course
):
    renewal = Completion.objects.create(
        enrolment=qualification.enrolment, completed_at=timezone.now(), score=95
    )
    eligible = registry.eligible_qualifications(today=timezone.localdate())
    assert eligible == [renewal]


def test_a_withdrawn_trainer_is_eligible_again(trainer, integrity_officer):
    withdraw(trainer, integrity_officer)
    eligible = registry.eligible_qualifications(today=timezone.localdate())
    assert eligible == [trainer.qualification]


# Approval


def test_approval_records_the_trainer_and_who_approved_when(
    candidate, qualification, integrity_officer
):
    now = timezone.now()
    certification = approve(
        qualification, integrity_officer, now=now, listed_publicly=True
    )
    certification.refresh_from_db()
    assert certification.person == Person.objects.get(user=candidate)
    assert certification.qualification == qualification
    assert certification.province == Province.CAJAMARCA
    assert certification.institution == UNC
    assert certification.listed_publicly is True
    assert certification.approved_by == integrity_officer
    assert certification.approved_at == now
    assert certification.is_valid_on(timezone.localdate())
    [entry] = entries(registry.APPROVE_ACTION)
    assert entry.object_id == str(certification.pk)
    assert entry.user_id == integrity_officer.pk
    assert entry.timestamp == now
    assert entry.data["institution"] == UNC


def test_approval_trims_the_institution(qualification, integrity_officer):
    certification = approve(qualification, integrity_officer, institution=f"  {UNC} ")
    assert certification.institution == UNC


def assert_refused(qualification, officer, message: str, **fields) -> None:
    before = TrainerCertification.objects.count()
    with pytest.raises(TrainerError) as refusal:
        approve(qualification, officer, **fields)
    assert str(refusal.value) == message
    assert TrainerCertification.objects.count() == before
    assert entries(registry.APPROVE_ACTION) == []


def test_a_completion_of_another_course_qualifies_no_one(
    learner, course, integrity_officer, english
):
    other = completion(learner, course, at=timezone.now())
    assert_refused(other, integrity_officer, "Inducción is not a course for trainers.")
    assert not Person.objects.filter(user=learner).exists()


def test_a_lapsed_completion_qualifies_no_one(
    candidate, trainer_course, integrity_officer, english
):
    old = completion(
        candidate, trainer_course, at=datetime(2023, 1, 10, 12, tzinfo=UTC)
    )
    assert_refused(
        old,
        integrity_officer,
        "That completion lapsed on 09/01/2025: the person must complete the "
        "course again.",
    )


def test_a_revoked_completion_qualifies_no_one(
    qualification, integrity_officer, english
):
    Completion.objects.filter(pk=qualification.pk).update(revoked_at=timezone.now())
    qualification.refresh_from_db()
    assert_refused(
        qualification,
        integrity_officer,
        "That completion was revoked with its certificate: it qualifies no one.",
    )


def test_a_person_holds_one_active_certification(
    trainer, trainer_user, trainer_course, integrity_officer, english
):
    renewal = completion(trainer_user, trainer_course, at=timezone.now())
    assert_refused(
        renewal,
        integrity_officer,
        "Carmen Vásquez is already a certified trainer: withdraw that "
        "certification first.",
    )


def test_an_institution_is_required(qualification, integrity_officer, english):
    assert_refused(
        qualification,
        integrity_officer,
        "Name the institution the trainer works with.",
        institution="   ",
    )


def test_a_province_outside_cajamarca_is_refused(
    qualification, integrity_officer, english
):
    assert_refused(
        qualification,
        integrity_officer,
        "Choose one of the provinces of Cajamarca.",
        province="1501",
    )


# Withdrawal


def test_withdrawal_records_who_when_and_why(trainer, integrity_officer):
    now = timezone.now()
    withdrawn = registry.withdraw_trainer(
        certification=trainer,
        reason="  Conducta contraria al código de ética. ",
        by=integrity_officer,
        now=now,
    )
    trainer.refresh_from_db()
    assert trainer == withdrawn
    assert trainer.withdrawn_at == now
    assert trainer.withdrawn_by == integrity_officer
    assert trainer.withdrawal_reason == "Conducta contraria al código de ética."
    [entry] = entries(registry.WITHDRAW_ACTION)
    assert entry.object_id == str(trainer.pk)
    assert (entry.user_id, entry.timestamp) == (integrity_officer.pk, now)
    assert entry.data == {"reason": "Conducta contraria al código de ética."}


def test_withdrawal_needs_a_reason(trainer, integrity_officer, english):
    with pytest.raises(TrainerError, match="Give the reason for the withdrawal."):
        withdraw(trainer, integrity_officer, reason=" \n ")
    trainer.refresh_from_db()
    assert trainer.is_active
    assert entries(registry.WITHDRAW_ACTION) == []


def test_a_withdrawn_trainer_cannot_be_withdrawn_again(
    trainer, integrity_officer, english
):
    withdraw(trainer, integrity_officer)
    first = TrainerCertification.objects.get(pk=trainer.pk)
    today = timezone.localdate().strftime("%d/%m/%Y")
    with pytest.raises(TrainerError) as refusal:
        withdraw(trainer, UserFactory(), reason="Otra razón.")
    assert str(refusal.value) == (
        f"Carmen Vásquez was already withdrawn on {today} by Olga OII."
    )
    trainer.refresh_from_db()
    assert (trainer.withdrawn_at, trainer.withdrawal_reason) == (
        first.withdrawn_at,
        first.withdrawal_reason,
    )
    assert len(entries(registry.WITHDRAW_ACTION)) == 1


def test_a_withdrawn_trainer_is_not_valid_from_that_day(trainer, integrity_officer):
    today = timezone.localdate()
    withdraw(trainer, integrity_officer)
    trainer.refresh_from_db()
    assert trainer.is_valid_on(today - timedelta(days=1))
    assert not trainer.is_valid_on(today)
    assert not trainer.is_valid_on(today + timedelta(days=1))


def test_a_withdrawn_trainer_leaves_the_public_list(trainer, integrity_officer):
    def listed() -> list[TrainerCertification]:
        provinces = registry.listed_by_province(today=timezone.localdate())
        return [each for _province, rows in provinces for each in rows]

    assert listed() == [trainer]
    withdraw(trainer, integrity_officer)
    assert listed() == []


def test_approving_again_makes_a_new_record_and_keeps_the_old(
    trainer, integrity_officer
):
    withdraw(trainer, integrity_officer)
    again = approve(trainer.qualification, integrity_officer, province=Province.CHOTA)
    assert again.pk != trainer.pk
    assert TrainerCertification.objects.filter(person=trainer.person).count() == 2
    old = TrainerCertification.objects.get(pk=trainer.pk)
    assert not old.is_active and old.withdrawal_reason
    assert old.province == Province.JAEN
    assert TrainerCertification.objects.active().get(person=trainer.person) == again


# Consent to the public list


def test_the_trainer_agrees_to_the_list_and_withdraws_agreement(trainer):
    registry.set_listing(certification=trainer, listed=False)
    assert not TrainerCertification.objects.listed().exists()
    registry.set_listing(certification=trainer, listed=True)
    assert list(TrainerCertification.objects.listed()) == [trainer]


# Races (PostgreSQL)


def at_once(*calls) -> list[object]:
    """Run the calls from separate threads, each on its own connection."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = []

    def run(call) -> None:
        barrier.wait()
        try:
            outcomes.append(call())
        except TrainerError as error:
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=[call]) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


# Each thread commits on its own connection, so these tests cannot run in
# the usual rolled-back transaction; serialized_rollback restores the root
# page and locale that Wagtail's migrations create, which a flush would wipe.
transactional = pytest.mark.django_db(transaction=True, serialized_rollback=True)
needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL row locking with concurrent connections; "
    "set DATABASE_URL (CI does)",
)


@pytest.mark.parametrize("repeat", range(3))
@transactional
@needs_postgresql
def test_two_withdrawals_at_once_withdraw_once(trainer, integrity_officer, repeat):
    outcomes = at_once(
        lambda: withdraw(trainer, integrity_officer, reason="Primera."),
        lambda: withdraw(trainer, integrity_officer, reason="Segunda."),
    )
    assert sorted(type(each).__name__ for each in outcomes) == [
        "TrainerCertification",
        "TrainerError",
    ]
    trainer.refresh_from_db()
    assert trainer.withdrawal_reason in {"Primera.", "Segunda."}
    assert len(entries(registry.WITHDRAW_ACTION)) == 1


@pytest.mark.parametrize("repeat", range(3))
@transactional
@needs_postgresql
def test_two_approvals_at_once_approve_once(qualification, integrity_officer, repeat):
    outcomes = at_once(
        lambda: approve(qualification, integrity_officer),
        lambda: approve(qualification, integrity_officer, province=Province.CHOTA),
    )
    assert sorted(type(each).__name__ for each in outcomes) == [
        "TrainerCertification",
        "TrainerError",
    ]
    assert TrainerCertification.objects.count() == 1
    assert len(entries(registry.APPROVE_ACTION)) == 1
