"""The integrity officer's first hour: the admin, her pages, a company approved."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import expect

from lms.companies.registration import register_company
from lms.models import Company, Person, ProofKind
from tests.e2e.conftest import TIMEOUT_MS, open_page
from tests.e2e.journeys.signing_in import WIDTH_IDS, WIDTHS, log_in
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    # The live server runs in another thread, so the data must be committed.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PROOF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def company_in_review(db):
    user = UserFactory(email="gerencia@cafesjaen.pe", first_name="María")
    person = Person.objects.for_user(user)
    person.document_number = "46543210"
    person.save()
    return register_company(
        user=user,
        ruc="20601234565",
        legal_name="Cafés Especiales de Jaén S.A.C.",
        address="Av. Pakamuros 845, Jaén",
        proof=ContentFile(PROOF, name="ficha-ruc.pdf"),
        proof_kind=ProofKind.RUC_RECORD,
        now=timezone.now(),
    )


@pytest.mark.parametrize("viewport", WIDTHS, ids=WIDTH_IDS)
def test_the_officer_signs_in_reviews_her_pages_and_approves_a_company(
    live_server, chromium, integrity_officer, company_in_review, viewport
):
    expect.set_options(timeout=TIMEOUT_MS)
    page = open_page(chromium, live_server.url, viewport=viewport)

    # Her password is not enough: the admin asks for the app's code.
    page.goto(live_server.url + "/admin/")
    log_in(page, live_server.url, integrity_officer.email, second_factor=True)
    page.wait_for_url(live_server.url + "/admin/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Integridad Cajamarca")
    # Her menu leads to what only she does.
    for label in ("Empresas", "Intentos adicionales", "Formadores certificados"):
        expect(page.locator("#wagtail-sidebar")).to_contain_text(label)

    page.goto(live_server.url + "/admin/intentos-adicionales/")
    expect(page.get_by_role("heading", name="Intentos adicionales")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Nadie se ha quedado sin intentos.")

    # The public figures she answers for.
    page.goto(live_server.url + "/transparencia/")
    expect(page.get_by_role("heading", name="Integridad en cifras")).to_be_visible()

    # The company waiting for her, then approved with its proof in view.
    page.goto(live_server.url + "/admin/empresas/")
    row = page.get_by_role("row").filter(has_text="Cafés Especiales de Jaén")
    expect(row).to_contain_text("20601234565")
    expect(row).to_contain_text("En revisión")
    row.get_by_role("button").first.click()
    row.get_by_role("link", name="Aprobar", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Aprobar")
    expect(page.locator("main")).to_contain_text("Prueba de representación")
    page.get_by_role("button", name="Aprobar").click()
    expect(page.locator(".messages")).to_contain_text("Cafés Especiales de Jaén S.A.C.")
    company = Company.objects.get(pk=company_in_review.pk)
    assert company.is_approved
    assert company.reviewed_by == integrity_officer
