"""Hostile text typed anywhere is shown as text: in Chromium and in the PDFs.

One payload, a corpus of the usual attacks in a row, goes into every field
people type that some page or document shows: a learner's and a trainer's
names, a company's legal name and address, a cohort's name and places,
every plain-text field of a course and its quiz. Rich text is HTML by
design: there the same attacks arrive as markup and must be cleaned out.

Chromium runs with the Content-Security-Policy bypassed, so what is tested
is the escaping itself, not the second line of defence.

    .venv/bin/pytest tests/e2e/test_xss.py -p no:cacheprovider
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from certificates.issuance import issue_certificate, issue_for_completion
from courses.importing import import_course
from lms.models import Enrolment, JoinedVia, Participant, Person
from tests.e2e.conftest import open_page
from tests.factories import (
    StaffMemberFactory,
    UserFactory,
    approved_company,
    certified_trainer,
    cohort_with_sessions,
    completion,
    failed_then_open_attempt,
    organisation,
)
from tests.pdf import pdf_text

pytestmark = [
    pytest.mark.browser,
    # The live server runs in another thread, so the data must be committed.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Each attack sets window.__xss or opens a dialog if it ever runs; <b> and
# {{7*7}} would vanish or turn into 49 if markup or a template read them.
PAYLOAD = (
    "<b>B</b><script>__xss=1</script>\"'><img src=x onerror=__xss=1>"
    "<svg/onload=__xss=1>{{7*7}}</textarea>'-alert(1)-'"
)
HOSTILE_HTML = (
    "<p>Texto de la lección</p><script>__xss=1</script>"
    '<img src=x onerror="__xss=1"><a href="javascript:__xss=1">enlace</a>'
)
RUC = "20100000001"


def hostile(label: str) -> str:
    """Return the payload after a word that tells which field it was typed in."""
    return f"{label} {PAYLOAD}"


# Any trace of the payload as live markup: a script carrying it, an event
# handler attribute, a javascript: link.
LIVE_MARKUP = """() => [
    ...[...document.scripts].filter(s => s.textContent.includes('__xss')),
    ...document.querySelectorAll('[onerror], [onload], a[href^="javascript:"]'),
].map(element => element.outerHTML.slice(0, 120))"""


def hostile_course_data() -> dict:
    """A course in the import format (fixtures/courses/SCHEMA.md), all hostile."""
    return {
        "title": hostile("Curso"),
        "slug": "curso-hostil",
        "audience": "public_servants",
        "summary": hostile("Resumen"),
        "learning_outcomes": [hostile("Objetivo")],
        "estimated_hours": 2,
        "mandatory_for_staff": True,
        "validity_months": 24,
        "pass_mark": 50,
        "max_attempts": 3,
        "questions_per_attempt": 2,
        "certificate_title": hostile("Constancia"),
        "questions": [
            {
                "type": "single_choice",
                "prompt": hostile("Pregunta"),
                "options": [
                    {"text": hostile("Opción"), "correct": True},
                    {"text": "Otra respuesta", "correct": False},
                ],
                "explanation": hostile("Explicación"),
            },
            {
                "type": "true_false",
                "prompt": hostile("Afirmación"),
                "answer": True,
                "explanation": hostile("Explicación"),
            },
        ],
        "modules": [
            {
                "title": hostile("Módulo"),
                "intro": hostile("Introducción"),
                "lessons": [
                    {
                        "title": hostile("Lección"),
                        "slug": "leccion-hostil",
                        "summary": hostile("Resumen"),
                        "minutes": 5,
                        "body": [
                            {"type": "text", "value": HOSTILE_HTML},
                            {
                                "type": "note",
                                "value": {
                                    "kind": "legal",
                                    "title": hostile("Nota"),
                                    "text": HOSTILE_HTML,
                                },
                            },
                            {
                                "type": "dilemma",
                                "value": {
                                    "case": hostile("Caso"),
                                    "question": hostile("Dilema"),
                                    "choices": [
                                        {
                                            "text": hostile("Elección"),
                                            "feedback": hostile("Comentario"),
                                            "recommended": True,
                                        },
                                        {
                                            "text": "Otra opción",
                                            "feedback": "No.",
                                            "recommended": False,
                                        },
                                    ],
                                },
                            },
                        ],
                    }
                ],
            }
        ],
    }


@dataclass
class Visit:
    path: str
    user: object = field(default=None, repr=False)
    # False where the page has no typed text to show, only to survive.
    shows_payload: bool = True
    status: int = 200


@dataclass
class HostileSite:
    learner: object
    trainer: object
    hr_officer: object
    certificate: object
    cohort: object
    staff: object
    visits: list[Visit]


@pytest.fixture
def hostile_site(catalogue, units, hr_a, integrity_officer, trainer_course):
    """Every typed text hostile, and the pages that show it to each role."""
    now = timezone.now()
    course = import_course(catalogue, hostile_course_data())
    learner = UserFactory(first_name=hostile("Rosa"), last_name="Quispe")
    person = Person.objects.for_user(learner)
    person.document_number = "42388604"
    person.save(update_fields=["document_number"])
    unit = organisation("XSS", hostile("Unidad"), units["a"])
    staff = StaffMemberFactory(person=person, unit=unit, post=hostile("Cargo"))
    enrolment = Enrolment.objects.create(user=learner, course=course)
    # A failed attempt to read the results of, and an open one to answer.
    failed, open_attempt = failed_then_open_attempt(enrolment, now=now)

    trainer_user = UserFactory(first_name=hostile("Carmen"), last_name="Vásquez")
    trainer = certified_trainer(
        trainer_user,
        trainer_course,
        approved_by=integrity_officer,
        approved_at=now,
        institution=hostile("Universidad"),
    )
    cohort = cohort_with_sessions(
        trainer,
        course,
        starts_on=timezone.localdate(),
        name=hostile("Grupo"),
        venue=hostile("Local"),
        partner_institution=hostile("Aliado"),
    )
    cohort.sessions.filter(number=1).update(topic=hostile("Tema"))
    passed = completion(learner, course, at=now)
    Participant.objects.create(
        cohort=cohort,
        person=person,
        enrolment=enrolment,
        joined_via=JoinedVia.LIST,
        joined_at=now,
        completion=passed,
    )
    certificate = issue_for_completion(passed)
    company = approved_company(
        ruc=RUC,
        legal_name=hostile("Empresa"),
        address=hostile("Dirección"),
        representative=person,
    )
    company_certificate = issue_certificate(
        person=person,
        course=course,
        issued_on=timezone.localdate(),
        score=90,
        company=company,
    )
    session = cohort.sessions.get(number=1)
    lesson = course.lessons().get()
    visits = [
        Visit("/"),
        Visit(course.url),
        Visit(reverse("certificates:verify", args=[certificate.code])),
        Visit(reverse("certificates:verify", args=[company_certificate.code])),
        # The form refuses the payload as a code: it only has to survive it.
        Visit(
            f"{reverse('certificates:verify_form')}?code={quote(PAYLOAD)}",
            shows_payload=False,
            status=400,
        ),
        Visit(reverse("companies:registry")),
        Visit(f"{reverse('companies:registry')}?q={quote(PAYLOAD)}"),
        Visit(reverse("companies:detail", args=[RUC])),
        Visit(reverse("trainers:list")),
        Visit(lesson.url, learner),
        Visit(reverse("lms:my_courses"), learner),
        Visit(reverse("lms:assessment", args=[course.pk]), learner),
        Visit(reverse("lms:attempt", args=[open_attempt.pk]), learner),
        Visit(reverse("lms:attempt_result", args=[failed.pk]), learner),
        Visit(reverse("certificates:my_certificates"), learner),
        Visit(reverse("cohorts:dashboard"), trainer_user),
        Visit(reverse("cohorts:detail", args=[cohort.pk]), trainer_user),
        Visit(reverse("cohorts:edit", args=[cohort.pk]), trainer_user),
        Visit(
            reverse("attendance:session", args=[cohort.pk, session.pk]), trainer_user
        ),
        Visit(reverse("attendance:paper", args=[cohort.pk]), trainer_user),
        Visit(reverse("lms_staff:index"), hr_a),
        Visit(reverse("lms_staff_detail", args=[staff.pk]), hr_a),
        Visit(reverse("lms_report_completion"), hr_a),
    ]
    return HostileSite(
        learner=learner,
        trainer=trainer_user,
        hr_officer=hr_a,
        certificate=certificate,
        cohort=cohort,
        staff=staff,
        visits=visits,
    )


def test_hostile_text_runs_nowhere_and_reads_as_typed(
    chromium, live_server, hostile_site
):
    problems, dialogs = [], []

    def dismiss(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    for visit in hostile_site.visits:
        page = open_page(chromium, live_server.url, user=visit.user, bypass_csp=True)
        dialogs_before = len(dialogs)
        page.on("dialog", dismiss)
        response = page.goto(live_server.url + visit.path, wait_until="load")
        where = (
            f"{visit.path} ({'visitor' if visit.user is None else visit.user.email})"
        )
        if response.status != visit.status:
            problems.append(f"{where}: HTTP {response.status}")
        ran = page.evaluate("typeof window.__xss") != "undefined"
        if ran or len(dialogs) > dialogs_before:
            problems.append(f"{where}: the payload ran")
        if live := page.evaluate(LIVE_MARKUP):
            problems.append(f"{where}: live markup {live}")
        text = page.evaluate("document.body.innerText")
        fields = page.evaluate(
            "[...document.querySelectorAll('input, textarea')].map(f => f.value)"
        )
        if visit.shows_payload and PAYLOAD not in text and PAYLOAD not in fields:
            problems.append(f"{where}: the payload is not shown as typed")
        page.context.close()
    assert not problems, "\n".join(problems)


def downloaded(user, path: str) -> bytes:
    client = Client()
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200, path
    assert response["Content-Type"] == "application/pdf"
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def test_hostile_text_prints_as_typed_in_pdfs(hostile_site):
    """WeasyPrint renders HTML: unescaped, <b>B</b> would print as a bare B."""
    site = hostile_site
    documents = {
        "certificate": (
            site.learner,
            reverse("certificates:download_pdf", args=[site.certificate.code]),
            ["Rosa", "Curso"],
        ),
        "attendance sheet": (
            site.trainer,
            reverse("attendance:sheet_pdf", args=[site.cohort.pk]),
            ["Rosa", "Curso", "Grupo", "Carmen", "Local", "Aliado"],
        ),
        "transcript": (
            site.hr_officer,
            reverse("certificates_staff_transcript", args=[site.staff.pk]),
            ["Rosa", "Curso", "Unidad", "Cargo"],
        ),
    }
    missing = []
    for name, (user, path, fields) in documents.items():
        # Lines wrap anywhere in a PDF: compare without whitespace.
        text = pdf_text(downloaded(user, path)).replace(" ", "")
        missing += [
            f"{name}: {label}"
            for label in fields
            if "".join(hostile(label).split()) not in text
        ]
    assert not missing, f"not printed as typed: {missing}"
