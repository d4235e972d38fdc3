"""A course with a validity period is renewed in its last weeks or after it lapses."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from certificates.models import Certificate, Status
from courses.models import CoursePage
from lms.learning.assessment import AssessmentError, start_attempt, submit_attempt
from lms.models import Completion, Person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

LIMA = ZoneInfo("America/Lima")
FIRST = datetime(2025, 3, 10, 10, tzinfo=LIMA)
BEFORE_WINDOW = datetime(2026, 1, 8, 10, tzinfo=LIMA)  # 60 days before the end
WINDOW_OPENS = datetime(2026, 1, 9, 10, tzinfo=LIMA)  # 59 days before it
WITHIN = datetime(2026, 3, 9, 10, tzinfo=LIMA)  # the last valid day
AFTER = datetime(2026, 3, 10, 10, tzinfo=LIMA)  # the day after


@pytest.fixture
def yearly(lessons_read):
    CoursePage.objects.filter(pk=lessons_read.course_id).update(validity_months=12)
    lessons_read.course.refresh_from_db()
    Person.objects.create(
        user=lessons_read.user,
        document_number="42388604",
        first_names="Rosa",
        last_names="Quispe",
    )
    return lessons_read


def answer(attempt, right: bool) -> dict[str, list[str]]:
    return {
        q.id: sorted(q.correct_ids())
        if right
        else [next(o.id for o in q.options if not o.correct)]
        for q in attempt.drawn_questions()
    }


def take(enrolment, when: datetime, right: bool = True):
    attempt = start_attempt(enrolment=enrolment, now=when)
    return submit_attempt(attempt=attempt, submitted=answer(attempt, right), now=when)


def test_a_valid_completion_allows_no_new_attempt_before_the_renewal_window(
    yearly, settings
):
    settings.RENEWAL_WINDOW_DAYS = 60
    take(yearly, FIRST)
    with pytest.raises(AssessmentError, match="already completed"):
        start_attempt(enrolment=yearly, now=BEFORE_WINDOW)
    assert start_attempt(enrolment=yearly, now=WINDOW_OPENS).is_open


def test_an_early_renewal_issues_the_next_period_while_the_old_one_runs_out(
    yearly, settings, django_capture_on_commit_callbacks
):
    settings.RENEWAL_WINDOW_DAYS = 60
    with django_capture_on_commit_callbacks(execute=True):
        take(yearly, FIRST)
    with django_capture_on_commit_callbacks(execute=True):
        assert take(yearly, WITHIN).passed
    first, second = Certificate.objects.order_by("period")
    assert (first.period, second.period) == (1, 2)
    assert first.status(today=WITHIN.date()) == Status.VALID
    assert second.issued_on == WITHIN.date()
    assert second.expires_on == datetime(2027, 3, 8).date()


def test_after_expiry_the_course_is_passed_again_with_a_fresh_set_of_attempts(
    yearly, django_capture_on_commit_callbacks
):
    take(yearly, FIRST - timedelta(days=1), right=False)  # one attempt spent before
    with django_capture_on_commit_callbacks(execute=True):
        take(yearly, FIRST)
    for _ in range(yearly.course.max_attempts - 1):
        take(yearly, AFTER, right=False)
    with django_capture_on_commit_callbacks(execute=True):
        renewed = take(yearly, AFTER + timedelta(hours=1))
    assert renewed.passed
    assert Completion.objects.filter(enrolment=yearly).count() == 2
    first, second = Certificate.objects.order_by("period")
    assert (first.period, second.period) == (1, 2)
    assert first.status(today=AFTER.date()) == Status.EXPIRED
    assert second.status(today=AFTER.date()) == Status.VALID
    assert second.issued_on == AFTER.date()


def test_the_learner_is_offered_to_renew_once_the_completion_lapses(
    client, yearly, settings
):
    take(yearly, FIRST)
    # The learner reads the site in Spanish, its default.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    client.force_login(yearly.user)
    with time_machine.travel(BEFORE_WINDOW, tick=False):
        page = client.get(yearly.course.url).content.decode()
        assert "Renovar" not in page
    with time_machine.travel(WITHIN, tick=False):
        page = client.get(yearly.course.url).content.decode()
        assert "ya puede renovarlo" in page
    with time_machine.travel(AFTER, tick=False):
        page = client.get(yearly.course.url).content.decode()
        listing = client.get(reverse("lms:my_courses")).content.decode()
    assert "Su aprobación venció el 09/03/2026" in page
    assert reverse("lms:assessment", args=[yearly.course_id]) in page
    assert "Su aprobación venció el 09/03/2026" in listing
