"""Factories for tests; tests build their own data and never load fixtures/."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

import factory
import wagtail_factories
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.test import Client
from django.utils import timezone

from courses.models import Audience, CataloguePage, CoursePage, LessonPage, ModulePage
from lms.demo.catalogue import current_totp_code
from lms.learning import assessment
from lms.learning.progress import complete_lesson
from lms.models import (
    Assignment,
    Attempt,
    Cohort,
    CohortSession,
    Company,
    CompanyStatus,
    Completion,
    Enrolment,
    Organisation,
    OrganisationKind,
    OrganisationRole,
    Person,
    Province,
    Regime,
    StaffMember,
    TrainerCertification,
    TrainingRequirement,
    User,
)
from lms.staff.assignments import sync_assignments

PASSWORD = "una-clave-segura-123"
# What Rosa types into the sign-up form, consent given.
SIGNUP = {
    "first_name": "Rosa Elena",
    "last_name": "Quispe Huamán",
    "document_type": "1",
    "document_number": "42388604",
    "email": "rosa.quispe@example.pe",
    "password1": PASSWORD,
    "password2": PASSWORD,
    "privacy_consent": "on",
}


def block_id() -> str:
    return str(uuid.uuid4())


def choice_question(
    kind: str, prompt: str, correct: list[str], wrong: list[str]
) -> dict:
    """Return a raw single- or multiple-answer question with stable option ids."""
    options = [{"text": t, "correct": True} for t in correct] + [
        {"text": t, "correct": False} for t in wrong
    ]
    return {
        "type": kind,
        "id": block_id(),
        "value": {
            "prompt": prompt,
            "options": [
                {"type": "item", "value": option, "id": block_id()}
                for option in options
            ],
            "explanation": f"Explicación de {prompt}",
        },
    }


def single_choice(prompt: str, correct: str, wrong: list[str]) -> dict:
    return choice_question("single_choice", prompt, [correct], wrong)


def multiple_choice(prompt: str, correct: list[str], wrong: list[str]) -> dict:
    return choice_question("multiple_choice", prompt, correct, wrong)


def true_false(prompt: str, answer: bool) -> dict:
    return {
        "type": "true_false",
        "id": block_id(),
        "value": {
            "prompt": prompt,
            "answer": answer,
            "explanation": f"Explicación de {prompt}",
        },
    }


def question_bank(size: int = 5) -> list[dict]:
    """Return a bank mixing the three question kinds, `size` questions long."""
    makers = [
        lambda n: single_choice(
            f"Pregunta {n}", f"Correcta {n}", [f"Falsa {n}a", f"Falsa {n}b"]
        ),
        lambda n: multiple_choice(
            f"Pregunta {n}", [f"Sí {n}a", f"Sí {n}b"], [f"No {n}"]
        ),
        lambda n: true_false(f"Pregunta {n}", n % 2 == 0),
    ]
    return [makers[n % 3](n) for n in range(1, size + 1)]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"persona{n}@example.pe")
    username = factory.Sequence(lambda n: f"persona{n}")
    first_name = "Rosa"
    last_name = "Quispe"
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(
                user=self, email=self.email, verified=True, primary=True
            )


class CataloguePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CataloguePage

    title = "Cursos"


class CoursePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CoursePage

    title = factory.Sequence(lambda n: f"Curso {n}")
    audience = Audience.PUBLIC_SERVANTS
    summary = "Un curso de integridad."
    learning_outcomes = "Reconocer un conflicto de intereses\nSaber dónde denunciar"
    estimated_hours = 2
    pass_mark = 60
    max_attempts = 2
    questions_per_attempt = 3
    certificate_title = "Constancia de prueba"
    question_bank = factory.LazyFunction(question_bank)


class ModulePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ModulePage

    title = factory.Sequence(lambda n: f"Módulo {n}")


class LessonPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = LessonPage

    title = factory.Sequence(lambda n: f"Lección {n}")
    minutes = 10
    body = factory.LazyAttribute(
        lambda page: [
            {
                "type": "text",
                "value": f"<p>Contenido de {page.title}</p>",
                "id": block_id(),
            }
        ]
    )


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    user = factory.SubFactory(UserFactory)


def organisation(
    code: str,
    name: str,
    parent: Organisation | None = None,
    kind: str = OrganisationKind.OFFICE,
) -> Organisation:
    """Return a unit of the tree, added under `parent` (or as a root)."""
    fields = {"code": code, "name": name, "kind": kind}
    if parent is None:
        return Organisation.add_root(**fields)
    parent.refresh_from_db()  # treebeard needs the parent's current child count
    return parent.add_child(**fields)


# Every test account with a staff role uses this authenticator app secret, so a
# test that logs in through the form can compute the code (see `totp_code`).
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def with_mfa(user: User) -> User:
    """Give `user` an authenticator app, as staff roles must have (issue 7)."""
    if not Authenticator.objects.filter(
        user=user, type=Authenticator.Type.TOTP
    ).exists():
        TOTP.activate(user, TEST_TOTP_SECRET)
    return user


def totp_code() -> str:
    """The code the test accounts' authenticator app shows now."""
    return current_totp_code(TEST_TOTP_SECRET)


def signed_in_session(user: User) -> str:
    """Return the key of a session signed in as `user`, with no second factor.

    For a browser or a load tool to send as the session cookie.
    """
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def grant(user: User, role: str, unit: Organisation | None = None) -> User:
    """Give `user` a role over `unit` (none for the integrity officer)."""
    OrganisationRole.objects.create(user=user, role=role, organisation=unit)
    return with_mfa(user)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    document_number = factory.Sequence(lambda n: f"{40000000 + n:08d}")
    first_names = "Rosa Elena"
    last_names = factory.Sequence(lambda n: f"Quispe {n}")


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember

    person = factory.SubFactory(PersonFactory)
    email = factory.Sequence(lambda n: f"servidor{n}@regioncajamarca.gob.pe")
    post = "Especialista administrativo"
    regime = Regime.CAS
    hired_on = date(2026, 3, 1)


class TrainingRequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingRequirement

    name = factory.Sequence(lambda n: f"Requisito {n}")
    due_days = 30
    recertify_months = 24
    applies_from = date(2026, 1, 1)


def hire(
    unit: Organisation,
    first_names: str,
    last_names: str,
    hired_on: date,
    *,
    assigned_on: date | None,
) -> StaffMember:
    """Return a staff member of `unit` hired on `hired_on`, their training
    assigned as the nightly run would on `assigned_on`; None: not yet run."""
    staff = StaffMemberFactory(
        unit=unit,
        hired_on=hired_on,
        person=PersonFactory(first_names=first_names, last_names=last_names),
    )
    if assigned_on is not None:
        sync_assignments(
            today=assigned_on, staff=StaffMember.objects.filter(pk=staff.pk)
        )
    return staff


def next_cycle(previous: Assignment, **fields) -> Assignment:
    """Return the cycle after `previous`, now the latest, as a renewal opens it."""
    Assignment.objects.filter(pk=previous.pk).update(is_latest=False)
    return Assignment.objects.create(
        staff=previous.staff,
        requirement=previous.requirement,
        cycle=previous.cycle + 1,
        **fields,
    )


def failed_then_open_attempt(enrolment: Enrolment, *, now: datetime):
    """Read every lesson, fail an attempt (every answer wrong), open another.

    Returns both: one to read the results of, one to answer.
    """
    for lesson in enrolment.course.lessons():
        complete_lesson(enrolment=enrolment, lesson=lesson, now=now)
    first = assessment.start_attempt(enrolment=enrolment, now=now)
    wrong = {
        question.id: [next(o.id for o in question.options if not o.correct)]
        for question in first.drawn_questions()
    }
    failed = assessment.submit_attempt(attempt=first, submitted=wrong, now=now)
    return failed, assessment.start_attempt(enrolment=enrolment, now=now)


def used_every_attempt(enrolment: Enrolment, *, now: datetime) -> list[Attempt]:
    """Fail every attempt the course allows, scored 0 % and submitted at `now`."""
    return [
        Attempt.objects.create(
            enrolment=enrolment,
            number=number,
            questions=[],
            pass_mark=enrolment.course.pass_mark,
            started_at=now - timedelta(hours=1) + timedelta(minutes=number),
            submitted_at=now,
            score=0,
            passed=False,
        )
        for number in range(1, enrolment.course.max_attempts + 1)
    ]


def completion(user: User, course: CoursePage, *, at: datetime) -> Completion:
    """Return a completion of `course` by `user` at `at`, as if earned online."""
    enrolment, _created = Enrolment.objects.get_or_create(user=user, course=course)
    return Completion.objects.create(enrolment=enrolment, completed_at=at, score=90)


def approved_company(**fields) -> Company:
    """Return a company whose representative the integrity officer approved."""
    return Company.objects.create(
        status=CompanyStatus.APPROVED, reviewed_at=timezone.now(), **fields
    )


def certified_trainer(
    user: User,
    trainer_course: CoursePage,
    *,
    approved_by: User,
    approved_at: datetime,
    province: str = Province.JAEN,
    institution: str = "Universidad Nacional de Jaén",
    listed: bool = True,
) -> TrainerCertification:
    """Return an approved trainer, qualified by a completion 30 days earlier."""
    person = Person.objects.for_user(with_mfa(user))
    qualification = completion(
        user, trainer_course, at=approved_at - timedelta(days=30)
    )
    return TrainerCertification.objects.create(
        person=person,
        qualification=qualification,
        province=province,
        institution=institution,
        listed_publicly=listed,
        approved_at=approved_at,
        approved_by=approved_by,
    )


def cohort_with_sessions(
    trainer: TrainerCertification,
    course: CoursePage,
    *,
    starts_on: date,
    sessions: int = 3,
    **fields,
) -> Cohort:
    """Return an in-person cohort in Jaén with a session every week from `starts_on`."""
    defaults = {
        "name": f"{course.title} – Jaén",
        "province": Province.JAEN,
        "district": "Jaén",
        "partner_institution": "Universidad Nacional de Jaén",
        "capacity": 40,
        "ends_on": starts_on + timedelta(weeks=sessions - 1),
    }
    cohort = Cohort.objects.create(
        trainer=trainer,
        course=course,
        starts_on=starts_on,
        **{**defaults, **fields},
    )
    for number in range(1, sessions + 1):
        day = starts_on + timedelta(weeks=number - 1)
        CohortSession.objects.create(
            cohort=cohort,
            number=number,
            starts_at=timezone.make_aware(datetime.combine(day, time(9))),
            topic=f"Sesión {number}",
        )
    return cohort
