"""The dangerous actions, posted by each role: only the right one changes anything.

A GET of these pages is in the role matrix; here the POST itself is sent, with
a valid form, by every role. The right role's POST takes effect (so the form
would have worked); everyone else's is refused and nothing changes. No
answer, taken effect or refused, names staff beyond the role's units.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from operator import attrgetter

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate, CertificateExport, RevocationReason
from lms.models import (
    Assignment,
    Attendance,
    Cohort,
    Company,
    CompanyMember,
    ExtensionRequest,
    ExtraAttempt,
    OrganisationRole,
    Role,
    StaffMember,
    TrainerCertification,
)
from lms.staff.extension_requests import request_extension
from tests.factories import PASSWORD
from tests.lms.staff.test_staff_admin import edit_form, staff_form
from tests.lms.trainers.test_trainer_admin import approval_form
from tests.security.disclosure import hidden_people, shown
from tests.security.routes import Outcome, outcome
from tests.security.world import ROLES, World

pytestmark = pytest.mark.django_db

REFUSALS = frozenset({Outcome.REDIRECT_LOGIN, Outcome.DENIED, Outcome.NOT_FOUND})


@dataclass(frozen=True)
class Action:
    name: str
    url: Callable[[World], str]
    data: Callable[[World], dict]
    # What the action changes, read afresh from the database.
    state: Callable[[World], object]
    allowed: tuple[str, ...]
    # How the others are refused: by default without seeing the form at all.
    refused_with: frozenset[Outcome] = REFUSALS


def extension_request_a(w: World) -> ExtensionRequest:
    """Return a request of unit A's head for unit A's assignment, made once."""
    found = ExtensionRequest.objects.filter(assignment=w.assignment_a).first()
    return found or request_extension(
        assignment=w.assignment_a,
        requested_due_on=timezone.localdate() + timedelta(days=90),
        reason="Licencia",
        by=w.users["head_a"],
        now=timezone.now(),
    )


def later(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


ACTIONS = [
    Action(
        "revoke a certificate",
        lambda w: reverse("certificates_admin:revoke", args=[w.certificate.pk]),
        lambda w: {"reason": RevocationReason.FRAUD},
        lambda w: Certificate.objects.get(pk=w.certificate.pk).revoked_at,
        allowed=("admin",),
    ),
    Action(
        "approve a trainer",
        lambda w: reverse("lms_trainers:add"),
        lambda w: approval_form(w.candidate),
        lambda w: TrainerCertification.objects.count(),
        allowed=("admin",),
    ),
    Action(
        "record attendance",
        lambda w: reverse("attendance:session", args=[w.cohort.pk, w.session.pk]),
        lambda w: {"present": [w.participant.pk]},
        lambda w: Attendance.objects.filter(session=w.session).count(),
        allowed=("trainer",),
    ),
    Action(
        "record attendance in another trainer's cohort",
        lambda w: reverse(
            "attendance:session", args=[w.other_cohort.pk, w.other_session.pk]
        ),
        lambda w: {"present": [w.other_participant.pk]},
        lambda w: Attendance.objects.filter(session=w.other_session).count(),
        allowed=(),
    ),
    Action(
        "export every certificate's PDF",
        lambda w: reverse("certificate_exports:start"),
        lambda w: {},
        lambda w: CertificateExport.objects.count(),
        allowed=("admin",),
    ),
    Action(
        "invite a company member",
        lambda w: reverse("companies:invite", args=[w.company.ruc]),
        lambda w: {"email": "nuevo.colega@empresa.pe"},
        lambda w: CompanyMember.objects.count(),
        allowed=("representative",),
    ),
    *(
        Action(
            f"{verb} a company's representative",
            lambda w, action=action: reverse(
                f"lms_companies:{action}", args=[w.other_company.pk]
            ),
            lambda w: {
                "reason": "La vigencia no lo nombra",
                "legal_name": "X S.A.",
                "address": "Jr. Lima 1, Jaén",
            },
            lambda w: Company.objects.get(pk=w.other_company.pk).status,
            allowed=("admin",),
        )
        for verb, action in (
            ("approve", "approve"),
            ("reject", "reject"),
            ("correct and approve", "correct"),
        )
    ),
    Action(
        "upload a company's proof of representation",
        lambda w: reverse("companies:upload_proof", args=[w.other_company.ruc]),
        lambda w: {
            "proof_kind": "ficha_ruc",
            "proof": ContentFile(b"%PDF-1.7\n", name="ficha.pdf"),
        },
        lambda w: Company.objects.get(pk=w.other_company.pk).proof_kind,
        allowed=(),
    ),
    Action(
        "withdraw a trainer",
        lambda w: reverse("lms_trainers:withdraw", args=[w.cohort.trainer.pk]),
        lambda w: {"reason": "Dejó de dictar"},
        lambda w: TrainerCertification.objects.get(pk=w.cohort.trainer.pk).withdrawn_at,
        allowed=("admin",),
    ),
    Action(
        "re-issue a certificate",
        lambda w: reverse("certificates_admin:reissue", args=[w.certificate.pk]),
        lambda w: {},
        lambda w: Certificate.objects.count(),
        allowed=("admin",),
    ),
    Action(
        "grant a role over unit A",
        lambda w: reverse("lms_roles:add"),
        lambda w: {
            "user": w.users["learner"].pk,
            "role": Role.HR_OFFICER,
            "organisation": w.staff_a.unit.pk,
        },
        lambda w: OrganisationRole.objects.count(),
        allowed=("admin",),
    ),
    Action(
        "close a cohort's self-enrolment link",
        lambda w: reverse("cohorts:self_enrolment", args=[w.cohort.pk]),
        lambda w: {"open": "0"},
        lambda w: Cohort.objects.get(pk=w.cohort.pk).self_enrolment_open,
        allowed=("trainer",),
    ),
    Action(
        "add a staff member to unit A",
        lambda w: reverse("lms_staff:add"),
        lambda w: staff_form(w.staff_a.unit),
        lambda w: StaffMember.objects.count(),
        allowed=("hr_a", "admin"),
        # Unit B's officer may add staff, to unit B: the form refuses unit A
        # as a choice.
        refused_with=REFUSALS | {Outcome.OK},
    ),
    Action(
        "change a unit A staff record",
        lambda w: reverse("lms_staff:edit", args=[w.staff_a.pk]),
        lambda w: edit_form(w.staff_a, post="Gerente"),
        lambda w: StaffMember.objects.get(pk=w.staff_a.pk).post,
        allowed=("hr_a", "admin"),
    ),
    Action(
        "invite a unit A staff member to open an account",
        lambda w: reverse("lms_staff_invite", args=[w.staff_a.pk]),
        lambda w: {},
        lambda w: StaffMember.objects.get(pk=w.staff_a.pk).invited_at,
        allowed=("hr_a", "admin"),
    ),
    Action(
        "extend a unit A assignment",
        lambda w: reverse("lms_staff_extend", args=[w.staff_a.pk, w.assignment_a.pk]),
        lambda w: {"new_due_on": later(60), "reason": "Licencia"},
        lambda w: Assignment.objects.get(pk=w.assignment_a.pk).due_on,
        allowed=("hr_a", "admin"),
    ),
    Action(
        "waive a unit A assignment",
        lambda w: reverse("lms_staff_waive", args=[w.staff_a.pk, w.assignment_a.pk]),
        lambda w: {"reason": "Cesada antes del plazo"},
        lambda w: Assignment.objects.get(pk=w.assignment_a.pk).waived_at,
        allowed=("hr_a", "admin"),
    ),
    Action(
        "ask for an extension of a unit A assignment",
        lambda w: reverse(
            "lms_staff_request_extension", args=[w.staff_a.pk, w.assignment_a.pk]
        ),
        lambda w: {"requested_due_on": later(90), "reason": "Licencia"},
        lambda w: ExtensionRequest.objects.filter(assignment=w.assignment_a).count(),
        allowed=("head_a", "admin"),
    ),
    Action(
        "grant an extension asked for a unit A person",
        lambda w: reverse(
            "lms_extension_requests_grant", args=[extension_request_a(w).pk]
        ),
        lambda w: {"granted_due_on": later(90)},
        lambda w: Assignment.objects.get(pk=w.assignment_a.pk).due_on,
        allowed=("hr_a", "admin"),
    ),
    Action(
        "deny an extension asked for a unit A person",
        lambda w: reverse(
            "lms_extension_requests_deny", args=[extension_request_a(w).pk]
        ),
        lambda w: {"reason": "Sin sustento"},
        lambda w: ExtensionRequest.objects.get(assignment=w.assignment_a).status,
        allowed=("hr_a", "admin"),
    ),
    Action(
        "grant a unit A person another attempt",
        lambda w: reverse(
            "lms_staff_grant_attempt", args=[w.retaker.pk, w.retaker_enrolment.pk]
        ),
        lambda w: {"reason": "Estuvo con licencia médica"},
        lambda w: ExtraAttempt.objects.filter(enrolment=w.retaker_enrolment).count(),
        allowed=("hr_a", "admin"),
    ),
    Action(
        "grant anyone another attempt on the integrity office's page",
        lambda w: reverse("lms_extra_attempts_grant", args=[w.retaker_enrolment.pk]),
        lambda w: {"reason": "Caso revisado por la oficina"},
        lambda w: ExtraAttempt.objects.filter(enrolment=w.retaker_enrolment).count(),
        allowed=("admin",),
    ),
]


@pytest.mark.parametrize(
    ("action", "role"),
    [
        pytest.param(action, role, id=f"{action.name}-{role}")
        for action in ACTIONS
        for role in ROLES
    ],
)
def test_only_the_right_role_changes_anything(action, role, world, as_role):
    url = action.url(world)
    before = action.state(world)
    response = as_role(role).post(url, action.data(world))
    after = action.state(world)
    names = shown(response, hidden_people(world, role))
    assert not names, f"POST {url} as {role} shows {names}"
    if role in action.allowed:
        assert after != before, f"POST {url} as {role} changed nothing"
        return
    got = outcome(response)
    assert got in action.refused_with, f"POST {url} as {role} answered {got.name}"
    assert after == before, f"POST {url} as {role} changed {before!r} to {after!r}"


@pytest.mark.parametrize(
    ("report", "of_unit_a", "of_unit_b"),
    [
        ("completion", "staff_a.unit.name", "staff_b.unit.name"),
        (
            "assignments",
            "staff_a.person.document_number",
            "staff_b.person.document_number",
        ),
    ],
)
def test_an_hr_export_holds_only_the_officers_units(
    report, of_unit_a, of_unit_b, world, as_role
):
    """Unit B's officer downloads unit B's figures and people, never unit A's."""
    exported = as_role("hr_b").get(reverse(f"lms_report_{report}"), {"export": "csv"})
    text = b"".join(exported.streaming_content).decode()
    cells = {cell for row in csv.reader(io.StringIO(text)) for cell in row}
    assert exported.status_code == 200
    assert attrgetter(of_unit_b)(world) in cells
    assert attrgetter(of_unit_a)(world) not in cells


@pytest.mark.parametrize("role", ["anonymous", "learner", "representative", "trainer"])
def test_an_hr_export_is_refused_outside_the_admin(role, as_role):
    url = reverse("lms_report_completion")
    response = as_role(role).get(url, {"export": "csv"})
    assert outcome(response) == Outcome.REDIRECT_LOGIN
    assert "text/csv" not in response.get("Content-Type", "")


@pytest.mark.parametrize(
    ("login_url", "email_field"),
    [
        pytest.param("/accounts/login/", "login", id="allauth"),
        # Wagtail's login for private pages is Django's LoginView, which knows
        # nothing of the second factor; lms/urls.py redirects it.
        pytest.param(
            "/_util/login/",
            "username",
            id="wagtail-front-end",
        ),
    ],
)
def test_a_staff_password_alone_never_opens_the_admin(login_url, email_field, world):
    client = Client()
    email = world.users["hr_a"].email
    client.post(login_url, {email_field: email, "password": PASSWORD})
    response = client.get(reverse("lms_staff:index"))
    assert outcome(response) == Outcome.REDIRECT_LOGIN
