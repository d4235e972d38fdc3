"""An editor changes a lesson; the integrity officer approves it; it is published.

Every screen is in Spanish: each is checked with the English detector of
tests/test_spanish_pages.py.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from courses.models import LessonPage
from tests.e2e.conftest import DESKTOP, open_page
from tests.factories import PASSWORD, UserFactory, totp_code, with_mfa
from tests.test_spanish_pages import english_words

pytestmark = [
    pytest.mark.browser,
    # The live server runs in another thread, so the data must be committed.
    # serialized_rollback restores the data migrations (Wagtail's root page,
    # the default site, the workflow) should an earlier transactional test
    # have flushed them.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NEW_TITLE = "Lección uno: conflictos de intereses"
PHONE_375 = {"width": 375, "height": 740}


def in_spanish(page) -> None:
    """Assert the text on screen (hidden dialogs aside) holds no English."""
    shown = page.locator("body").inner_text().splitlines()
    leaks = [line for line in shown if english_words(line)]
    assert not leaks, f"{page.url}: {leaks}"


def test_an_edit_is_reviewed_approved_and_published(
    live_server, chromium, course, lessons, integrity_officer
):
    editor = with_mfa(UserFactory(email="editora@example.pe", first_name="Elena"))
    editor.groups.add(Group.objects.get(name="Editores"))
    officer = integrity_officer
    officer.groups.add(Group.objects.get(name="Oficina de integridad"))
    lesson = lessons[0]

    # The editor edits the lesson and is told what happens next.
    page = open_page(chromium, live_server.url, user=editor, viewport=DESKTOP)
    page.goto(live_server.url + reverse("wagtailadmin_pages:edit", args=[lesson.pk]))
    expect(
        page.get_by_text("La oficina de integridad recibe un correo")
    ).to_be_visible()
    in_spanish(page)
    page.locator("#id_title").fill(NEW_TITLE)
    page.get_by_role("button", name="Más acciones").click()
    page.get_by_role("button", name="Enviar a Revisión de contenidos").click()
    expect(
        page.get_by_text("La oficina de integridad ha sido avisada por correo")
    ).to_be_visible()
    in_spanish(page)
    [notice] = [m for m in mail.outbox if officer.email in m.to]
    assert notice.subject.endswith("» espera su revisión")

    # The integrity officer signs in with the second factor and sees it.
    page = open_page(chromium, live_server.url, viewport=DESKTOP)
    page.goto(live_server.url + reverse("wagtailadmin_home"))
    page.get_by_label("Correo electrónico").fill(officer.email)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    page.get_by_label("Código").fill(totp_code())
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url(live_server.url + reverse("wagtailadmin_home"))
    review = page.locator("section", has_text="Esperando su revisión")
    expect(review.get_by_text(NEW_TITLE)).to_be_visible()
    in_spanish(page)

    # Approves it: the lesson is published with its new title.
    review.get_by_role("button", name="Acciones").click()
    review.get_by_role("button", name="Aprobar", exact=True).click()
    expect(page.get_by_text(NEW_TITLE)).to_have_count(0)
    in_spanish(page)
    lesson = LessonPage.objects.get(pk=lesson.pk)
    assert (
        lesson.live and lesson.title == NEW_TITLE and not lesson.has_unpublished_changes
    )

    # Anyone sees it in the course's outline, on a phone too.
    page = open_page(chromium, live_server.url, viewport=PHONE_375)
    page.goto(live_server.url + course.url)
    expect(page.get_by_text(NEW_TITLE)).to_be_visible()
    menu = page.get_by_role("button", name="Menú")
    expect(page.get_by_role("link", name="Verificar certificado")).to_be_hidden()
    menu.click()
    expect(page.get_by_role("link", name="Verificar certificado")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    in_spanish(page)
