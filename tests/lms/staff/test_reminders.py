"""Reminders to learners before, on and after due dates; managers' weekly digest."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from lms.models import (
    Assignment,
    Completion,
    Enrolment,
    Reminder,
    ReminderKind,
)
from lms.staff import reminders
from lms.staff.assignments import extend_due_date, sync_assignments, waive
from lms.staff.reminders import reminder_owed, send_reminders
from tests.factories import (
    PersonFactory,
    StaffMemberFactory,
    TrainingRequirementFactory,
    UserFactory,
)

LIMA = ZoneInfo("America/Lima")
HIRED = date(2026, 3, 1)
DUE = date(2026, 3, 31)  # 30 days after HIRED, as the induction fixture says
SITE = "https://integridad.example.pe"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.WAGTAILADMIN_BASE_URL = SITE
    settings.REMINDER_DAYS_BEFORE = 7


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run the daily job on `today`; return the emails it sent."""

    def run(today: date) -> list:
        before = len(mail.outbox)
        sync_assignments(today=today)
        with django_capture_on_commit_callbacks(execute=True):
            send_reminders(today=today)
        return mail.outbox[before:]

    return run


def hire(unit, **kwargs):
    return StaffMemberFactory(
        unit=unit, hired_on=kwargs.pop("hired_on", HIRED), **kwargs
    )


def days(start: date, end: date):
    while start <= end:
        yield start
        start += timedelta(days=1)


def complete(staff, course, on: date) -> None:
    """Record that the person passed the course on `on`, with a new account."""
    user = UserFactory(email=f"{staff.person.document_number}@example.pe")
    staff.person.user = user
    staff.person.save(update_fields=["user"])
    Completion.objects.create(
        enrolment=Enrolment.objects.create(user=user, course=course),
        completed_at=datetime(on.year, on.month, on.day, 10, tzinfo=LIMA),
        score=90,
    )


@pytest.mark.parametrize(
    ("today", "owed"),
    [
        (date(2026, 3, 23), None),
        (date(2026, 3, 24), (ReminderKind.BEFORE_DUE, DUE)),
        (date(2026, 3, 30), (ReminderKind.BEFORE_DUE, DUE)),
        (DUE, (ReminderKind.ON_DUE, DUE)),
        (date(2026, 4, 1), (ReminderKind.OVERDUE, date(2026, 4, 1))),
        (date(2026, 4, 7), (ReminderKind.OVERDUE, date(2026, 4, 1))),
        (date(2026, 4, 8), (ReminderKind.OVERDUE, date(2026, 4, 8))),
        (date(2026, 5, 1), (ReminderKind.OVERDUE, date(2026, 4, 29))),
    ],
)
def test_the_reminder_owed_depends_on_the_days_to_the_due_date(settings, today, owed):
    settings.REMINDER_DAYS_BEFORE = 7
    assert reminder_owed(DUE, today=today) == owed


@pytest.mark.django_db
class TestLearnerSchedule:
    def test_a_learner_hears_a_week_before_on_the_day_then_weekly_when_late(
        self, run, units, induction
    ):
        staff = hire(units["a1"])
        sent = {
            today: run(today) for today in days(date(2026, 3, 2), date(2026, 4, 16))
        }
        reminded = {today: emails for today, emails in sent.items() if emails}
        assert list(reminded) == [
            date(2026, 3, 24),
            DUE,
            date(2026, 4, 1),
            date(2026, 4, 8),
            date(2026, 4, 15),
        ]
        assert all([message.to] == [[staff.email]] for [message] in reminded.values())
        kinds = list(
            Reminder.objects.order_by("key_date", "kind").values_list(
                "kind", "key_date"
            )
        )
        assert kinds == [
            (ReminderKind.BEFORE_DUE, DUE),
            (ReminderKind.ON_DUE, DUE),
            (ReminderKind.OVERDUE, date(2026, 4, 1)),
            (ReminderKind.OVERDUE, date(2026, 4, 8)),
            (ReminderKind.OVERDUE, date(2026, 4, 15)),
        ]

    def test_the_first_run_in_the_week_before_sends_a_missed_reminder(
        self, run, units, induction
    ):
        hire(units["a1"])
        assert run(date(2026, 3, 23)) == []
        assert len(run(date(2026, 3, 27))) == 1
        assert run(date(2026, 3, 30)) == []

    def test_a_run_that_skipped_a_week_sends_one_overdue_reminder(
        self, run, units, induction
    ):
        hire(units["a1"])
        assert len(run(date(2026, 4, 10))) == 1
        assert len(run(date(2026, 4, 15))) == 1
        assert run(date(2026, 4, 16)) == []

    def test_nobody_who_completed_was_waived_or_left_is_reminded(
        self, run, units, induction, course, hr_a
    ):
        done = hire(units["a"])
        complete(done, course, on=date(2026, 3, 20))
        waived = hire(units["a"])
        hire(units["a"], left_on=date(2026, 3, 20))
        late = hire(units["a"])
        sync_assignments(today=date(2026, 3, 2))
        waive(
            assignment=Assignment.objects.get(staff=waived),
            reason="Licencia por maternidad",
            by=hr_a,
            now=datetime(2026, 3, 3, tzinfo=LIMA),
        )
        sent = [m.to for today in days(date(2026, 3, 24), DUE) for m in run(today)]
        assert sent == [[late.email], [late.email]]
        learner_rows = Reminder.objects.filter(assignment__isnull=False)
        assert set(learner_rows.values_list("assignment__staff", flat=True)) == {
            late.pk
        }

    def test_the_account_address_is_used_once_the_person_has_one(
        self, run, units, induction
    ):
        person = PersonFactory(user=UserFactory(email="rosa.personal@example.pe"))
        hire(units["a"], person=person)
        [message] = run(DUE)
        assert message.to == ["rosa.personal@example.pe"]

    def test_someone_without_any_address_gets_nothing_and_stays_owed(
        self, run, units, induction
    ):
        staff = hire(units["a"], email="")
        assert run(DUE) == []
        assert not Reminder.objects.exists()
        staff.email = "rosa@regioncajamarca.gob.pe"
        staff.save(update_fields=["email"])
        assert [m.to for m in run(DUE)] == [["rosa@regioncajamarca.gob.pe"]]

    def test_an_extended_due_date_is_reminded_again(self, run, units, induction, hr_a):
        staff = hire(units["a"])
        run(date(2026, 3, 25))
        extend_due_date(
            assignment=Assignment.objects.get(staff=staff),
            new_due_on=date(2026, 4, 30),
            reason="Descanso médico",
            by=hr_a,
            now=datetime(2026, 3, 25, tzinfo=LIMA),
        )
        assert run(date(2026, 3, 26)) == []
        [message] = run(date(2026, 4, 23))
        assert "30/04/2026" in message.subject


@pytest.mark.django_db
class TestIdempotency:
    def test_a_second_run_the_same_day_sends_nothing_new(self, run, units, induction):
        hire(units["a"])
        hire(units["b"], hired_on=date(2026, 2, 20))
        first = run(DUE)
        assert len(first) == 2
        count = Reminder.objects.count()
        assert run(DUE) == []
        assert Reminder.objects.count() == count

    def test_a_run_that_crashes_midway_neither_loses_nor_repeats_an_email(
        self, run, units, induction, monkeypatch
    ):
        people = [hire(units["a"]) for _ in range(3)]
        monkeypatch.setattr(reminders, "BATCH_SIZE", 1)
        render = reminders.render_email
        calls = []

        def crash_on_second(name, context):
            calls.append(name)
            if len(calls) == 2:
                raise RuntimeError("mail server down")
            return render(name, context)

        monkeypatch.setattr(reminders, "render_email", crash_on_second)
        with pytest.raises(RuntimeError):
            run(DUE)
        assert len(mail.outbox) == 1 and Reminder.objects.count() == 1
        monkeypatch.setattr(reminders, "render_email", render)
        run(DUE)
        assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
        assert Reminder.objects.count() == 3

    def test_batches_together_remind_everyone_once(
        self, run, units, induction, monkeypatch
    ):
        monkeypatch.setattr(reminders, "BATCH_SIZE", 2)
        people = [hire(units["a"]) for _ in range(5)]
        sent = run(DUE)
        assert sorted(m.to[0] for m in sent) == sorted(p.email for p in people)


@pytest.mark.django_db
class TestEmailContent:
    def test_the_learner_email_links_to_the_course_and_gives_the_date(
        self, run, units, induction
    ):
        staff = hire(units["a"])
        [message] = run(date(2026, 3, 24))
        assert f"{SITE}/induccion/" in message.body
        assert "31/03/2026" in message.body and "31/03/2026" in message.subject
        assert staff.person.first_names in message.body
        assert staff.person.document_number not in message.body + message.subject

    def test_the_digest_masks_the_document_number(self, run, units, induction, hr_a):
        staff = hire(units["a"])
        run(date(2026, 4, 6))
        [digest] = [m for m in mail.outbox if m.to == [hr_a.email]]
        number = staff.person.document_number
        assert number not in digest.body
        assert f"*****{number[-3:]}" in digest.body
        assert "31/03/2026" in digest.body
        assert SITE + reverse("lms_report_overdue") in digest.body


def digests(sent: list) -> dict[str, str]:
    """Map each digest's recipient to its body; learners' emails are left out."""
    return {m.to[0]: m.body for m in sent if m.to[0].endswith("@example.pe")}


@pytest.mark.django_db
class TestDigest:
    @pytest.fixture
    def late(self, units, induction):
        """One overdue person in A1 (under A) and one in B, on 06/04/2026."""
        return {
            "a1": hire(units["a1"], person=PersonFactory(last_names="Ayala")),
            "b": hire(units["b"], person=PersonFactory(last_names="Benites")),
        }

    MONDAY = date(2026, 4, 6)

    def test_each_manager_hears_only_of_their_units(
        self, run, late, hr_a, hr_b, unit_head_a, integrity_officer
    ):
        sent = digests(run(self.MONDAY))
        assert set(sent) == {
            hr_a.email,
            hr_b.email,
            unit_head_a.email,
            integrity_officer.email,
        }
        for email in (hr_a.email, unit_head_a.email):
            assert "Ayala" in sent[email] and "Benites" not in sent[email]
        assert "Benites" in sent[hr_b.email] and "Ayala" not in sent[hr_b.email]
        assert "Ayala" in sent[integrity_officer.email]
        assert "Benites" in sent[integrity_officer.email]

    def test_a_manager_with_nobody_overdue_gets_no_digest(
        self, run, units, induction, hr_a, hr_b
    ):
        hire(units["a"])
        assert set(digests(run(self.MONDAY))) == {hr_a.email}
        assert not Reminder.objects.filter(recipient=hr_b).exists()

    def test_the_digest_goes_once_a_week(self, run, late, hr_a):
        assert set(digests(run(self.MONDAY))) == {hr_a.email}
        for today in days(self.MONDAY + timedelta(days=1), date(2026, 4, 12)):
            assert digests(run(today)) == {}
        assert set(digests(run(date(2026, 4, 13)))) == {hr_a.email}
        assert list(
            Reminder.objects.filter(recipient=hr_a).values_list("key_date", flat=True)
        ) == [self.MONDAY, date(2026, 4, 13)]

    def test_the_digest_counts_people_not_their_overdue_courses(
        self, run, units, induction, trainer_course, hr_a
    ):
        second_rule = TrainingRequirementFactory(course=trainer_course)
        hire(units["a"], person=PersonFactory(last_names="Ayala"))
        with translation.override("es"):
            [digest] = [m for m in run(self.MONDAY) if m.to == [hr_a.email]]
        assert Assignment.objects.overdue(today=self.MONDAY).count() == 2
        assert {induction, second_rule} == {
            a.requirement for a in Assignment.objects.all()
        }
        assert "1 persona con plazo vencido" in digest.subject
        assert "1 persona de las unidades a su cargo no ha completado" in digest.body

    def test_a_digest_missed_on_monday_goes_later_that_week(
        self, run, units, induction, hr_a
    ):
        hire(units["a"], hired_on=date(2026, 3, 6))  # due 05/04/2026
        assert digests(run(date(2026, 4, 5))) == {}
        assert set(digests(run(date(2026, 4, 8)))) == {hr_a.email}
        key = Reminder.objects.get(recipient=hr_a).key_date
        assert key == self.MONDAY


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 30])
def test_a_run_takes_the_same_queries_whatever_the_number_of_people(
    size,
    units,
    induction,
    hr_a,
    unit_head_a,
    integrity_officer,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    for index in range(size):
        hire(units["a1" if index % 2 else "b"])
    sync_assignments(today=date(2026, 4, 6))
    # 14: one of them reads the courses whose certificates may be expiring.
    with (
        django_assert_max_num_queries(14),
        django_capture_on_commit_callbacks(execute=True),
    ):
        sent = send_reminders(today=date(2026, 4, 6))
    assert sent[ReminderKind.OVERDUE] == size
    assert sent[ReminderKind.DIGEST] == 3
