"""The demo's staff accounts log in with the published second-factor secret."""

import json

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command
from django.urls import reverse

from lms.accounts.staff_security import must_use_mfa
from lms.demo.catalogue import (
    ACCOUNTS,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    current_totp_code,
)
from lms.demo.staff import INDUCTION_SLUG
from lms.models import User
from tests.lms.demo.test_seed_demo import COURSE

pytestmark = pytest.mark.django_db

TRAINERS = "formacion-formadores-integridad"
STAFF = {
    "formadora@demo.regioncajamarca.pe",
    "rrhh@demo.regioncajamarca.pe",
    "rrhh.social@demo.regioncajamarca.pe",
    "jefe.economico@demo.regioncajamarca.pe",
    "integridad@demo.regioncajamarca.pe",
    "editora@demo.regioncajamarca.pe",
    "admin@demo.regioncajamarca.pe",
}


@pytest.fixture
def seeded(settings, tmp_path, capsys):
    """The demo with its induction and trainer courses, so it has a trainer."""
    settings.DEBUG = True
    for slug, audience in ((INDUCTION_SLUG, "public_servants"), (TRAINERS, "trainers")):
        course = {**COURSE, "slug": slug, "audience": audience, "validity_months": 24}
        (tmp_path / f"{slug}.json").write_text(json.dumps(course), encoding="utf-8")
    call_command("seed_demo", courses_dir=tmp_path)
    call_command("seed_demo", courses_dir=tmp_path)  # idempotent
    return capsys.readouterr().out


def test_staff_accounts_get_the_published_secret_and_learners_none(seeded):
    with_app = set(
        Authenticator.objects.filter(type="totp").values_list("user__email", flat=True)
    )
    assert with_app == STAFF
    assert DEMO_TOTP_SECRET in seeded and "demo_totp_code" in seeded
    for account in ACCOUNTS:
        user = User.objects.get(email=account.email)
        assert must_use_mfa(user) == (account.email in STAFF), account.email


def test_a_demo_officer_logs_in_with_the_printed_code(seeded, client, capsys):
    with time_machine.travel("2026-11-23 09:00:00-05:00", tick=False):
        call_command("demo_totp_code")
        code = capsys.readouterr().out.strip()
        assert code == current_totp_code(DEMO_TOTP_SECRET)
        client.post(
            reverse("account_login"),
            {"login": "rrhh@demo.regioncajamarca.pe", "password": DEMO_PASSWORD},
        )
        response = client.post(reverse("mfa_authenticate"), {"code": code})
        assert response.url == reverse("lms:my_courses")
        assert client.get(reverse("wagtailadmin_home")).status_code == 200


def test_the_code_command_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo_totp_code")
