"""A certified trainer: her groups, a new cohort, its join QR, the roll call."""

from __future__ import annotations

import re
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from lms.models import Attendance, Cohort, Person, Province
from tests.e2e.conftest import TIMEOUT_MS, open_page
from tests.e2e.journeys.signing_in import WIDTH_IDS, WIDTHS, fits_the_screen, log_in
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    # The live server runs in another thread, so the data must be committed.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LIMA = ZoneInfo("America/Lima")
COHORT = "Inducción – Jaén, diciembre"


@pytest.fixture
def learner_known(db):
    """Someone the platform knows by her DNI, to be put on the list."""
    user = UserFactory(email="lucia@example.pe", first_name="Lucía", last_name="Tello")
    person = Person.objects.for_user(user)
    person.document_number = "41000001"
    person.save()
    return person


@pytest.mark.parametrize("viewport", WIDTHS, ids=WIDTH_IDS)
def test_the_trainer_creates_a_cohort_shows_its_qr_and_takes_the_roll(
    live_server, chromium, trainer, course, learner_known, viewport
):
    expect.set_options(timeout=TIMEOUT_MS)
    # Noon in Lima: the 09:00 session has taken place, so it can be recorded.
    noon = datetime.combine(timezone.localdate(), time(12), tzinfo=LIMA)
    today = noon.date().isoformat()
    with time_machine.travel(noon, tick=True):
        page = open_page(chromium, live_server.url, viewport=viewport)
        page.goto(live_server.url + "/formador/")
        log_in(page, live_server.url, trainer.person.user.email, second_factor=True)

        # Mis grupos: none yet.
        expect(page.get_by_role("heading", name="Mis grupos")).to_be_visible()
        assert fits_the_screen(page)
        page.get_by_role("link", name="Nuevo grupo").click()

        # A cohort in person, in Jaén, with one session this morning.
        page.locator("select[name=course]").select_option(label=course.title)
        page.locator("input[name=name]").fill(COHORT)
        page.get_by_label("Presencial").check()
        page.locator("select[name=province]").select_option(Province.JAEN)
        page.locator("input[name=district]").fill("Jaén")
        page.locator("input[name=venue]").fill("Auditorio UNJ")
        page.locator("input[name=partner_institution]").fill("UNJ")
        page.locator("input[name=capacity]").fill("30")
        page.locator("input[name=starts_on]").fill(today)
        page.locator("input[name=ends_on]").fill(today)
        page.locator("input[name='sessions-0-starts_at']").fill(f"{today}T09:00")
        page.locator("input[name='sessions-0-minutes']").fill("120")
        page.locator("input[name='sessions-0-topic']").fill("El Código de Ética")
        page.get_by_role("button", name="Guardar el grupo").click()

        expect(page.get_by_role("heading", level=1)).to_have_text(COHORT)
        cohort = Cohort.objects.get(name=COHORT)
        assert cohort.trainer == trainer
        # The link to join, shown as a QR code for the classroom.
        expect(page.locator("#join-link")).to_have_value(
            re.compile(f"^https?://.+/grupos/unirse/{cohort.join_token}/$")
        )
        page.get_by_role("link", name="Mostrar el código QR").click()
        expect(
            page.get_by_role("img", name="Código QR del enlace para unirse al grupo")
        ).to_be_visible()
        expect(page.locator(".qr-link")).to_contain_text(
            f"/grupos/unirse/{cohort.join_token}/"
        )
        page.get_by_role("link", name="Volver al grupo").click()

        # Lucía, known by her DNI, is put on the list.
        page.get_by_label("Pegue la lista").fill("dni\n41000001")
        page.get_by_role("button", name="Revisar la lista").click()
        expect(page.locator("main")).to_contain_text(
            "Al confirmar, se inscribirá a 1 persona"
        )
        expect(page.locator("main")).to_contain_text("DNI *****001")
        page.get_by_role("button", name="Confirmar e inscribir").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(COHORT)
        expect(page.locator("main")).to_contain_text("Lucía Tello")

        # The roll call of this morning's session, on her phone or laptop.
        page.get_by_role("link", name="Tomar asistencia").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Asistencia, sesión 1"
        )
        page.get_by_label("Lucía Tello").check()
        assert fits_the_screen(page)
        page.get_by_role("button", name="Guardar asistencia").click()
        expect(page.locator("main")).to_contain_text(
            "Se guardó la asistencia de la sesión 1."
        )
        expect(page.locator(".cohort-attendance")).to_contain_text("1 de 1 presentes")
        assert Attendance.objects.filter(
            session__cohort=cohort, participant__person=learner_known, present=True
        ).exists()
