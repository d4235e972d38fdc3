"""When someone is a certified trainer: approval, withdrawal and the course's validity.

`TrainerCertification.objects.valid_on(day)` decides it in SQL for lists,
reports and single rows alike; these tests hold it to the rule written out
in Python from each completion's date and `Completion.is_current`, on the
days where it could slip: month ends, a leap day, a late-evening completion,
a renewal, a revocation.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from courses.models import CoursePage
from lms.models import Completion, TrainerCertification
from lms.trainers.registry import withdraw_trainer
from tests.factories import UserFactory, certified_trainer, completion

pytestmark = pytest.mark.django_db

LIMA = ZoneInfo("America/Lima")


def by_the_rule(certification: TrainerCertification, day: date) -> bool:
    """The rule as the issue states it, written out in Python."""
    if timezone.localdate(certification.approved_at) > day:
        return False
    withdrawn = certification.withdrawn_at
    if withdrawn and timezone.localdate(withdrawn) <= day:
        return False
    completions = Completion.objects.filter(
        enrolment__user__person=certification.person,
        enrolment__course=certification.qualification.enrolment.course,
    )
    # A completion counts on `day` once earned and while still current.
    return any(
        timezone.localdate(each.completed_at) <= day and each.is_current(today=day)
        for each in completions
    )


def test_the_earliest_completion_still_counting_at_a_months_end():
    course = CoursePage(validity_months=24)
    # A completion on 29 February 2024 counts up to 27 February 2026.
    assert course.validity_ends(date(2024, 2, 29)) == date(2026, 2, 27)
    assert course.earliest_completion_counting_on(date(2026, 2, 28)) == date(2024, 3, 1)
    assert course.earliest_completion_counting_on(date(2026, 2, 27)) == date(
        2024, 2, 28
    )
    assert CoursePage().earliest_completion_counting_on(date(2026, 2, 27)) is None


def test_sql_and_the_written_rule_agree_day_by_day(
    trainer_course, integrity_officer, trainer_user
):
    leap = certified_trainer(
        UserFactory(first_name="Bisiesto"),
        trainer_course,
        approved_by=integrity_officer,
        approved_at=datetime(2024, 3, 30, 12, tzinfo=LIMA),
    )
    renewed = certified_trainer(
        trainer_user,
        trainer_course,
        approved_by=integrity_officer,
        approved_at=datetime(2026, 3, 2, 10, tzinfo=LIMA),
    )
    completion(
        trainer_user, trainer_course, at=datetime(2027, 4, 20, 23, 30, tzinfo=LIMA)
    )
    withdrawn = certified_trainer(
        UserFactory(first_name="Retirado"),
        trainer_course,
        approved_by=integrity_officer,
        approved_at=datetime(2026, 3, 2, 10, tzinfo=LIMA),
    )
    withdraw_trainer(
        certification=withdrawn,
        reason="Dejó el cargo.",
        by=integrity_officer,
        now=datetime(2026, 5, 1, 23, 0, tzinfo=LIMA),
    )
    withdrawn.refresh_from_db()
    days = [
        date(2024, 3, 29),
        date(2024, 3, 30),
        date(2026, 2, 27),
        date(2026, 2, 28),
        date(2026, 3, 1),
        date(2026, 3, 2),
        date(2026, 4, 30),
        date(2026, 5, 1),
        date(2028, 1, 30),
        date(2028, 1, 31),
        date(2028, 2, 1),
        date(2029, 4, 19),
        date(2029, 4, 20),
    ]
    certifications = [leap, renewed, withdrawn]
    for day in days:
        valid = set(TrainerCertification.objects.valid_on(day))
        annotated = {
            row.pk: row.is_valid
            for row in TrainerCertification.objects.with_validity(day)
        }
        for certification in certifications:
            expected = by_the_rule(certification, day)
            assert (certification in valid) is expected, (certification, day)
            assert annotated[certification.pk] is expected, (certification, day)
            assert certification.is_valid_on(day) is expected, (certification, day)
    # The renewal carried her past her first completion's lapse.
    assert renewed.is_valid_on(date(2028, 2, 1))


def test_a_revoked_qualification_stops_counting(trainer):
    today = timezone.localdate()
    assert trainer.is_valid_on(today)
    Completion.objects.filter(pk=trainer.qualification_id).update(
        revoked_at=timezone.now()
    )
    assert not trainer.is_valid_on(today)
    assert trainer not in TrainerCertification.objects.valid_on(today)


def test_an_approval_counts_from_its_day_and_a_withdrawal_ends_it(
    trainer, integrity_officer
):
    approved_on = timezone.localdate(trainer.approved_at)
    assert not trainer.is_valid_on(approved_on - timedelta(days=1))
    assert trainer.is_valid_on(approved_on)
    withdraw_trainer(
        certification=trainer,
        reason="Renunció.",
        by=integrity_officer,
        now=timezone.now(),
    )
    trainer.refresh_from_db()
    assert trainer.is_valid_on(timezone.localdate() - timedelta(days=1))
    assert not trainer.is_valid_on(timezone.localdate())
