"""The site menu: public links for everyone, personal ones by the person's roles."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lms.accounts.navigation import MENU_MAX_AGE, menu_for
from lms.models import CompanyMember, Person, Role
from tests.factories import (
    UserFactory,
    approved_company,
    grant,
    organisation,
    with_mfa,
)

pytestmark = pytest.mark.django_db

LIMA = ZoneInfo("America/Lima")

PUBLIC = ["Cursos", "Verificar certificado", "Empresas", "Formadores", "Transparencia"]


def menu_of(client) -> list[str]:
    """Return the texts of the header's links and buttons, the menu's first."""
    html = client.get("/verificar/").content.decode()
    header = re.search(r"<header.*?</header>", html, re.S).group(0)
    nav = re.search(r'<nav class="site-nav".*?</nav>', header, re.S).group(0)
    nav += re.search(r'<div class="header-actions">.*?</div>', header, re.S).group(0)
    return [
        text.strip()
        for text in re.findall(r"<(?:a|button)[^>]*>([^<]+)</(?:a|button)>", nav)
    ]


def test_a_visitor_sees_the_public_links_and_how_to_sign_in(client):
    assert menu_of(client) == [*PUBLIC, "Ingresar", "Crear cuenta", "Menú"]


def test_a_learner_sees_her_courses_certificates_and_account(learner_client):
    assert menu_of(learner_client) == [
        *PUBLIC,
        "Mis cursos",
        "Mis certificados",
        "Mi cuenta",
        "Salir",
        "Menú",
    ]
    assert (
        '<a href="/mi-cuenta/">Mi cuenta</a>'
        in learner_client.get("/verificar/").content.decode()
    )


def test_a_company_representative_and_a_member_see_their_company(client, learner):
    representative = Person.objects.for_user(learner)
    company = approved_company(
        ruc="20123456789",
        legal_name="Agro Jaén",
        address="Jr. Lima 1",
        representative=representative,
    )
    colleague = UserFactory(email="colega@example.pe")
    CompanyMember.objects.create(
        company=company,
        email=colleague.email,
        invited_at=company.reviewed_at,
        invited_by=learner,
        person=Person.objects.for_user(colleague),
        joined_at=company.reviewed_at,
    )
    for user in (learner, colleague):
        client.force_login(user)
        html = client.get("/verificar/").content.decode()
        assert "Mi empresa" in menu_of(client)
        assert 'href="/empresas/20123456789/"' in html


def test_a_trainer_sees_his_groups(client, trainer):
    client.force_login(trainer.person.user)
    assert "Mis grupos" in menu_of(client)
    assert "Administración" not in menu_of(client)


@pytest.mark.parametrize("who", ["hr_a", "unit_head_a", "integrity_officer"])
def test_staff_with_a_role_see_the_administration(client, request, who):
    client.force_login(request.getfixturevalue(who))
    menu = menu_of(client)
    assert "Administración" in menu and "Mi empresa" not in menu


def test_an_editor_with_admin_access_through_a_group_sees_the_administration(client):
    editors = Group.objects.create(name="Editores de prueba")
    editors.permissions.add(Permission.objects.get(codename="access_admin"))
    editor = with_mfa(UserFactory(email="editora@example.pe"))
    editor.groups.add(editors)
    client.force_login(editor)
    assert "Administración" in menu_of(client)


def test_the_menu_costs_one_query_whatever_the_roles(
    client, trainer, django_assert_num_queries
):
    """Every role is read at once, and only by pages that show the menu."""
    user = trainer.person.user
    grant(user, Role.UNIT_HEAD, organisation("U1", "Unidad uno"))
    with django_assert_num_queries(1):
        menu = menu_for(user)
    assert menu.trains and menu.administers and menu.company_ruc is None


def test_pages_read_the_menu_from_the_session(client, trainer):
    """The roles are read at sign-in: a page costs no query for the menu."""
    client.force_login(trainer.person.user)
    with CaptureQueriesContext(connection) as page:
        assert "Mis grupos" in menu_of(client)
    assert not [q for q in page.captured_queries if "company_ruc" in q["sql"]]


def test_a_role_granted_after_sign_in_shows_within_minutes(client, learner):
    signed_in = datetime(2026, 6, 1, 12, tzinfo=LIMA)
    with time_machine.travel(signed_in, tick=False):
        client.force_login(learner)
        grant(learner, Role.INTEGRITY_OFFICER)
        assert "Administración" not in menu_of(client)
    with time_machine.travel(signed_in + MENU_MAX_AGE + timedelta(seconds=1)):
        assert "Administración" in menu_of(client)


def test_favicon_ico_leads_to_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(".ico")
    html = client.get("/verificar/").content.decode()
    assert 'rel="icon"' in html and "favicon.svg" in html
