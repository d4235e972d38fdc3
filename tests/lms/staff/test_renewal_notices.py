"""Anyone whose certificate enters its last weeks is told once: renewal is open."""

from __future__ import annotations

from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from redis.exceptions import ConnectionError as RedisConnectionError

from courses.models import CoursePage
from lms.models import Completion, Enrolment, Reminder, ReminderKind
from lms.staff.assignments import sync_assignments
from lms.staff.reminders import send_reminders
from tests.factories import (
    PersonFactory,
    StaffMemberFactory,
    UserFactory,
    approved_company,
)

pytestmark = pytest.mark.django_db

LIMA = ZoneInfo("America/Lima")
COMPLETED = datetime(2026, 3, 10, 12, tzinfo=LIMA)
# Valid 24 months: until 09/03/2028. The renewal window (60 days) opens the
# day after 09/01/2028, as a learner may then renew (lms.learning.assessment.standing).
BEFORE_WINDOW = date(2028, 1, 9)
WINDOW_OPENS = date(2028, 1, 10)
SITE = "https://integridad.example.pe"


@pytest.fixture(autouse=True)
def setup(settings, course):
    settings.WAGTAILADMIN_BASE_URL = SITE
    settings.RENEWAL_WINDOW_DAYS = 60
    CoursePage.objects.filter(pk=course.pk).update(validity_months=24)
    course.refresh_from_db()


def citizen_completes(course, email="ciudadana@example.pe", at=COMPLETED):
    user = UserFactory(email=email, first_name="Lucía")
    enrolment = Enrolment.objects.create(user=user, course=course)
    return Completion.objects.create(enrolment=enrolment, completed_at=at, score=90)


def run(today: date, capture) -> list:
    before = len(mail.outbox)
    with capture(execute=True):
        send_reminders(today=today)
    return mail.outbox[before:]


def test_a_citizen_is_told_once_when_her_renewal_opens(
    course, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    citizen_completes(course)
    assert run(BEFORE_WINDOW, capture) == []
    [email] = run(WINDOW_OPENS, capture)
    assert email.to == ["ciudadana@example.pe"]
    assert email.subject == (
        "[Integridad Cajamarca] "
        'Su certificado de "Inducción" vence el 09/03/2028: ya puede renovarlo'
    )
    assert email.body.startswith("Estimado(a) Lucía:")
    assert f"{SITE}/induccion/" in email.body
    assert f"{SITE}/mis-certificados/" in email.body
    assert "Su institución" not in email.body
    assert run(WINDOW_OPENS, capture) == []
    assert run(date(2028, 1, 20), capture) == []
    assert Reminder.objects.get().kind == ReminderKind.RENEWAL_OPEN


def test_a_missed_run_still_sends_the_notice_once_later(
    course, django_capture_on_commit_callbacks
):
    citizen_completes(course)
    assert len(run(date(2028, 2, 1), django_capture_on_commit_callbacks)) == 1
    assert run(date(2028, 2, 2), django_capture_on_commit_callbacks) == []


def test_nothing_is_sent_once_renewed_revoked_or_expired(
    course, django_capture_on_commit_callbacks
):
    renewed = citizen_completes(course, "renovo@example.pe")
    Completion.objects.create(
        enrolment=renewed.enrolment,
        completed_at=datetime(2027, 12, 1, 12, tzinfo=LIMA),
        score=95,
    )
    revoked = citizen_completes(course, "revocado@example.pe")
    revoked.revoked_at = timezone.now()
    revoked.save(update_fields=["revoked_at"])
    citizen_completes(
        course, "vencido@example.pe", at=datetime(2025, 1, 5, 12, tzinfo=LIMA)
    )
    assert run(WINDOW_OPENS, django_capture_on_commit_callbacks) == []


def test_staff_are_told_their_institution_requires_the_renewal(
    course, induction, units, django_capture_on_commit_callbacks
):
    completion = citizen_completes(course, "servidora@regioncajamarca.gob.pe")
    person = PersonFactory(user=completion.enrolment.user)
    StaffMemberFactory(person=person, unit=units["a"], hired_on=date(2026, 3, 1))
    sync_assignments(today=WINDOW_OPENS)
    [email] = run(WINDOW_OPENS, django_capture_on_commit_callbacks)
    assert "Su institución exige esta renovación" in email.body
    assert "09/03/2028" in email.body


def test_the_run_costs_the_same_queries_for_one_or_many_people(
    course, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    citizen_completes(course)
    Reminder.objects.all().delete()
    with django_assert_max_num_queries(20) as one:
        run(WINDOW_OPENS, django_capture_on_commit_callbacks)
    Reminder.objects.all().delete()
    for n in range(10):
        citizen_completes(course, f"persona{n}@example.pe")
    with django_assert_max_num_queries(len(one.captured_queries)):
        sent = run(WINDOW_OPENS, django_capture_on_commit_callbacks)
    assert len(sent) == 11


def test_with_the_queue_down_nothing_is_recorded_and_the_next_run_sends_it(
    course, settings, queue_down
):
    citizen_completes(course)
    with pytest.raises(RedisConnectionError):
        call_command("send_reminders", "--today=2028-01-10", stdout=StringIO())
    assert not Reminder.objects.exists()
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }
    call_command("send_reminders", "--today=2028-01-10", stdout=StringIO())
    [email] = mail.outbox
    assert email.to == ["ciudadana@example.pe"]


def test_a_firms_representative_is_told_too(course, django_capture_on_commit_callbacks):
    completion = citizen_completes(course, "gerente@cafetalera.pe")
    approved_company(
        ruc="20512333797",
        legal_name="Cafetalera San Ignacio S.A.C.",
        address="Jr. Amazonas 123, San Ignacio",
        representative=PersonFactory(user=completion.enrolment.user),
    )
    [email] = run(WINDOW_OPENS, django_capture_on_commit_callbacks)
    assert email.to == ["gerente@cafetalera.pe"]
    assert "09/03/2028" in email.subject
