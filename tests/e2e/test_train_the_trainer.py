"""The train-the-trainer cascade end to end, through the pages people use.

The integrity officer approves a trainer; the trainer creates a cohort of the
induction in Jaén, enrols 20 people by a DNI list and 10 join through the
self-enrolment link; attendance is taken on the phone for two sessions and
typed in from the paper sheet for the third, with the paper test scores.
Those who attended enough and passed complete the course: their certificates
name the trainer, her certificate code and the place, and a staff member's
mandatory induction shows completed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from certificates.issuance import issue_for_completion
from certificates.models import Certificate
from lms.models import (
    Assignment,
    AssignmentStatus,
    Cohort,
    JoinedVia,
    Participant,
    Person,
    Province,
    StaffMember,
    TrainerCertification,
)
from lms.staff.assignments import sync_assignments
from tests.factories import (
    StaffMemberFactory,
    UserFactory,
    completion,
    with_mfa,
)
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db

LIMA = ZoneInfo("America/Lima")
APPROVAL = datetime(2026, 3, 2, 10, tzinfo=LIMA)
SESSION_DAYS = (3, 10, 17)  # days after the approval, at 09:00


def at(days: int, hour: int = 18) -> datetime:
    return (APPROVAL + timedelta(days=days)).replace(hour=hour)


@pytest.fixture
def people(units, induction):
    """20 people for the DNI list, 10 with accounts for the link.

    Of the list: 8 staff with an account, 6 staff without one (matched by
    their staff record, invited at its institutional email) and 6 citizens
    new to the platform (invited at the email in the list).
    """
    listed = []
    for n in range(8):
        user = UserFactory(email=f"con.cuenta{n}@example.pe")
        person = Person.objects.for_user(user)
        person.document_number = f"{41000000 + n}"
        person.save()
        listed.append(StaffMemberFactory(person=person, unit=units["a"]).person)
    for _n in range(6):
        listed.append(StaffMemberFactory(unit=units["a1"]).person)
    citizens = [
        (f"{72000000 + n}", "Ana", f"Ciudadana {n}", f"ana{n}@correo.pe")
        for n in range(6)
    ]
    linked = [UserFactory(email=f"enlace{n}@example.pe") for n in range(10)]
    return listed, citizens, linked


def dni_list(listed: list[Person], citizens: list[tuple]) -> str:
    rows = ["dni,nombres,apellidos,correo"]
    rows += [f"{person.document_number},,," for person in listed]
    rows += [",".join(citizen) for citizen in citizens]
    return "\n".join(rows)


def test_approve_teach_and_certify_a_cohort(
    client,
    integrity_officer,
    trainer_user,
    trainer_course,
    course,
    induction,
    people,
    django_capture_on_commit_callbacks,
):
    listed, citizens, linked = people
    course.cohort_attendance_percent = 80
    course.save()
    with time_machine.travel(APPROVAL - timedelta(days=40), tick=False):
        qualification = completion(
            trainer_user, trainer_course, at=APPROVAL - timedelta(days=40)
        )
        trainer_certificate = issue_for_completion(qualification)

    # 1. The integrity officer approves the trainer in the admin.
    with time_machine.travel(APPROVAL, tick=False):
        client.force_login(integrity_officer)
        response = client.post(
            reverse("lms_trainers:add"),
            {
                "qualification": qualification.pk,
                "province": Province.JAEN,
                "institution": "Universidad Nacional de Jaén",
                "listed_publicly": "on",
            },
        )
        assert response.status_code == 302
        certification = TrainerCertification.objects.get()
        assert certification.approved_by == integrity_officer

    # 2. The trainer, who now needs a second factor, creates a cohort with
    # three sessions.
    with_mfa(trainer_user)
    with time_machine.travel(at(1), tick=False):
        client.force_login(trainer_user)
        sessions = {
            "sessions-TOTAL_FORMS": "3",
            "sessions-INITIAL_FORMS": "0",
            "sessions-MIN_NUM_FORMS": "1",
            "sessions-MAX_NUM_FORMS": "1000",
        }
        for index, days in enumerate(SESSION_DAYS):
            sessions |= {
                f"sessions-{index}-number": str(index + 1),
                f"sessions-{index}-starts_at": at(days, 9).strftime("%Y-%m-%dT%H:%M"),
                f"sessions-{index}-minutes": "120",
                f"sessions-{index}-topic": f"Sesión {index + 1}",
            }
        response = client.post(
            reverse("cohorts:create"),
            {
                "course": course.pk,
                "name": "Inducción – Jaén, marzo",
                "mode": "in_person",
                "province": Province.JAEN,
                "district": "Jaén",
                "venue": "Auditorio UNJ",
                "partner_institution": "Universidad Nacional de Jaén",
                "capacity": "30",
                "starts_on": at(SESSION_DAYS[0]).date().isoformat(),
                "ends_on": at(SESSION_DAYS[-1]).date().isoformat(),
                **sessions,
            },
        )
        assert response.status_code == 302, response.context["form"].errors
        cohort = Cohort.objects.get()
        assert cohort.trainer == certification
        assert cohort.sessions.count() == 3

        # 3. Twenty by a DNI list: previewed, then confirmed.
        response = client.post(
            reverse("cohorts:add_participants", args=[cohort.pk]),
            {"pasted": dni_list(listed, citizens)},
        )
        assert response.status_code == 200
        ticket = response.context["ticket"]
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("cohorts:confirm_participants", args=[cohort.pk]),
                {"ticket": ticket},
            )
        assert response.status_code == 302
        assert cohort.participants.filter(joined_via=JoinedVia.LIST).count() == 20
        # The 6 staff without an account and the 6 citizens were invited.
        assert len(mail.outbox) == 12

        # 4. Ten through the self-enrolment link shown in the classroom.
        for user in linked:
            client.force_login(user)
            response = client.post(reverse("cohorts:join", args=[cohort.join_token]))
            assert response.status_code in (200, 302)
        assert cohort.participants.filter(joined_via=JoinedVia.LINK).count() == 10

    client.force_login(trainer_user)
    participants = list(cohort.participants.order_by("pk"))
    assert len(participants) == 30
    absent_twice = participants[0]
    everyone = [p.pk for p in participants]
    first, second, third = cohort.sessions.order_by("number")

    # 5. Sessions 1 and 2 on the phone sheet; one person misses session 2.
    for session, days, present in (
        (first, SESSION_DAYS[0], everyone),
        (second, SESSION_DAYS[1], everyone[1:]),
    ):
        with time_machine.travel(at(days), tick=False):
            # Days apart: a staff session ends after 30 idle minutes.
            client.force_login(trainer_user)
            response = client.post(
                reverse("attendance:session", args=[cohort.pk, session.pk]),
                {"present": present},
            )
            assert response.status_code == 302
    # ...and session 3 typed in from the paper sheet, with the paper test.
    failing = participants[-2:]
    marks = {}
    for participant in participants:
        marks[f"present-{first.pk}-{participant.pk}"] = "on"
        if participant != absent_twice:
            marks[f"present-{second.pk}-{participant.pk}"] = "on"
        if participant != absent_twice:
            marks[f"present-{third.pk}-{participant.pk}"] = "on"
        marks[f"score-{participant.pk}"] = "40" if participant in failing else "85"
    with (
        time_machine.travel(at(SESSION_DAYS[2] + 2), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.force_login(trainer_user)
        response = client.post(reverse("attendance:paper", args=[cohort.pk]), marks)
        assert response.status_code == 302

    # 6. 27 completed: not the one who missed two sessions, nor the 2 who failed.
    completed = Participant.objects.filter(cohort=cohort, completion__isnull=False)
    assert completed.count() == 27
    assert not completed.filter(pk__in=[absent_twice.pk, *[p.pk for p in failing]])

    # 7. Their certificates name the trainer, her certificate and the place.
    certificates = Certificate.objects.filter(course=course)
    assert certificates.count() == 27
    delivery = certificates.first().delivery
    assert delivery["trainer"] == certification.person.full_name
    assert delivery["trainer_code"] == trainer_certificate.code
    assert delivery["place"] == "Jaén"
    assert delivery["partner"] == "Universidad Nacional de Jaén"
    certificate = certificates.filter(person=listed[1]).get()
    with certificate.pdf.open("rb") as stored:
        text = pdf_text(stored.read())
    assert certification.person.full_name in text
    assert trainer_certificate.code in text
    assert "Jaén" in text and "Universidad Nacional de Jaén" in text

    # 8. The staff members' mandatory induction shows completed.
    today = at(SESSION_DAYS[2] + 2).date()
    sync_assignments(today=today)
    staff = StaffMember.objects.filter(person__in=listed[1:])
    statuses = set(
        Assignment.objects.with_status(today=today)
        .filter(staff__in=staff, requirement=induction)
        .values_list("status", flat=True)
    )
    assert statuses == {AssignmentStatus.COMPLETED}
