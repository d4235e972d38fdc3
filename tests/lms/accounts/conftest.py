from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from certificates.issuance import issue_certificate
from courses.models import CoursePage
from lms.models import Attempt, Enrolment, Person
from tests.factories import CoursePageFactory, completion

LIMA = ZoneInfo("America/Lima")
NOON = datetime(2026, 12, 7, 12, tzinfo=LIMA)


@pytest.fixture
def at_noon():
    with time_machine.travel(NOON, tick=False):
        yield NOON


def failed_attempt(enrolment: Enrolment, *, now: datetime) -> Attempt:
    """An attempt scored 40 %, taken before the one that passed."""
    return Attempt.objects.create(
        enrolment=enrolment,
        number=enrolment.attempts.count() + 1,
        questions=[],
        answers={"q-1": ["a"]},
        pass_mark=enrolment.course.pass_mark,
        started_at=now - timedelta(hours=2),
        submitted_at=now - timedelta(hours=1),
        score=40,
        passed=False,
    )


@pytest.fixture
def certificate(person, course, at_noon):
    """Rosa's valid certificate of the course, earned online."""
    CoursePage.objects.filter(pk=course.pk).update(validity_months=24)
    course.refresh_from_db()
    earned = completion(person.user, course, at=at_noon)
    return issue_certificate(
        person=person,
        course=course,
        issued_on=date(2026, 11, 22),
        score=90,
        completion=earned,
    )


@pytest.fixture
def stranger_data(stranger, catalogue, at_noon):
    """Carlos's own course, attempt and certificate, which Rosa must never see."""
    course = CoursePageFactory(parent=catalogue, title="Curso de Carlos", slug="carlos")
    carlos = Person.objects.create(
        user=stranger,
        document_number="40999111",
        first_names="Carlos",
        last_names="Ajeno",
    )
    earned = completion(stranger, course, at=at_noon)
    failed_attempt(earned.enrolment, now=at_noon)
    return issue_certificate(
        person=carlos,
        course=course,
        issued_on=date(2026, 11, 1),
        score=95,
        completion=earned,
    )
