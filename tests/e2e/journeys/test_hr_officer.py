"""An HR officer's first hour in the admin, in a real browser at 1280 and 375 px.

The dashboard of their units, a person's page, an import and the people it
touched, a report and its CSV export, which Excel must open as UTF-8.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, open_page
from tests.factories import hire

NOON_IN_LIMA = datetime(2026, 5, 4, 12, tzinfo=ZoneInfo("America/Lima"))
PHONE = {"width": 375, "height": 740}
BOM = b"\xef\xbb\xbf"
STAFF_FILE = (
    b"dni,nombres,apellidos,correo,codigo_unidad,cargo,regimen,"
    b"fecha_ingreso,fecha_cese,es_directivo\n"
    b"41234567,Gladys Marleny,Cortegana Aquino,gcortegana@regioncajamarca.gob.pe,"
    b"GRDS,Analista,CAS,02/05/2026,,no\n"
)

pytestmark = [
    pytest.mark.browser,
    # The live server runs in another thread, so the data must be committed.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def fits(page, viewport: dict) -> None:
    """Assert nothing sticks out of the screen sideways."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "375px"])
def test_an_hr_officer_checks_imports_reports_and_exports(
    live_server, chromium, units, induction, hr_a, viewport
):
    with time_machine.travel(NOON_IN_LIMA, tick=True):
        today = NOON_IN_LIMA.date()
        hire(units["a"], "Teodoro", "Tardío Mego", date(2026, 3, 2), assigned_on=today)
        hire(
            units["a1"], "Sonia", "Sinasignar Ruiz", date(2026, 4, 30), assigned_on=None
        )
        hire(units["b"], "Bruno", "Ajeno Paz", date(2026, 3, 2), assigned_on=today)
        home = live_server.url + "/admin/"
        page = open_page(
            chromium,
            live_server.url,
            user=hr_a,
            viewport=viewport,
            accept_downloads=True,
        )

        # The landing page: what needs doing in her units, and nothing else's.
        page.goto(home)
        panel = page.locator("#hr-dashboard-section")
        expect(
            panel.get_by_role("heading", name="Personal de sus unidades")
        ).to_be_visible()
        expect(panel).to_contain_text("Teodoro Tardío Mego")
        expect(panel).to_contain_text("Sonia Sinasignar Ruiz")
        expect(panel).not_to_contain_text("Bruno")
        fits(page, viewport)

        # The person page: buttons that say what they do, icons at text size.
        panel.get_by_role("link", name="Teodoro Tardío Mego").click()
        edit = page.get_by_role("link", name="Editar ficha")
        expect(edit).to_be_visible()
        icon = edit.locator("svg").bounding_box()
        assert icon["width"] <= 20 and icon["height"] <= 20
        assert edit.bounding_box()["height"] < 60
        expect(
            page.get_by_role("link", name="Historial de capacitación (PDF)")
        ).to_be_visible()
        fits(page, viewport)

        # An import, then the people it touched.
        page.goto(home)
        panel.get_by_role("link", name="Importar personal").click()
        expect(page.get_by_role("link", name="Plantilla (Excel)")).to_be_visible()
        page.locator("input[type=file]").set_input_files(
            files=[
                {"name": "planilla.csv", "mimeType": "text/csv", "buffer": STAFF_FILE}
            ]
        )
        page.get_by_role("button", name="Vista previa de la importación").click()
        expect(page.locator("main")).to_contain_text("Cortegana Aquino")
        page.get_by_role("button", name="Confirmar importación").click()
        page.get_by_role("link", name="Ver a las personas afectadas").click()
        listing = page.locator("main")
        expect(listing).to_contain_text("Gladys Marleny Cortegana Aquino")
        expect(listing).not_to_contain_text("Tardío")
        fits(page, viewport)

        page.goto(home)
        expect(panel).to_contain_text("planilla.csv")
        expect(panel).to_contain_text("1 persona de sus unidades afectada")

        # A report: regimes by name, names whole, the table scrolling inside.
        panel.get_by_role("link", name="Capacitación vencida").last.click()
        main = page.locator("main")
        expect(main).to_contain_text("Teodoro Tardío Mego")
        expect(main).to_contain_text("CAS (D.Leg. 1057)")
        name = page.get_by_role("link", name="Teodoro Tardío Mego")
        assert name.bounding_box()["width"] >= 120  # two words a line, not one letter
        fits(page, viewport)

        # Its CSV export: the download starts with the mark Excel reads as UTF-8.
        page.get_by_role("button", name="Acciones").click()
        with page.expect_download() as download:
            page.get_by_role("link", name="Descargar CSV").click()
        data = Path(download.value.path()).read_bytes()
        assert data.startswith(BOM)
        assert "Teodoro Tardío Mego" in data.decode("utf-8")
