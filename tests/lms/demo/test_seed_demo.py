import json
import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.forms.models import model_to_dict
from wagtail.models import Site

from certificates.models import Certificate
from courses.models import CataloguePage, CoursePage, LessonPage
from lms.demo.catalogue import ACCOUNTS, DEMO_PASSWORD
from lms.demo.staff import INDUCTION_SLUG
from lms.models import (
    Assignment,
    Cohort,
    Company,
    OrganisationRole,
    Participant,
    StaffMember,
    TrainerCertification,
    TrainingRequirement,
    User,
)
from lms.staff.forms import PERSON_FIELDS, StaffMemberForm
from lms.staff.scopes import scope_for
from lms.transparency import figures as transparency_figures
from tests.factories import question_bank

pytestmark = pytest.mark.django_db

COURSE = {
    "slug": "curso-demo",
    "order": 1,
    "title": "Curso demo",
    "audience": "citizens",
    "summary": "Resumen.",
    "learning_outcomes": ["Uno", "Dos"],
    "estimated_hours": 1,
    "mandatory_for_staff": False,
    "validity_months": None,
    "pass_mark": 70,
    "max_attempts": 3,
    "questions_per_attempt": 2,
    "certificate_title": "Constancia",
    "modules": [
        {
            "title": "Módulo",
            "intro": "",
            "lessons": [
                {
                    "slug": "leccion",
                    "title": "Lección",
                    "minutes": 5,
                    "body": [
                        {"type": "text", "value": "<p>Hola</p>"},
                        {
                            "type": "dilemma",
                            "value": {
                                "case": "Caso",
                                "question": "¿Qué hace?",
                                "choices": [
                                    {
                                        "text": "A",
                                        "feedback": "Bien",
                                        "recommended": True,
                                    },
                                    {
                                        "text": "B",
                                        "feedback": "Mal",
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
    "questions": [
        {
            "type": "true_false",
            "prompt": "¿Verdad?",
            "answer": True,
            "explanation": "Sí.",
        },
        {
            "type": "single_choice",
            "prompt": "¿Cuál?",
            "options": [
                {"text": "Esta", "correct": True},
                {"text": "Otra", "correct": False},
            ],
            "explanation": "Esta.",
        },
    ],
}


@pytest.fixture
def courses_dir(tmp_path):
    (tmp_path / "curso.json").write_text(json.dumps(COURSE), encoding="utf-8")
    return tmp_path


def test_it_refuses_to_run_with_debug_off(settings, courses_dir):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", courses_dir=courses_dir)
    assert not User.objects.exists()


def test_it_builds_the_catalogue_courses_and_accounts_once(
    settings, courses_dir, capsys
):
    settings.DEBUG = True
    call_command("seed_demo", courses_dir=courses_dir)
    call_command("seed_demo", courses_dir=courses_dir)
    catalogue = CataloguePage.objects.get()
    site = Site.objects.get(is_default_site=True)
    assert site.root_page_id == catalogue.pk
    assert site.root_url == settings.WAGTAILADMIN_BASE_URL
    course = CoursePage.objects.live().get()
    assert course.get_parent().pk == catalogue.pk
    assert LessonPage.objects.live().descendant_of(course).count() == 1
    assert len(course.questions()) == 2
    assert User.objects.count() == len(ACCOUNTS)
    output = capsys.readouterr().out
    assert all(account.email in output for account in ACCOUNTS)
    assert DEMO_PASSWORD in output


# serialized_rollback restores the rows Wagtail's migrations create.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_demo_prints_a_summary_not_its_e_mails(settings, capsys):
    """On the console backend the demo's certificates and invitations are counted.

    Before, the README's first command printed some 3,000 lines of e-mail.
    The whole demo, committed as outside a test, so its deliveries run.
    """
    settings.DEBUG = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

    call_command("seed_demo")

    output = capsys.readouterr().out
    assert "Subject:" not in output
    [held_back] = re.findall(r"Correos que la demo no envió: (\d+)\.", output)
    assert int(held_back) > 0
    assert len(output.splitlines()) < 60


def test_demo_accounts_can_log_in(settings, courses_dir, client):
    settings.DEBUG = True
    call_command("seed_demo", courses_dir=courses_dir)
    for account in ACCOUNTS:
        assert client.login(username=account.email, password=account.password)


def test_an_invalid_course_file_creates_nothing(settings, tmp_path):
    settings.DEBUG = True
    broken = {
        **COURSE,
        "questions": [
            {
                **COURSE["questions"][1],
                "options": [
                    {"text": "A", "correct": True},
                    {"text": "B", "correct": True},
                ],
            }
        ],
    }
    (tmp_path / "curso.json").write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(CommandError, match="curso.json.*exactamente una opción"):
        call_command("seed_demo", courses_dir=tmp_path)
    assert not CoursePage.objects.exists()
    assert not CataloguePage.objects.exists()


def test_the_factories_bank_is_valid_for_the_editor():
    """Guard the test data itself: a bank the editor would reject proves nothing."""
    block = CoursePage._meta.get_field("question_bank").stream_block
    block.clean(block.to_python(question_bank(6)))


def test_it_seeds_units_staff_rules_and_roles_once(settings, tmp_path):
    settings.DEBUG = True
    induction = {**COURSE, "slug": INDUCTION_SLUG, "validity_months": 24}
    (tmp_path / "curso.json").write_text(json.dumps(induction), encoding="utf-8")
    call_command("seed_demo", courses_dir=tmp_path)
    counts = (
        StaffMember.objects.count(),
        Assignment.objects.count(),
        OrganisationRole.objects.count(),
    )
    call_command("seed_demo", courses_dir=tmp_path)
    assert (
        StaffMember.objects.count(),
        Assignment.objects.count(),
        OrganisationRole.objects.count(),
    ) == counts
    rule = TrainingRequirement.objects.get()
    assert (rule.due_days, rule.recertify_months) == (30, 24)
    statuses = set(
        Assignment.objects.with_status(today=date.today()).values_list(
            "status", flat=True
        )
    )
    assert {"completed", "overdue", "pending"} <= statuses
    hr_social = User.objects.get(email="rrhh.social@demo.regioncajamarca.pe")
    scope = scope_for(hr_social)
    assert set(scope.staff().values_list("unit__code", flat=True)) == {"GRDS"}


@pytest.mark.parametrize("today", [date(2027, 1, 1), date(2027, 3, 31)])
def test_the_demo_dashboard_publishes_a_share_and_a_champion(
    settings, tmp_path, time_machine, today
):
    """Seeded on any day of a quarter, the last full one has figures to show."""
    time_machine.move_to(datetime.combine(today, time(12), ZoneInfo("America/Lima")))
    settings.DEBUG = True
    induction = {
        **COURSE,
        "slug": INDUCTION_SLUG,
        "audience": "public_servants",
        "validity_months": 24,
    }
    (tmp_path / "curso.json").write_text(json.dumps(induction), encoding="utf-8")
    call_command("seed_demo", courses_dir=tmp_path)

    figures = transparency_figures.compute_figures(today=today)

    shares = {unit.code: unit.on_time_share for unit in figures.units}
    assert (shares["DRTPE"], shares["CR"]) == (58, 100)
    assert [champion.code for champion in figures.champions] == ["CR"]
    assert None in shares.values()


def test_every_demo_staff_record_can_be_saved_in_the_admin(
    settings, tmp_path, integrity_officer
):
    """Accented names (Hernán) give ASCII addresses the admin's form accepts."""
    settings.DEBUG = True
    induction = {**COURSE, "slug": INDUCTION_SLUG, "validity_months": 24}
    (tmp_path / "curso.json").write_text(json.dumps(induction), encoding="utf-8")
    call_command("seed_demo", courses_dir=tmp_path)
    refused = {}
    for staff in StaffMember.objects.select_related("person", "unit"):
        data = model_to_dict(staff, fields=StaffMemberForm._meta.fields)
        data |= model_to_dict(staff.person, fields=PERSON_FIELDS)
        form = StaffMemberForm(
            {key: "" if value is None else value for key, value in data.items()},
            instance=staff,
            for_user=integrity_officer,
        )
        try:
            staff.full_clean()
        except ValidationError as error:
            refused[staff.email] = error.message_dict
        if not form.is_valid():
            refused[staff.email] = form.errors
    assert StaffMember.objects.count() > 70
    assert refused == {}


def test_it_seeds_a_certified_trainer_and_her_cohorts_once(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.DEBUG = True
    induction = {**COURSE, "slug": INDUCTION_SLUG, "validity_months": 24}
    trainers = {
        **COURSE,
        "slug": "formacion-formadores-integridad",
        "audience": "trainers",
        "validity_months": 24,
    }
    for course in (induction, trainers):
        (tmp_path / f"{course['slug']}.json").write_text(
            json.dumps(course), encoding="utf-8"
        )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", courses_dir=tmp_path)
    call_command("seed_demo", courses_dir=tmp_path)

    trainer = TrainerCertification.objects.get()
    assert trainer.person.user.email == "formadora@demo.regioncajamarca.pe"
    assert trainer.is_valid_on(date.today())
    finished, under_way = Cohort.objects.order_by("starts_on")
    assert finished.participants.exclude(completion=None).count() == 4
    assert under_way.participants.count() == 8
    assert under_way.self_enrolment_open
    demo_emails = {account.email for account in ACCOUNTS}
    assert not Participant.objects.filter(person__user__email__in=demo_emails)
    certificates = Certificate.objects.exclude(delivery={})
    assert certificates.count() == 4
    assert {c.delivery["place"] for c in certificates} == {"Celendín"}


def test_it_seeds_the_business_representatives_company_once(settings, tmp_path):
    settings.DEBUG = True
    business = {
        **COURSE,
        "slug": "empresa-por-la-integridad",
        "audience": "businesses",
        "validity_months": 24,
    }
    (tmp_path / "empresa.json").write_text(json.dumps(business), encoding="utf-8")
    call_command("seed_demo", courses_dir=tmp_path)
    call_command("seed_demo", courses_dir=tmp_path)

    company = Company.objects.get()
    assert company.representative.user.email == "empresa@demo.regioncajamarca.pe"
    # Approved, with its proof, as the registry lists only approved companies.
    assert company.is_approved
    assert company.proof.read().startswith(b"%PDF-")
    certificate = Certificate.objects.get(company=company)
    assert certificate.holder_name == company.legal_name
    assert certificate.holder_document == f"RUC {company.ruc}"
    assert certificate.status(today=date.today()) == "valid"


def test_the_recovery_sweep_leaves_the_demo_certificates_alone(
    settings, tmp_path, mailoutbox
):
    # The demo's certificates are stored without e-mail: the first run of
    # deliver_pending_certificates (the worker runs it at start) must not
    # send them now.
    settings.DEBUG = True
    for slug, audience in [
        ("empresa-por-la-integridad", "businesses"),
        ("ciudadano-por-la-integridad", "citizens"),
    ]:
        course = {**COURSE, "slug": slug, "audience": audience, "validity_months": 24}
        (tmp_path / f"{slug}.json").write_text(json.dumps(course), encoding="utf-8")
    call_command("seed_demo", courses_dir=tmp_path)
    assert Certificate.objects.count() >= 2
    mailoutbox.clear()

    call_command("deliver_pending_certificates")

    assert mailoutbox == []
    assert not Certificate.objects.filter(delivered_at=None).exists()
