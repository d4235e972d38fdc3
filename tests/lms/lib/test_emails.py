"""Every e-mail the platform sends, sent the way a person causes it.

Each one must be written for this site: its name in the subject and never the
host, Spanish in the usted form with no English left, the organisation's
signature, and both a text and an HTML part whose links are clickable. The
last test fails when an e-mail template has no trigger here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import allauth
import pytest
import time_machine
import wagtail.admin
from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.mail import EmailMessage
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from wagtail.admin.mail import send_notification
from wagtail.models import (
    Comment,
    GroupApprovalTask,
    GroupPagePermission,
    Workflow,
    WorkflowState,
    WorkflowTask,
)

from courses.models import Audience, CoursePage
from lms.cohorts import roster
from lms.companies import registration as companies_registration
from lms.demo.catalogue import current_totp_code
from lms.lib.emails import to_html
from lms.models import Assignment, Completion, Enrolment, ExtensionRequest, Person, User
from lms.staff.assignments import sync_assignments
from lms.staff.extension_requests import grant_extension, request_extension
from lms.staff.reminders import send_reminders
from tests.certificates.test_completion_issues_certificate import pass_the_assessment
from tests.factories import (
    PASSWORD,
    CoursePageFactory,
    PersonFactory,
    StaffMemberFactory,
    UserFactory,
    approved_company,
)
from tests.lms.accounts.test_accounts import SIGNUP
from tests.lms.cohorts.test_cohorts import new_person
from tests.lms.companies.test_companies import registration, ruc

pytestmark = pytest.mark.django_db

SITE = "https://integridad.example.pe"
LIMA_NOON = datetime(2026, 4, 6, 12, 0, tzinfo=ZoneInfo("America/Lima"))
SIGNATURE = "Oficina de Integridad Institucional — Gobierno Regional de Cajamarca"
NEW_PASSWORD = "Otra-clave-segura-2026"
TEMPLATES = Path(settings.BASE_DIR) / "templates"
ALLAUTH_TEMPLATES = Path(allauth.__file__).parent / "templates"
WAGTAIL_TEMPLATES = Path(wagtail.admin.__file__).parent / "templates"
# Shipped, but sent by nothing in allauth 65 or Wagtail 8: Wagtail's task
# notices other than "submitted", and its moderation before workflows.
NEVER_SENT = {
    "account/email/email_confirm",
    "wagtailadmin/notifications/approved",
    "wagtailadmin/notifications/rejected",
    "wagtailadmin/notifications/task_state_approved",
    "wagtailadmin/notifications/task_state_rejected",
}

# Words of the tú form (pronouns, possessives, verbs) that usted never uses.
INFORMAL = re.compile(
    r"\b(tú|tu|tus|te|ti|contigo|tuyo|tuya|tienes|puedes|debes|quieres|estás"
    r"|eres|has|hiciste|olvidaste|recibiste|haz|introduce|pulsa|visita)\b",
    re.IGNORECASE,
)
ENGLISH = re.compile(
    r"\b(the|you|your|please|hello|dear|account|password|click|link|e-?mail"
    r"|thank|here|this|with|been|have|from|code|sign|reset|confirm)\b",
    re.IGNORECASE,
)
HOSTS = ("testserver", "127.0.0.1", "localhost", "example.com")
URL = re.compile(r"https?://[^\s<>\"]+")
ADDRESS = re.compile(r"\S+@\S+|\b\d+\.\d+\.\d+\.\d+\b")


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.WAGTAILADMIN_BASE_URL = SITE


@pytest.fixture(autouse=True)
def lima_noon():
    with time_machine.travel(LIMA_NOON, tick=False):
        yield


def sent(action: Callable[[], object], capture) -> list[EmailMessage]:
    """Run `action` and its on-commit work; return the e-mails it sent."""
    before = len(mail.outbox)
    with capture(execute=True):
        action()
    return mail.outbox[before:]


def logged_in(client, user):
    """Log in through the form, as allauth wants before account changes."""
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    return client


def link_path(message: EmailMessage, fragment: str) -> str:
    url = next(url for url in URL.findall(message.body) if fragment in url)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


# Triggers: each returns the e-mails a person's action sent.


def invitation(f) -> list[EmailMessage]:
    staff = StaffMemberFactory(
        unit=f("units")["a"], email="rosa.quispe@regioncajamarca.gob.pe"
    )
    client = f("client")
    client.force_login(f("hr_a"))
    return sent(
        lambda: client.post(reverse("lms_staff_invite", args=[staff.pk])),
        f("django_capture_on_commit_callbacks"),
    )


def document_claimed(f) -> list[EmailMessage]:
    holder = UserFactory(email="titular@example.pe")
    Person.objects.create(
        user=holder, document_number=SIGNUP["document_number"], first_names="R"
    )
    messages = sent(
        lambda: f("client").post(reverse("account_signup"), SIGNUP),
        f("django_capture_on_commit_callbacks"),
    )
    return [message for message in messages if message.to == [holder.email]]


def cohort_invitation(f) -> list[EmailMessage]:
    return sent(
        lambda: roster.add_participants(
            cohort=f("cohort"), people=[new_person(1, "45678901")], now=timezone.now()
        ),
        f("django_capture_on_commit_callbacks"),
    )


def company_review(f) -> list[EmailMessage]:
    """The representative hears of an approval, and a rival of its rejection."""
    officer = f("integrity_officer")
    mine, rival = (
        companies_registration.register_company(
            user=PersonFactory(user=UserFactory(email=email)).user, **registration()
        )
        for email in ("gerente@minera.pe", "otro@minera.pe")
    )
    return sent(
        lambda: companies_registration.approve_company(
            company=mine, by=officer, now=timezone.now()
        ),
        f("django_capture_on_commit_callbacks"),
    )


def company_invitation(f) -> list[EmailMessage]:
    CoursePageFactory(
        parent=f("catalogue"), title="Empresa íntegra", audience=Audience.BUSINESSES
    )
    company = approved_company(
        ruc=ruc("2010000000"),
        # Markup and an ampersand in what a person typed: escaped in the HTML.
        legal_name="Café <Jaén> & Hijos S.A.C.",
        address="Jr. Amalia Puga 123, Cajamarca",
        representative=PersonFactory(user=UserFactory(email="gerente@cafe.pe")),
    )
    messages = sent(
        lambda: companies_registration.invite_colleague(
            company=company,
            email="colega@cafe.pe",
            by=company.representative.user,
            now=timezone.now(),
        ),
        f("django_capture_on_commit_callbacks"),
    )
    [message] = messages
    assert "Café <Jaén> & Hijos S.A.C." in message.subject + message.body
    assert "Café &lt;Jaén&gt; &amp; Hijos S.A.C." in message.alternatives[0][0]
    return messages


def reminders(f) -> list[EmailMessage]:
    """Before, on and after the due date (30 days after hiring), and the digest."""
    units = f("units")
    f("induction")
    f("hr_a")
    for hired_on in (date(2026, 3, 1), date(2026, 3, 7), date(2026, 3, 10)):
        StaffMemberFactory(unit=units["a"], hired_on=hired_on)
    today = LIMA_NOON.date()
    sync_assignments(today=today)
    return sent(
        lambda: send_reminders(today=today), f("django_capture_on_commit_callbacks")
    )


def reminder(f) -> list[EmailMessage]:
    messages = [m for m in reminders(f) if m.to != [f("hr_a").email]]
    assert sorted(m.subject.split("] ")[1].split(" ")[0] for m in messages) == [
        "Hoy",
        "Plazo",
        "Recordatorio:",
    ]
    return messages


def digest(f) -> list[EmailMessage]:
    return [m for m in reminders(f) if m.to == [f("hr_a").email]]


def certificate_issued(f) -> list[EmailMessage]:
    learner = f("learner")
    Person.objects.create(
        user=learner,
        document_number="42388604",
        first_names="Rosa Elena",
        last_names="Quispe Huamán",
    )
    enrolment = f("lessons_read")
    messages = sent(
        lambda: pass_the_assessment(f("learner_client"), enrolment),
        f("django_capture_on_commit_callbacks"),
    )
    [message] = messages
    [(name, _content, mimetype)] = message.attachments
    assert name.endswith(".pdf") and mimetype == "application/pdf"
    return messages


def renewal_open(f) -> list[EmailMessage]:
    """A citizen whose certificate enters its last 60 days is told, once."""
    course = f("course")
    CoursePage.objects.filter(pk=course.pk).update(validity_months=12)
    user = UserFactory(email="ciudadana@example.pe", first_name="Lucía")
    enrolment = Enrolment.objects.create(user=user, course=course)
    Completion.objects.create(
        enrolment=enrolment,
        completed_at=datetime(2025, 5, 1, 12, tzinfo=ZoneInfo("America/Lima")),
        score=90,
    )
    return sent(
        lambda: send_reminders(today=LIMA_NOON.date()),
        f("django_capture_on_commit_callbacks"),
    )


def _pending_extension(f) -> ExtensionRequest:
    units = f("units")
    f("induction")
    f("hr_a")
    StaffMemberFactory(unit=units["a1"], hired_on=date(2026, 3, 20))
    sync_assignments(today=LIMA_NOON.date())
    return request_extension(
        assignment=Assignment.objects.get(),
        requested_due_on=date(2026, 5, 30),
        reason="Licencia médica",
        by=f("unit_head_a"),
        now=timezone.now(),
    )


def extension_requested(f) -> list[EmailMessage]:
    """HR of the unit is told that a unit head asks for a later due date."""
    return sent(lambda: _pending_extension(f), f("django_capture_on_commit_callbacks"))


def extension_answered(f) -> list[EmailMessage]:
    """The unit head who asked is told HR's answer."""
    capture = f("django_capture_on_commit_callbacks")
    with capture(execute=True):
        request = _pending_extension(f)
    return sent(
        lambda: grant_extension(
            request=request,
            granted_due_on=date(2026, 5, 30),
            answer="Hasta el fin de la licencia",
            by=f("hr_a"),
            now=timezone.now(),
        ),
        capture,
    )


# allauth


def email_confirmation_signup(f) -> list[EmailMessage]:
    return sent(
        lambda: f("client").post(reverse("account_signup"), SIGNUP),
        f("django_capture_on_commit_callbacks"),
    )


def email_confirmation(f) -> list[EmailMessage]:
    """An account not yet confirmed that logs in is sent the link again."""
    user = UserFactory(email="sin.confirmar@example.pe", verified=False)
    EmailAddress.objects.create(user=user, email=user.email, primary=True)
    return sent(
        lambda: logged_in(f("client"), user), f("django_capture_on_commit_callbacks")
    )


def account_already_exists(f) -> list[EmailMessage]:
    return sent(
        lambda: f("client").post(
            reverse("account_signup"), {**SIGNUP, "email": f("learner").email}
        ),
        f("django_capture_on_commit_callbacks"),
    )


def unknown_account(f) -> list[EmailMessage]:
    return sent(
        lambda: f("client").post(
            reverse("account_reset_password"), {"email": "nadie@example.pe"}
        ),
        f("django_capture_on_commit_callbacks"),
    )


def password_reset_key(f) -> list[EmailMessage]:
    return sent(
        lambda: f("client").post(
            reverse("account_reset_password"), {"email": f("learner").email}
        ),
        f("django_capture_on_commit_callbacks"),
    )


def password_reset(f) -> list[EmailMessage]:
    client = f("client")
    [message] = password_reset_key(f)
    form = client.get(link_path(message, "/password/reset/key/"), follow=True)
    new = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    return sent(
        lambda: client.post(form.redirect_chain[-1][0], new),
        f("django_capture_on_commit_callbacks"),
    )


def password_changed(f) -> list[EmailMessage]:
    client = logged_in(f("client"), f("learner"))
    data = {"oldpassword": PASSWORD, "password1": NEW_PASSWORD}
    return sent(
        lambda: client.post(
            reverse("account_change_password"), {**data, "password2": NEW_PASSWORD}
        ),
        f("django_capture_on_commit_callbacks"),
    )


def password_set(f) -> list[EmailMessage]:
    """People a trainer enrolled have no password until they choose one."""
    learner = f("learner")
    learner.set_unusable_password()
    learner.save()
    client = f("client")
    client.force_login(learner)
    new = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    return sent(
        lambda: client.post(reverse("account_set_password"), new),
        f("django_capture_on_commit_callbacks"),
    )


def _second_address(f):
    learner = f("learner")
    EmailAddress.objects.create(user=learner, email="rosa@otro.pe", verified=True)
    return logged_in(f("client"), learner)


def email_changed(f) -> list[EmailMessage]:
    client = _second_address(f)
    return sent(
        lambda: client.post(
            reverse("account_email"), {"email": "rosa@otro.pe", "action_primary": ""}
        ),
        f("django_capture_on_commit_callbacks"),
    )


def email_deleted(f) -> list[EmailMessage]:
    client = _second_address(f)
    return sent(
        lambda: client.post(
            reverse("account_email"), {"email": "rosa@otro.pe", "action_remove": ""}
        ),
        f("django_capture_on_commit_callbacks"),
    )


def login_code(f) -> list[EmailMessage]:
    """Asked for when confirming who one is by a code instead of the password."""
    client = f("client")
    client.force_login(f("learner"))
    return sent(
        lambda: client.post(
            reverse("account_request_reauthentication_code"),
            {"recipient": f("learner").email},
        ),
        f("django_capture_on_commit_callbacks"),
    )


def _with_authenticator_app(f):
    """Set up the app as a learner does; return her browser."""
    client = f("client")
    client.force_login(f("learner"))
    # allauth asks for the password again before adding an authenticator.
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.get(reverse("mfa_activate_totp"))
    code = current_totp_code(client.session[SECRET_SESSION_KEY])
    client.post(reverse("mfa_activate_totp"), {"code": code})
    return client


def totp_activated(f) -> list[EmailMessage]:
    return sent(
        lambda: _with_authenticator_app(f), f("django_capture_on_commit_callbacks")
    )


def totp_deactivated(f) -> list[EmailMessage]:
    client = _with_authenticator_app(f)
    return sent(
        lambda: client.post(reverse("mfa_deactivate_totp")),
        f("django_capture_on_commit_callbacks"),
    )


def recovery_codes_generated(f) -> list[EmailMessage]:
    client = _with_authenticator_app(f)
    return sent(
        lambda: client.post(reverse("mfa_generate_recovery_codes")),
        f("django_capture_on_commit_callbacks"),
    )


def built_by_allauth(template: str, **context) -> Callable:
    """E-mails this configuration never sends, rendered by allauth's adapter.

    Kept written for the site in case a setting turns them on.
    """

    def trigger(f) -> list[EmailMessage]:
        request = RequestFactory().get("/")
        request.user = f("learner")
        with allauth_context.request_context(request):
            adapter = get_adapter(request)
            before = len(mail.outbox)
            if template.startswith("mfa/"):
                adapter.send_notification_mail(template, f("learner"))
            else:
                adapter.send_mail(template, f("learner").email, context)
        return mail.outbox[before:]

    return trigger


# Wagtail's notices to the editorial team


def _review(f):
    """A page sent for review by an editor to the reviewers' group."""
    reviewers = Group.objects.create(name="Revisores de contenidos")
    GroupPagePermission.objects.create(
        group=reviewers,
        page=f("catalogue"),
        permission=Permission.objects.get(codename="publish_page"),
    )
    reviewer = UserFactory(email="revisora@example.pe", first_name="Olga")
    reviewer.groups.add(reviewers)
    UserFactory(email="admin@example.pe", first_name="Ada", is_superuser=True)
    task = GroupApprovalTask.objects.create(name="Revisión de la oficina")
    task.groups.add(reviewers)
    workflow = Workflow.objects.create(name="Revisión de contenidos")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    editor = UserFactory(email="editora@example.pe", first_name="Eva")
    page = f("course")
    page.save_revision(user=editor)
    return workflow, page, editor, reviewer


def _started(f) -> tuple[list[EmailMessage], WorkflowState, User]:
    workflow, page, editor, reviewer = _review(f)
    messages = sent(
        lambda: workflow.start(page, editor), f("django_capture_on_commit_callbacks")
    )
    return messages, page.current_workflow_state, reviewer


def workflow_state_submitted(f) -> list[EmailMessage]:
    messages, _state, _reviewer = _started(f)
    return messages


def task_state_submitted(f) -> list[EmailMessage]:
    messages, _state, reviewer = _started(f)
    assert [reviewer.email] in [message.to for message in messages]
    return messages


def workflow_state_approved(f) -> list[EmailMessage]:
    _messages, state, reviewer = _started(f)
    return sent(
        lambda: state.current_task_state.approve(user=reviewer),
        f("django_capture_on_commit_callbacks"),
    )


def workflow_state_rejected(f) -> list[EmailMessage]:
    _messages, state, reviewer = _started(f)
    messages = sent(
        lambda: state.current_task_state.reject(
            user=reviewer, comment="Falta la fecha de vigencia"
        ),
        f("django_capture_on_commit_callbacks"),
    )
    assert all("«Falta la fecha de vigencia»" in m.body for m in messages)
    return messages


def updated_comments(f) -> list[EmailMessage]:
    """Sent by the page editor when comments change: its own builder here."""
    _workflow, page, editor, reviewer = _review(f)
    before = len(mail.outbox)
    send_notification(
        [reviewer],
        "updated_comments",
        {
            "page": page,
            "editor": editor,
            "new_comments": [Comment(text="Revise el título & la fecha")],
            "resolved_comments": [],
            "deleted_comments": [],
            "replied_comments": [],
        },
    )
    return mail.outbox[before:]


# Template → (trigger, words of the Spanish subject).
EMAILS: dict[str, tuple[Callable, str]] = {
    "emails/invitation": (invitation, "Su invitación"),
    "emails/document_claimed": (document_claimed, "documento de identidad"),
    "emails/cohort_invitation": (cohort_invitation, "abra su cuenta"),
    "emails/company_review": (company_review, "representación"),
    "emails/company_invitation": (company_invitation, "le invita"),
    "emails/reminder": (reminder, "«Inducción»"),
    "emails/digest": (digest, "Capacitación obligatoria"),
    "emails/certificate_issued": (certificate_issued, "Su certificado"),
    "emails/renewal_open": (renewal_open, "ya puede renovarlo"),
    "emails/extension_requested": (extension_requested, "Prórroga solicitada"),
    "emails/extension_answered": (extension_answered, "Prórroga concedida"),
    "account/email/email_confirmation_signup": (
        email_confirmation_signup,
        "Confirme su correo",
    ),
    "account/email/email_confirmation": (email_confirmation, "Confirme su correo"),
    "account/email/account_already_exists": (
        account_already_exists,
        "Ya existe una cuenta",
    ),
    "account/email/unknown_account": (unknown_account, "No hay ninguna cuenta"),
    "account/email/password_reset_key": (password_reset_key, "nueva contraseña"),
    "account/email/password_reset": (password_reset, "fue reemplazada"),
    "account/email/password_changed": (password_changed, "fue cambiada"),
    "account/email/password_set": (password_set, "ya tiene contraseña"),
    "account/email/email_changed": (email_changed, "correo electrónico cambió"),
    "account/email/email_deleted": (email_deleted, "Se quitó un correo"),
    "account/email/login_code": (login_code, "código de acceso"),
    "account/email/password_reset_code": (
        built_by_allauth("account/email/password_reset_code", code="ABC123"),
        "Su código para elegir",
    ),
    "mfa/email/totp_activated": (totp_activated, "Segundo factor activado"),
    "mfa/email/totp_deactivated": (totp_deactivated, "Segundo factor desactivado"),
    "mfa/email/recovery_codes_generated": (
        recovery_codes_generated,
        "códigos de recuperación",
    ),
    "mfa/email/webauthn_added": (
        built_by_allauth("mfa/email/webauthn_added"),
        "Llave de seguridad añadida",
    ),
    "wagtailadmin/notifications/workflow_state_submitted": (
        workflow_state_submitted,
        "fue enviada a revisión",
    ),
    "wagtailadmin/notifications/task_state_submitted": (
        task_state_submitted,
        "espera su revisión",
    ),
    "wagtailadmin/notifications/workflow_state_approved": (
        workflow_state_approved,
        "fue aprobada",
    ),
    "wagtailadmin/notifications/workflow_state_rejected": (
        workflow_state_rejected,
        "le fue devuelta",
    ),
    "wagtailadmin/notifications/updated_comments": (
        updated_comments,
        "actualizó los comentarios",
    ),
    "mfa/email/webauthn_removed": (
        built_by_allauth("mfa/email/webauthn_removed"),
        "Llave de seguridad quitada",
    ),
}


def prose(text: str) -> str:
    """Return `text` without its addresses: links, e-mail and IP addresses."""
    return ADDRESS.sub(" ", URL.sub(" ", text))


def assert_written_for_the_site(message: EmailMessage) -> None:
    subject, body = message.subject, message.body
    assert subject.startswith("[Integridad Cajamarca] ")
    # Plain text: "Café <Jaén> & Hijos" as typed, never HTML-escaped.
    assert not re.search(r"&(amp|lt|gt|quot|#x?\w+);", subject + body), subject
    words = prose(f"{subject}\n{body}")
    assert not any(host in words for host in HOSTS), words
    assert not INFORMAL.findall(words), words
    assert not ENGLISH.findall(words), words
    assert SIGNATURE in body and f"Integridad Cajamarca · {SITE}" in body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert escape(SIGNATURE) in html
    for url in URL.findall(body):
        url = url.rstrip(".,;:)»")
        assert f'href="{escape(url)}"' in html, url


@pytest.mark.parametrize("template", sorted(EMAILS))
def test_every_email_is_written_for_this_site(template, request):
    trigger, subject = EMAILS[template]
    messages = trigger(request.getfixturevalue)
    assert any(subject in message.subject for message in messages), [
        message.subject for message in messages
    ]
    for message in messages:
        assert_written_for_the_site(message)


def test_every_email_template_has_a_trigger_here():
    """A new e-mail (ours, or allauth's after an upgrade) fails until added."""
    ours = {
        str(path.relative_to(TEMPLATES)).removesuffix("_subject.txt")
        for pattern in (
            "emails/*_subject.txt",
            "*/email/*_subject.txt",
            "wagtailadmin/notifications/*_subject.txt",
        )
        for path in TEMPLATES.glob(pattern)
    }
    libraries = {
        str(path.relative_to(root)).removesuffix("_subject.txt")
        for root, pattern in (
            (ALLAUTH_TEMPLATES, "account/email/*_subject.txt"),
            (ALLAUTH_TEMPLATES, "mfa/email/*_subject.txt"),
            (WAGTAIL_TEMPLATES, "wagtailadmin/notifications/*_subject.txt"),
        )
        for path in root.glob(pattern)
    }
    assert ours | libraries - NEVER_SENT == set(EMAILS)
    # Every e-mail of allauth and Wagtail is one of ours: theirs say "Hello
    # from <host>!" or mix tú and usted.
    assert libraries - NEVER_SENT <= ours


def test_the_html_part_escapes_what_people_typed_and_keeps_its_links():
    body = (
        "Hola:\n\nLa empresa <b>Café & Hijos</b> le invita.\n"
        "- Curso <uno>\n- Curso dos\n\nAbra este enlace:\n"
        "https://integridad.example.pe/a?b=1&c=2\n-- \nFirma"
    )
    html = to_html("Asunto <x>", body)
    assert "&lt;b&gt;Café &amp; Hijos&lt;/b&gt;" in html
    assert "<b>" not in html and "<uno>" not in html
    assert '<li style="margin:0 0 6px;">Curso &lt;uno&gt;</li>' in html
    assert 'href="https://integridad.example.pe/a?b=1&amp;c=2"' in html
    assert "<title>Asunto &lt;x&gt;</title>" in html
