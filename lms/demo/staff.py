"""Demo organisations, staff, mandatory-training rules and HR roles.

Dates are counted back from the day the demo is seeded, so the HR reports
always show recent hires, people on time, late and overdue, and the
transparency dashboard a last full quarter with figures to publish.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.text import slugify

from courses.models import CoursePage
from lms.learning.models import Completion, Enrolment
from lms.people.models import Person, User
from lms.staff.assignments import sync_assignments
from lms.staff.models import (
    Organisation,
    OrganisationRole,
    Regime,
    Role,
    StaffMember,
    TrainingRequirement,
)
from lms.transparency.figures import last_full_quarter

INDUCTION_SLUG = "modulo-induccion-integridad"
GOVERNORS_SLUG = "induccion-gobernadores-alta-direccion"


@dataclass(frozen=True)
class DemoJob:
    unit: str
    post: str
    regime: str
    hired_days_ago: int
    senior: bool = False


# The demo accounts' own jobs, so each role finds itself in the reports.
ACCOUNT_JOBS = {
    "servidora@demo.regioncajamarca.pe": DemoJob(
        "GRDS", "Asistente social", Regime.CAS, 12
    ),
    "gobernador@demo.regioncajamarca.pe": DemoJob(
        "GOB", "Gobernador Regional", Regime.OTHER, 330, senior=True
    ),
    "formadora@demo.regioncajamarca.pe": DemoJob(
        "UFI", "Especialista en integridad", Regime.LSC, 900
    ),
    "integridad@demo.regioncajamarca.pe": DemoJob(
        "UFI", "Jefa de la Unidad Funcional de Integridad", Regime.LSC, 1200
    ),
    "rrhh@demo.regioncajamarca.pe": DemoJob(
        "OPER", "Jefe de la Oficina de Personal", Regime.DL276, 2500
    ),
    "rrhh.social@demo.regioncajamarca.pe": DemoJob(
        "GRDS", "Analista de recursos humanos", Regime.CAS, 700
    ),
    "jefe.economico@demo.regioncajamarca.pe": DemoJob(
        "GRDE", "Gerente Regional de Desarrollo Económico", Regime.OTHER, 320, True
    ),
}

ACCOUNT_ROLES = {
    "integridad@demo.regioncajamarca.pe": (Role.INTEGRITY_OFFICER, None),
    "rrhh@demo.regioncajamarca.pe": (Role.HR_OFFICER, "GRC"),
    "rrhh.social@demo.regioncajamarca.pe": (Role.HR_OFFICER, "GRDS"),
    "jefe.economico@demo.regioncajamarca.pe": (Role.UNIT_HEAD, "GRDE"),
}

FIRST_NAMES = (
    "Ana María", "José Luis", "Flor de María", "Juan Carlos", "Rosa Isabel",
    "Víctor Raúl", "Milagros", "Segundo", "Elva Luz", "Wilder", "Nelly",
    "Edwin", "Yolanda", "Marco Antonio", "Doris", "Percy", "Lucía", "Hernán",
)  # fmt: skip
LAST_NAMES = (
    "Chávez", "Rojas", "Huamán", "Vásquez", "Cotrina", "Mendoza", "Díaz",
    "Llanos", "Cerna", "Terrones", "Cabrera", "Sánchez", "Tirado", "Mego",
    "Alcántara", "Quispe", "Briones", "Zegarra",
)  # fmt: skip
POSTS = (
    "Especialista administrativo", "Asistente técnico", "Abogado",
    "Ingeniero civil", "Secretaria", "Contador", "Técnico en logística",
    "Practicante profesional", "Analista de presupuesto", "Chofer",
)  # fmt: skip
STAFF_UNITS = (
    "GGR", "SG", "SGPCTI", "SGPT", "SGDI", "SGPIP", "SGPE", "GRDS",
    "GRRNGMA", "OPER", "OABA", "OTES", "DRAJ", "PPR", "DIRCETUR", "DREM",
)  # fmt: skip
REGIMES = (Regime.CAS, Regime.CAS, Regime.DL276, Regime.DL728, Regime.LSC)
DEMO_STAFF = 72
INDUCTION_DUE_DAYS = 30
# People whose induction fell due in the last full quarter, (on time, late),
# in units no other demo colleague works in: the dashboard shows a share, a
# champion, and the rest withheld.
QUARTER_COHORTS = {"DRTPE": (7, 5), "CR": (6, 0)}
# `_learn`'s luck: completed on time, completed late.
ON_TIME_LUCK, LATE_LUCK = 0.1, 0.5
DEMO_SEED = 2026


def ensure_organisations(node: dict, parent: Organisation | None = None) -> int:
    """Create the units of `node`'s tree whose code is new; return how many."""
    unit = Organisation.objects.filter(code=node["code"]).first()
    created = 0
    if unit is None:
        fields = {"code": node["code"], "name": node["name"], "kind": node["kind"]}
        if parent is None:
            unit = Organisation.add_root(**fields)
        else:
            parent.refresh_from_db()  # treebeard counts the parent's children
            unit = parent.add_child(**fields)
        created = 1
    for child in node.get("children", ()):
        created += ensure_organisations(child, unit)
    return created


def ensure_requirements(today: date) -> list[TrainingRequirement]:
    """Create the two rules the issue names, unless an editor already did."""
    rules = [
        (
            "Módulo de Inducción en Integridad: todo el personal",
            INDUCTION_SLUG,
            {"due_days": INDUCTION_DUE_DAYS, "recertify_months": 24},
        ),
        (
            "Inducción para Gobernadores y alta dirección",
            GOVERNORS_SLUG,
            {"due_days": 60, "senior_officials_only": True},
        ),
    ]
    made = []
    for name, slug, fields in rules:
        course = CoursePage.objects.filter(slug=slug).first()
        if course is None:
            continue
        rule, _created = TrainingRequirement.objects.get_or_create(
            name=name,
            defaults={
                "course": course,
                "applies_from": today - timedelta(days=365),
                **fields,
            },
        )
        made.append(rule)
    return made


def ensure_staff(today: date) -> int:
    """Create the demo accounts' jobs and a few dozen colleagues, once."""
    units = {unit.code: unit for unit in Organisation.objects.all()}
    created = 0
    for email, job in ACCOUNT_JOBS.items():
        person = Person.objects.filter(user__email=email).first()
        if person and not StaffMember.objects.filter(person=person).exists():
            _staff(person, email, job, units, today)
            created += 1
    rng = random.Random(DEMO_SEED)
    for number in range(DEMO_STAFF):
        dni = f"{46000000 + number * 1307:08d}"
        first = rng.choice(FIRST_NAMES)
        last = f"{rng.choice(LAST_NAMES)} {rng.choice(LAST_NAMES)}"
        job = DemoJob(
            rng.choice(STAFF_UNITS),
            rng.choice(POSTS),
            rng.choice(REGIMES),
            rng.choice((3, 9, 17, 26, 45, 80, 150, 400, 800, 1500)),
        )
        person, new = Person.objects.get_or_create(
            document_type="1",
            document_number=dni,
            defaults={"first_names": first, "last_names": last},
        )
        if new:
            # An address's local part is ASCII: "Hernán" writes "hernan".
            email = f"{slugify(first.split()[0])}.{number}@regioncajamarca.gob.pe"
            staff = _staff(person, email, job, units, today)
            _learn(staff, rng.random(), today)
            created += 1
    return created + _ensure_quarter_cohorts(units, today)


def _ensure_quarter_cohorts(units, today: date) -> int:
    """Create the colleagues of `QUARTER_COHORTS`, once; return how many."""
    rng = random.Random(DEMO_SEED + 1)
    start, end = last_full_quarter(today)
    created = 0
    number = 0
    for code, (on_time, late) in QUARTER_COHORTS.items():
        for luck in [ON_TIME_LUCK] * on_time + [LATE_LUCK] * late:
            number += 1
            due_on = start + timedelta(days=number * 7 % ((end - start).days + 1))
            first = rng.choice(FIRST_NAMES)
            last = f"{rng.choice(LAST_NAMES)} {rng.choice(LAST_NAMES)}"
            person, new = Person.objects.get_or_create(
                document_type="1",
                document_number=f"{47000000 + number * 1307:08d}",
                defaults={"first_names": first, "last_names": last},
            )
            if not new:
                continue
            job = DemoJob(
                code,
                rng.choice(POSTS),
                Regime.CAS,
                (today - due_on).days + INDUCTION_DUE_DAYS,
            )
            email = f"{slugify(first.split()[0])}.q{number}@regioncajamarca.gob.pe"
            _learn(_staff(person, email, job, units, today), luck, today)
            created += 1
    return created


def _staff(person, email, job: DemoJob, units, today: date) -> StaffMember:
    return StaffMember.objects.create(
        person=person,
        email=email,
        unit=units[job.unit],
        post=job.post,
        regime=job.regime,
        is_senior_official=job.senior,
        hired_on=today - timedelta(days=job.hired_days_ago),
    )


def _learn(staff: StaffMember, luck: float, today: date) -> None:
    """Give some demo colleagues progress: most on time, some late, some not."""
    course = CoursePage.objects.filter(slug=INDUCTION_SLUG).first()
    if course is None or luck > 0.8:
        return
    user = User.objects.create(
        email=staff.email, username=f"demo-{staff.person.document_number}"
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    staff.person.user = user
    staff.person.save(update_fields=["user"])
    enrolment = Enrolment.objects.create(user=user, course=course)
    if luck > 0.55:
        return  # enrolled, still learning
    late = luck > 0.45
    days = 45 if late else 12
    finished = min(staff.hired_on + timedelta(days=days), today)
    Completion.objects.create(
        enrolment=enrolment,
        completed_at=timezone.make_aware(datetime.combine(finished, time(11))),
        score=80 + int(luck * 20),
    )


def ensure_roles() -> int:
    created = 0
    for email, (role, code) in ACCOUNT_ROLES.items():
        user = User.objects.filter(email=email).first()
        if user is None:
            continue
        unit = Organisation.objects.get(code=code) if code else None
        _role, new = OrganisationRole.objects.get_or_create(
            user=user, role=role, organisation=unit
        )
        created += new
    return created


def ensure_staff_demo(tree: dict, *, today: date) -> dict[str, int]:
    """Seed units, rules, staff and roles, then assign; return what was created."""
    counts = {
        "units": ensure_organisations(tree),
        "requirements": len(ensure_requirements(today)),
        "staff": ensure_staff(today),
        "roles": ensure_roles(),
    }
    counts["assignments"] = sync_assignments(today=today).created
    return counts
