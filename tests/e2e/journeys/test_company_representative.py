"""A company's representative: registers it, waits, is approved, invites."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from lms.companies.registration import approve_company
from lms.models import Company, Person
from tests.e2e.conftest import TIMEOUT_MS, open_page
from tests.e2e.journeys.signing_in import WIDTH_IDS, WIDTHS, fits_the_screen, log_in
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    # The live server runs in another thread, so the data must be committed.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LEGAL_NAME = "Cafés Especiales de Jaén S.A.C."
# A one-page PDF standing for the firm's ficha RUC.
FICHA_RUC = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture
def representative(db):
    user = UserFactory(
        email="gerencia@cafesjaen.pe", first_name="María Isabel", last_name="Rojas"
    )
    person = Person.objects.for_user(user)
    person.document_number = "46543210"
    person.save()
    return user


@pytest.mark.parametrize("viewport", WIDTHS, ids=WIDTH_IDS)
def test_she_registers_her_company_is_approved_and_invites_a_colleague(
    live_server, chromium, representative, integrity_officer, viewport
):
    expect.set_options(timeout=TIMEOUT_MS)
    mail.outbox.clear()
    page = open_page(chromium, live_server.url, viewport=viewport)
    log_in(page, live_server.url, representative.email, second_factor=False)

    # From the public registry to the registration form.
    page.goto(live_server.url + "/empresas/")
    page.get_by_role("link", name="Registre su empresa").click()
    expect(page.get_by_role("heading", name="Registre su empresa")).to_be_visible()
    page.locator("input[name=ruc]").fill("20601234565")
    page.get_by_label("Razón social").fill(LEGAL_NAME)
    page.get_by_label("Dirección").fill("Av. Pakamuros 845, Jaén")
    page.get_by_label("Ficha RUC (SUNAT)").check()
    page.get_by_label("Documento").set_input_files(
        {"name": "ficha-ruc.pdf", "mimeType": "application/pdf", "buffer": FICHA_RUC}
    )
    page.get_by_role("button", name="Registrar la empresa").click()

    # Her company's page says it waits for the integrity office.
    expect(page.get_by_role("heading", level=1)).to_have_text(LEGAL_NAME)
    expect(page.locator(".messages, .message").first).to_contain_text(
        "quedó registrada y en revisión"
    )
    expect(page.locator("#representacion")).to_contain_text("En revisión")
    assert fits_the_screen(page)

    # The integrity officer approves it.
    approve_company(
        company=Company.objects.get(ruc="20601234565"),
        by=integrity_officer,
        now=timezone.now(),
    )

    # She is told by e-mail, and her page no longer says it is in review.
    [approval] = [m for m in mail.outbox if m.to == [representative.email]]
    assert f"{LEGAL_NAME}: su representación fue aprobada" in approval.subject
    page.reload()
    expect(page.locator("main")).not_to_contain_text("En revisión")
    expect(page.get_by_role("heading", name="Sus colegas")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Aún no ha invitado a nadie.")

    # She invites a colleague to the business course.
    page.get_by_label("Correo de su colega").fill("contabilidad@cafesjaen.pe")
    page.get_by_role("button", name="Invitar al curso para empresas").click()
    expect(page.locator("main")).to_contain_text(
        "Se envió una invitación a contabilidad@cafesjaen.pe."
    )
    expect(page.locator("main")).to_contain_text(
        "contabilidad@cafesjaen.pe · invitado(a), aún no se ha unido"
    )
    assert fits_the_screen(page)
    [invitation] = [m for m in mail.outbox if m.to == ["contabilidad@cafesjaen.pe"]]
    assert LEGAL_NAME in invitation.body
    assert "/empresas/unirse/" in invitation.body
