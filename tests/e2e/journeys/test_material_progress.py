"""A trainer asks for a course's material before it is built, and waits for it.

The task queue holds the build (no worker runs it) until the test, standing
in for the worker, builds it: meanwhile the page says which step is running,
then turns into the download links, with JavaScript and without it.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from lms.materials import editions
from lms.materials.models import MaterialEdition
from tests.e2e.conftest import DESKTOP, PHONE, open_page

pytestmark = [
    pytest.mark.browser,
    # The live server runs in another thread, so the data must be committed.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
WAITING = "Preparando el material… en espera de su turno."
STEP_TWO = "Preparando el material… paso 2 de 3 (guía del facilitador)."
READY = "El material está listo."


@pytest.fixture
def queue_without_worker(settings):
    """Tasks are recorded, never run: the build waits as behind a busy worker."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }


def test_the_material_page_follows_the_build_then_offers_the_download(
    transactional_db, live_server, cohort, chromium, queue_without_worker
):
    user = cohort.trainer.person.user
    zip_link = f'a[href="{reverse("materials:zip", args=[cohort.course.pk])}"]'
    page = open_page(chromium, live_server.url, user=user, viewport=DESKTOP)
    page.goto(live_server.url + reverse("cohorts:dashboard"))

    with page.expect_navigation():
        page.locator(zip_link).click()

    assert page.url.endswith(reverse("materials:progress", args=[cohort.course.pk]))
    expect(page.locator("h1")).to_have_text(
        f"Material del curso: {cohort.course.title}"
    )
    expect(page.locator("[data-material-message]")).to_have_text(WAITING)
    expect(page.locator(zip_link)).to_have_count(0)
    # The same page without JavaScript, which reloads itself instead.
    plain = open_page(
        chromium,
        live_server.url,
        user=user,
        viewport=PHONE,
        java_script_enabled=False,
    )
    plain.goto(page.url)
    expect(plain.locator("[data-material-message]")).to_have_text(WAITING)

    # The worker takes the job: the step shows without a reload.
    edition = MaterialEdition.objects.get()
    MaterialEdition.objects.filter(pk=edition.pk).update(
        status=MaterialEdition.Status.RUNNING, step=2
    )
    expect(page.locator("[data-material-message]")).to_have_text(STEP_TWO)
    expect(page.locator("progress")).to_have_attribute("value", "2")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "material-preparando.png"))

    MaterialEdition.objects.filter(pk=edition.pk).update(
        status=MaterialEdition.Status.PENDING, step=0
    )
    editions.build_edition(edition)

    for each in [page, plain]:
        expect(each.locator("[role=status]")).to_have_text(READY)
        expect(each.locator(zip_link)).to_be_visible()
    plain.screenshot(path=str(ARTIFACTS / "material-listo-movil.png"), full_page=True)
    # At 320 px the three links wrap inside the screen.
    assert plain.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    with page.expect_download() as download:
        page.locator(zip_link).click()
    assert download.value.suggested_filename == f"{cohort.course.slug}-material.zip"
    with open(download.value.path(), "rb") as file:
        names = zipfile.ZipFile(io.BytesIO(file.read())).namelist()
    assert f"{cohort.course.slug}-participante.pdf" in names


def test_where_tasks_run_inline_the_page_shows_while_the_material_is_built(
    transactional_db, live_server, cohort, chromium
):
    """As in the demo, without Redis: the build runs in the page's first look
    at the status, so the page is on screen during the wait, not a blank one."""
    zip_link = f'a[href="{reverse("materials:zip", args=[cohort.course.pk])}"]'
    page = open_page(chromium, live_server.url, user=cohort.trainer.person.user)
    page.goto(live_server.url + reverse("cohorts:dashboard"))

    with page.expect_navigation():
        page.locator(zip_link).click()

    expect(page.locator("[data-material-message]")).to_have_text(WAITING)
    # Rendering both PDFs on a busy machine may take longer than a page load.
    expect(page.locator(zip_link)).to_be_visible(timeout=120_000)
    expect(page.locator("[role=status]")).to_have_text(READY)
