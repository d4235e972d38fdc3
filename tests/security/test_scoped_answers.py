"""Answers to POSTs, previews and error messages, asked by every role.

A form's error, an import's preview or a list's check is a data path like
any page: it must tell each role only what the role may see, and a form or
import must change no one beyond the role's reach. Each case posts, as
every role, a document that belongs to someone else (another unit's
employee, a citizen with an account, a company's representative) and
checks that the answer names none of them and that nothing changed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from lms.models import Person, StaffMember, User
from lms.staff import invitations
from tests.factories import PASSWORD, UserFactory
from tests.lms.staff.test_staff_admin import edit_form, staff_form
from tests.security.disclosure import body
from tests.security.routes import Outcome, outcome
from tests.security.world import ROLES, World

pytestmark = pytest.mark.django_db

T = TypeVar("T")

# Where each role would put a new staff record: its own unit, or unit B.
OWN_UNIT = {"hr_a": "staff_a"}


@dataclass(frozen=True)
class Target:
    """Someone whose document a role types, and what must stay hidden of them."""

    name: str
    person: Callable[[World], Person]
    # Roles that reach the person's record, so may see and change it.
    reached_by: tuple[str, ...]
    # Whether the person already has a staff record (of unit A).
    is_staff: bool = False


TARGETS = [
    Target("unit A's employee", lambda w: w.staff_a.person, ("hr_a", "admin"), True),
    Target("a citizen with an account", lambda w: w.certificate.person, ("admin",)),
    Target(
        "a company's representative", lambda w: w.company.representative, ("admin",)
    ),
]
CITIZENS = [target for target in TARGETS if not target.is_staff]


def fresh(obj: T) -> T:
    """Return the object as stored now: the world's own copies are never changed."""
    return type(obj).objects.get(pk=obj.pk)


def identity(person: Person) -> tuple:
    """Return what a form or import must not change of someone beyond reach."""
    person = fresh(person)
    record = StaffMember.objects.filter(person=person).values_list("unit", "email")
    return (person.first_names, person.last_names, person.user_id, list(record))


def unit_of(world: World, role: str):
    return getattr(world, OWN_UNIT.get(role, "staff_b")).unit


@pytest.mark.parametrize(
    ("target", "role"),
    [
        pytest.param(target, role, id=f"{target.name}-{role}")
        for target in TARGETS
        for role in ROLES
    ],
)
def test_a_staff_form_takes_and_names_no_one_beyond_the_role(
    target, role, world, as_role
):
    """Typing someone's document in a new staff record under other names."""
    person = target.person(world)
    before = identity(person)
    hidden = [person.last_names, *([world.staff_a.unit.name] * target.is_staff)]
    form = staff_form(
        unit_of(world, role),
        document_number=person.document_number,
        first_names="Intrusa",
        last_names="Suplantada",
    )
    response = as_role(role).post(reverse("lms_staff:add"), form)
    after = identity(person)
    if role == "admin" and not target.is_staff:
        # The integrity officer may correct anyone's identity.
        assert after[:2] == ("Intrusa", "Suplantada")
        return
    assert after == before, f"{role} changed {target.name}: {before} to {after}"
    if role not in target.reached_by:
        shown = [text for text in hidden if text in body(response)]
        assert not shown, f"{role}'s answer shows {shown}"


@pytest.mark.parametrize("role", ["hr_a", "hr_b"])
def test_hr_links_an_account_holder_under_their_own_names_only(role, world, as_role):
    """The right names link the person; HR's spelling does not overwrite them."""
    person = fresh(world.certificate.person)
    form = staff_form(
        unit_of(world, role),
        document_number=person.document_number,
        first_names=person.first_names.upper(),
        last_names=person.last_names.lower(),
    )
    as_role(role).post(reverse("lms_staff:add"), form)
    assert StaffMember.objects.get(person=person).unit == unit_of(world, role)
    assert fresh(person).last_names == person.last_names


def test_a_staff_form_cannot_rename_an_account_holder_by_their_record(world, as_role):
    """HR edits its employee's record, not the names they gave their account."""
    staff = fresh(world.staff_a)
    staff.person.user = UserFactory()
    staff.person.save(update_fields=["user"])
    form = edit_form(staff, last_names="Otro Apellido")
    response = as_role("hr_a").post(reverse("lms_staff:edit", args=[staff.pk]), form)
    assert outcome(response) == Outcome.OK
    assert identity(staff.person)[1] == "Alfaro Prado"


def staff_file(*rows: str) -> SimpleUploadedFile:
    header = (
        "dni,nombres,apellidos,correo,codigo_unidad,cargo,regimen,"
        "fecha_ingreso,fecha_cese,es_directivo"
    )
    return SimpleUploadedFile("personal.csv", "\n".join([header, *rows]).encode())


def import_row(world: World, person: Person, **cells: str) -> str:
    hired = (timezone.localdate() - timedelta(days=1)).strftime("%d/%m/%Y")
    values = {
        "first_names": person.first_names,
        "last_names": person.last_names,
        "email": "nuevo.correo@regioncajamarca.gob.pe",
        "unit": world.staff_b.unit.code,
    } | cells
    return (
        f"{person.document_number},{values['first_names']},{values['last_names']},"
        f"{values['email']},{values['unit']},Analista,CAS,{hired},,no"
    )


@pytest.mark.parametrize("role", ROLES)
def test_an_import_preview_shows_no_former_record_of_another_unit(role, world, as_role):
    """A former employee of unit A, rehired by a file: the file's values only."""
    former = fresh(world.staff_a)
    former.left_on = timezone.localdate() - timedelta(days=10)
    former.save(update_fields=["left_on"])
    before = identity(former.person)
    upload = staff_file(import_row(world, former.person))
    response = as_role(role).post(reverse("lms_staff_import"), {"file": upload})
    assert identity(former.person) == before
    if role == "admin":
        return
    shown = [
        text
        for text in (former.email, former.unit.code, former.unit.name, former.post)
        if text in body(response)
    ]
    assert not shown, f"{role}'s preview shows {shown}"
    if role == "hr_b":
        assert "nuevo.correo@regioncajamarca.gob.pe" in body(response)


def import_file(client, row: str) -> str:
    """Upload a one-row file and confirm it if the preview allows; return the text."""
    preview = client.post(reverse("lms_staff_import"), {"file": staff_file(row)})
    ticket = preview.context.get("ticket") if preview.context else None
    if not ticket:
        return body(preview)
    done = client.post(reverse("lms_staff_import_confirm"), {"ticket": ticket})
    return body(preview) + body(done)


@pytest.mark.parametrize("target", CITIZENS, ids=lambda target: target.name)
@pytest.mark.parametrize("role", ROLES)
def test_an_import_renames_no_one_and_names_no_one(role, target, world, as_role):
    """A file gives a citizen's document other names, and is confirmed."""
    person = target.person(world)
    before = identity(person)
    row = import_row(world, person, first_names="Intrusa", last_names="Suplantada")
    answered = import_file(as_role(role), row)
    if role == "admin":
        assert identity(person)[:2] == ("Intrusa", "Suplantada")
        return
    assert identity(person) == before, f"{role}'s import changed {target.name}"
    assert person.last_names not in answered


def test_an_import_links_an_account_holder_and_keeps_their_names(world, as_role):
    person = fresh(world.certificate.person)
    row = import_row(world, person, last_names=person.last_names.upper())
    client = as_role("hr_b")
    preview = client.post(reverse("lms_staff_import"), {"file": staff_file(row)})
    ticket = preview.context["ticket"]
    client.post(reverse("lms_staff_import_confirm"), {"ticket": ticket})
    assert StaffMember.objects.get(person=person).unit == world.staff_b.unit
    assert fresh(person).last_names == person.last_names


@pytest.mark.parametrize("role", ROLES)
def test_a_participant_list_turns_no_document_into_a_name(role, world, as_role):
    """A trainer types documents only: the check shows no name they did not type."""
    strangers = [fresh(world.certificate.person), fresh(world.staff_b.person)]
    # The participant joined by the link, with an account that has no document.
    own = fresh(world.participant.person)
    own.document_number = "47777777"
    own.save(update_fields=["document_number"])
    pasted = "\n".join(p.document_number for p in [*strangers, own])
    url = reverse("cohorts:add_participants", args=[world.cohort.pk])
    before = [identity(person) for person in strangers]
    response = as_role(role).post(url, {"pasted": pasted})
    assert [identity(person) for person in strangers] == before
    shown = [p.last_names for p in strangers if p.last_names in body(response)]
    assert not shown, f"{role}'s list check shows {shown}"
    if role == "trainer":
        # The trainer's own participant is named: the trainer knows them.
        assert own.last_names in body(response)


def test_an_invitation_opens_only_for_the_address_it_was_sent_to(world, as_role):
    """HR invites to its own address and puts the employee's back: the link dies."""
    staff = fresh(world.staff_a)
    genuine = staff.email
    hr = as_role("hr_a")
    edit = reverse("lms_staff:edit", args=[staff.pk])
    hr.post(edit, edit_form(staff, email="rrhh.a.personal@example.pe"))
    hr.post(reverse("lms_staff_invite", args=[staff.pk]))
    staff.refresh_from_db()
    link = urlsplit(invitations.invitation_link(staff)).path
    hr.post(edit, edit_form(staff, email=genuine))
    as_role("anonymous").post(
        link, {"new_password1": PASSWORD, "new_password2": PASSWORD}
    )
    staff.person.refresh_from_db()
    assert staff.person.user is None
    assert not User.objects.filter(email=genuine).exists()


def test_a_linked_employees_account_keeps_its_address(world, as_role):
    """Changing the record's email moves no login, and invites nobody in."""
    staff = fresh(world.staff_a)
    user = UserFactory(email="alfaro@example.pe")
    staff.person.user = user
    staff.person.save(update_fields=["user"])
    hr = as_role("hr_a")
    edit = reverse("lms_staff:edit", args=[staff.pk])
    hr.post(edit, edit_form(staff, email="rrhh.a.personal@example.pe"))
    hr.post(reverse("lms_staff_invite", args=[staff.pk]))
    user.refresh_from_db()
    staff.refresh_from_db()
    assert user.email == "alfaro@example.pe"
    assert staff.invited_at is None
    assert not any("rrhh.a.personal" in message.to[0] for message in mail.outbox)


SIGNUP = {
    "first_name": "Curiosa",
    "last_name": "Desconocida",
    "document_type": "1",
    "password1": PASSWORD,
    "password2": PASSWORD,
    "privacy_consent": "on",
}


def signup_answer(client, number: str, email: str) -> tuple:
    """Return what a stranger sees of a sign-up: the answer and their own mail."""
    mail.outbox.clear()
    response = client.post(
        reverse("account_signup"),
        {**SIGNUP, "document_number": number, "email": email},
    )
    theirs = [
        # The username allauth makes up from the names is numbered apart.
        re.sub(r"https?://\S+|curiosa\d*", "…", message.body)
        for message in mail.outbox
        if email in message.to
    ]
    return (response.status_code, response.get("Location"), theirs)


def test_sign_up_answers_alike_for_any_document(
    world, as_role, django_capture_on_commit_callbacks
):
    """A stranger cannot tell a free DNI from one with an account or a staff record."""
    taken = {
        "account": world.certificate.person,
        "staff": world.staff_a.person,
        "representative": world.company.representative,
    }
    before = {name: identity(person) for name, person in taken.items()}
    numbers = {name: person.document_number for name, person in taken.items()}
    answers = {}
    for name, number in {**numbers, "free": "48888888"}.items():
        with django_capture_on_commit_callbacks(execute=True):
            email = f"curiosa.{name}@example.pe"
            answers[name] = signup_answer(as_role("anonymous"), number, email)
    assert answers["free"][1] == reverse("account_email_verification_sent")
    differing = {name: a for name, a in answers.items() if a != answers["free"]}
    assert not differing, f"{differing} differ from {answers['free']}"
    assert {name: identity(p) for name, p in taken.items()} == before


def test_password_reset_answers_alike_for_any_address(world, as_role):
    url = reverse("account_reset_password")
    known = as_role("anonymous").post(url, {"email": "rosa@example.pe"})
    unknown = as_role("anonymous").post(url, {"email": "nadie@example.pe"})
    assert (known.status_code, known.get("Location")) == (
        unknown.status_code,
        unknown.get("Location"),
    )


def test_a_trainer_cannot_open_a_known_persons_account_at_their_own_address(
    world, as_role
):
    """A staff record without an email: the list's address would take the person."""
    staff = fresh(world.staff_b)
    staff.email = ""
    staff.save(update_fields=["email"])
    person = staff.person
    pasted = f"{person.document_number},Rosa,Ruiz,formadora.personal@example.pe"
    trainer = as_role("trainer")
    url = reverse("cohorts:add_participants", args=[world.cohort.pk])
    response = trainer.post(url, {"pasted": pasted})
    ticket = response.context.get("ticket") if response.context else None
    if ticket:
        confirm = reverse("cohorts:confirm_participants", args=[world.cohort.pk])
        trainer.post(confirm, {"ticket": ticket})
    assert fresh(person).user is None
    assert not User.objects.filter(email="formadora.personal@example.pe").exists()
