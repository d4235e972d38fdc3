"""A real Chromium for the browser tests, and pages opened as a visitor or a user.

Drives Debian's Chromium (not Playwright's own download) through Playwright's
sync API against pytest-django's live server.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from playwright.sync_api import sync_playwright

from courses.importing import import_course
from tests.factories import signed_in_session

TIMEOUT_MS = 15_000
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
CHROMIUM_MISSING = (
    "Chromium is not on PATH. This test drives Debian's Chromium, not "
    "Playwright's own download (never run `playwright install`): run the "
    "README's test command, `bash scripts/test.sh`, which installs it with apt-get."
)
DEMO_COURSES = Path(settings.BASE_DIR) / "fixtures" / "courses"
PHONE = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def chromium(monkeypatch):
    """Yield a headless Chromium, closed after the test."""
    # Playwright's sync API keeps an event loop in the test's thread; without this
    # Django refuses to touch the database from it (SynchronousOnlyOperation).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail(CHROMIUM_MISSING, pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()
            # Inside sync_playwright() the ORM runs in another context and gets
            # a connection of its own: close it, or it outlives the test
            # database and blocks PostgreSQL from dropping it.
            connections.close_all()


def open_page(browser, server_url: str, *, user=None, viewport=DESKTOP, **options):
    """Return a new page in a fresh context (empty cache), logged in as `user`."""
    context = browser.new_context(
        locale="es-PE", timezone_id="America/Lima", viewport=viewport, **options
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    # Chromium asks for /favicon.ico on its own; keep it off the test database.
    context.route("**/favicon.ico", lambda route: route.abort())
    if user is not None:
        session = signed_in_session(user)
        cookie = {"name": settings.SESSION_COOKIE_NAME, "value": session}
        context.add_cookies([{**cookie, "url": server_url}])
    return context.new_page()


@pytest.fixture
def demo_course(catalogue):
    """The demo's induction course, imported as seed_demo does: real lesson texts."""
    data = json.loads(
        (DEMO_COURSES / "modulo-induccion-integridad.json").read_text(encoding="utf-8")
    )
    return import_course(catalogue, data)
