"""A withdrawn trainer can open no trainer page and earns nobody a certificate."""

from __future__ import annotations

import pytest
from django.urls import get_resolver, reverse
from django.utils import timezone

from certificates.models import Certificate
from lms.cohorts.attendance import (
    AttendanceError,
    record_attendance,
    record_paper_results,
)
from lms.cohorts.completion import evaluate_cohort
from lms.models import Attendance, Cohort, Participant
from lms.trainers.registry import withdraw_trainer
from tests.lms.cohorts.test_attendance import held_cohort, join

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

# Every URL of these namespaces is a trainer's, except the public ones named
# here: a URL added to them is covered by the tests below without a change.
TRAINER_NAMESPACES = ["cohorts", "attendance", "materials", "trainers"]
PUBLIC = {"cohorts:join", "trainers:list"}


def trainer_urls(cohort: Cohort) -> list[str]:
    """Return every trainer URL, for this cohort, its first session and course."""
    values = {
        "cohort_id": cohort.pk,
        "session_id": cohort.sessions.first().pk,
        "course_id": cohort.course_id,
    }
    urls = []
    for namespace in TRAINER_NAMESPACES:
        _prefix, resolver = get_resolver().namespace_dict[namespace]
        for pattern in resolver.url_patterns:
            name = f"{namespace}:{pattern.name}"
            if name not in PUBLIC:
                kwargs = {key: values[key] for key in pattern.pattern.converters}
                urls.append(reverse(name, kwargs=kwargs))
    return urls


@pytest.fixture
def cohort(trainer, course) -> Cohort:
    return held_cohort(trainer, course, name="Jaén, noviembre")


@pytest.fixture
def participant(cohort) -> Participant:
    return join(cohort)


@pytest.fixture
def withdrawn(trainer, integrity_officer):
    return withdraw_trainer(
        certification=trainer,
        reason="Dejó de dictar.",
        by=integrity_officer,
        now=timezone.now(),
    )


def attended_everything(cohort: Cohort, participant: Participant, by) -> None:
    for session in cohort.sessions.all():
        record_attendance(
            session=session, present={participant.pk}, by=by, now=timezone.now()
        )


def test_the_url_list_holds_the_attendance_and_cohort_pages(cohort):
    urls = trainer_urls(cohort)
    for name in ["attendance:paper", "attendance:sheet_pdf", "cohorts:detail"]:
        assert reverse(name, args=[cohort.pk]) in urls
    assert reverse("cohorts:dashboard") in urls


@pytest.mark.parametrize("method", ["get", "post"])
def test_every_trainer_url_refuses_a_withdrawn_trainer(
    client, cohort, participant, trainer_user, withdrawn, method
):
    client.force_login(trainer_user)
    cohort_before = Cohort.objects.values().get(pk=cohort.pk)
    data = {"present": [participant.pk], f"score-{participant.pk}": "90", "open": "0"}
    for url in trainer_urls(cohort):
        response = getattr(client, method)(url, data if method == "post" else None)
        # 405: a download answers a POST, and an action (building the
        # material again) a GET, with no more than that.
        assert response.status_code in (403, 404, 405), url
    assert Cohort.objects.values().get(pk=cohort.pk) == cohort_before
    assert not Attendance.objects.exists()
    assert list(cohort.participants.all()) == [participant]
    participant.refresh_from_db()
    assert participant.paper_score is None


def test_results_typed_in_after_the_withdrawal_are_refused(
    cohort, participant, trainer_user, integrity_officer
):
    attended_everything(cohort, participant, trainer_user)
    withdraw_trainer(
        certification=cohort.trainer,
        reason="Dejó de dictar.",
        by=integrity_officer,
        now=timezone.now(),
    )
    with pytest.raises(AttendanceError, match="not a certified trainer today"):
        record_paper_results(
            cohort=cohort,
            attended={},
            scores={participant.pk: 90},
            by=trainer_user,
            now=timezone.now(),
        )
    participant.refresh_from_db()
    assert participant.paper_score is None
    assert not Certificate.objects.filter(person=participant.person).exists()


def test_a_withdrawn_trainers_cohort_completes_nobody(
    cohort,
    participant,
    trainer_user,
    integrity_officer,
    django_capture_on_commit_callbacks,
):
    """Whatever asks it to evaluate (an online pass, say), it names her on nothing."""
    attended_everything(cohort, participant, trainer_user)
    Participant.objects.filter(pk=participant.pk).update(paper_score=90)
    withdraw_trainer(
        certification=cohort.trainer,
        reason="Dejó de dictar.",
        by=integrity_officer,
        now=timezone.now(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert evaluate_cohort(cohort=cohort, now=timezone.now()) == []
    assert not participant.enrolment.completions.exists()
    assert not Certificate.objects.exclude(delivery={}).exists()
