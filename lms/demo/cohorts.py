"""Demo of the train-the-trainer cascade: a certified trainer and two cohorts.

The trainer account (formadora@) renews the trainer course, is approved by
the integrity officer, and teaches the induction in two provinces: a cohort
in Celendín that has finished (its participants completed and hold
certificates naming her and the place) and one in Jaén under way, with its
self-enrolment link open. Everything goes through the same functions the
pages use, so the demo shows what a trainer would see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone

from courses.models import CoursePage
from lms.cohorts.attendance import record_attendance, record_paper_results
from lms.cohorts.models import Cohort, CohortSession, Participant
from lms.cohorts.participant_lists import ListedPerson
from lms.cohorts.roster import add_participants, save_cohort
from lms.demo.catalogue import ACCOUNTS
from lms.learning.completions import record_completion
from lms.learning.models import Completion
from lms.learning.progress import enrol
from lms.people.models import User
from lms.staff.models import StaffMember
from lms.trainers.models import Province, TrainerCertification
from lms.trainers.registry import approve_trainer

TRAINER_EMAIL = "formadora@demo.regioncajamarca.pe"
OFFICER_EMAIL = "integridad@demo.regioncajamarca.pe"
TRAINER_COURSE_SLUG = "formacion-formadores-integridad"
INDUCTION_SLUG = "modulo-induccion-integridad"


@dataclass(frozen=True)
class DemoCohort:
    name: str
    province: str
    district: str
    partner: str
    session_days: tuple[int, ...]  # days from today; negative: already held
    participants: int


FINISHED = DemoCohort(
    "Inducción en integridad – Celendín",
    Province.CELENDIN,
    "Celendín",
    "Universidad Nacional de Cajamarca – Filial Celendín",
    (-30, -23),
    6,
)
UNDER_WAY = DemoCohort(
    "Inducción en integridad – Jaén",
    Province.JAEN,
    "Jaén",
    "Universidad Nacional de Jaén",
    (-3, 4, 11),
    8,
)


def ensure_cohort_demo(*, now: datetime) -> dict[str, int]:
    """Certify the demo trainer and seed her two cohorts, once."""
    trainer_user = User.objects.filter(email=TRAINER_EMAIL).first()
    officer = User.objects.filter(email=OFFICER_EMAIL).first()
    trainer_course = CoursePage.objects.filter(slug=TRAINER_COURSE_SLUG).first()
    induction = CoursePage.objects.filter(slug=INDUCTION_SLUG).first()
    if not (trainer_user and officer and trainer_course and induction):
        return {"trainers": 0, "cohorts": 0}
    trainer = ensure_trainer(trainer_user, trainer_course, by=officer, now=now)
    made = 0
    for demo in (FINISHED, UNDER_WAY):
        if not Cohort.objects.filter(name=demo.name).exists():
            seed_cohort(demo, trainer=trainer, course=induction, now=now)
            made += 1
    return {"trainers": 1, "cohorts": made}


def ensure_trainer(
    user: User, course: CoursePage, *, by: User, now: datetime
) -> TrainerCertification:
    """Return the user's certification, renewing the course and approving first."""
    active = TrainerCertification.objects.for_user(user).active().first()
    if active:
        return active
    # Her first certificate in the demo has expired: she took the course again.
    qualification = record_completion(
        enrolment=enrol(user=user, course=course),
        score=92,
        now=now - timedelta(days=45),
    )
    return approve_trainer(
        qualification=qualification,
        province=Province.CAJAMARCA,
        institution="Universidad Nacional de Cajamarca",
        listed_publicly=True,
        by=by,
        now=now - timedelta(days=40),
    )


def seed_cohort(
    demo: DemoCohort,
    *,
    trainer: TrainerCertification,
    course: CoursePage,
    now: datetime,
) -> Cohort:
    today = timezone.localdate(now)
    days = [today + timedelta(days=offset) for offset in demo.session_days]
    cohort = save_cohort(
        cohort=Cohort(
            course=course,
            trainer=trainer,
            name=demo.name,
            province=demo.province,
            district=demo.district,
            venue="Auditorio de la sede provincial",
            partner_institution=demo.partner,
            capacity=30,
            starts_on=days[0],
            ends_on=days[-1],
        ),
        sessions=[
            CohortSession(number=number, starts_at=_at(day), topic=f"Sesión {number}")
            for number, day in enumerate(days, start=1)
        ],
        now=now,
    )
    people = _staff_to_enrol(course, demo.participants, today=today)
    add_participants(cohort=cohort, people=people, now=now)
    held = [session for session in cohort.sessions.all() if session.held_on <= today]
    participants = list(cohort.participants.order_by("pk"))
    everyone = {participant.pk for participant in participants}
    if demo is FINISHED:
        # Typed in from the paper sheet: the first participant missed the
        # second session and the last failed the test; the other four pass.
        first, second = held
        record_paper_results(
            cohort=cohort,
            attended={
                first.pk: everyone,
                second.pk: everyone - {participants[0].pk},
            },
            scores={
                participant.pk: 60 if index == len(participants) - 1 else 85
                for index, participant in enumerate(participants)
            },
            by=trainer.person.user,
            now=now - timedelta(days=20),
        )
    else:
        record_attendance(
            session=held[0],
            present=everyone - {participants[0].pk},
            by=trainer.person.user,
            now=now,
        )
    return cohort


def _staff_to_enrol(
    course: CoursePage, count: int, *, today: date
) -> list[ListedPerson]:
    """Demo colleagues who have not completed the course and are in no cohort.

    The demo accounts are left out: each shows its own path (the new servant
    takes the induction online).
    """
    completed = Completion.objects.filter(
        enrolment__user=OuterRef("person__user"), enrolment__course=course
    )
    in_cohort = Participant.objects.filter(person=OuterRef("person"))
    staff = (
        StaffMember.objects.active(today=today)
        .exclude(Exists(completed))
        .exclude(Exists(in_cohort))
        .exclude(email="")
        .exclude(person__user__email__in=[account.email for account in ACCOUNTS])
        .select_related("person")
        .order_by("person__document_number")[:count]
    )
    return [
        ListedPerson(
            row=row,
            document_type=member.person.document_type,
            document_number=member.person.document_number,
            first_names=member.person.first_names,
            last_names=member.person.last_names,
            email=member.email,
        )
        for row, member in enumerate(staff, start=2)
    ]


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9)))
