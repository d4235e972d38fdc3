"""The production stack serves a learner's whole journey over HTTPS.

gunicorn (two workers) and a task worker run with lms.settings.production,
DEBUG off, on a PostgreSQL and a Redis of their own
(tests/production/stack.py). The certificate's PDF is made by the worker,
never by the request that completes the course.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

from tests.pdf import pdf_text
from tests.production.stack import (
    TASK_SECONDS,
    needs_postgresql,
    wait_for,
)

pytestmark = needs_postgresql


def test_the_stack_is_healthy_and_serves_static_files_to_cache_for_good(stack):
    health = stack.get("/healthz")
    assert health.status_code == 200, health.text
    checks = health.json()["checks"]
    assert checks["database"] == {"ok": True, "vendor": "postgresql"}
    assert checks["cache"]["ok"]
    assert checks["queue"]["ok"]

    home = stack.get("/")
    assert home.status_code == 200
    stylesheet = BeautifulSoup(home.text, "html.parser").select_one(
        'link[rel="stylesheet"][href^="/static/"]'
    )
    assert stylesheet, home.text[:1000]
    # The name carries the file's hash, so browsers may keep it for good.
    assert re.search(r"\.[0-9a-f]{12}\.css$", stylesheet["href"])
    static = stack.get(stylesheet["href"])
    assert static.status_code == 200
    assert "max-age=315360000" in static.headers["Cache-Control"]
    assert "immutable" in static.headers["Cache-Control"]


def test_errors_show_the_sites_own_page_and_nothing_of_the_code(stack):
    response = stack.get("/no-existe/")
    assert response.status_code == 404
    assert "Integridad Cajamarca" in response.text
    for debug_only in ("Traceback", "DEBUG = True", "URLconf", "SECRET_KEY"):
        assert debug_only not in response.text


def test_a_learner_completes_a_course_and_the_worker_delivers_the_certificate(
    stack, learner
):
    visitor = learner.visitor
    # Over HTTPS the session and CSRF cookies are marked secure.
    cookies = {cookie.name: cookie for cookie in visitor.session.cookies}
    assert cookies["sessionid"].secure and cookies["csrftoken"].secure
    assert "max-age=" in visitor.page.headers["Strict-Transport-Security"]

    result = visitor.complete_course()
    assert result.status_code == 200
    assert (
        "100%"
        in BeautifulSoup(result.text, "html.parser")
        .select_one(".result .score")
        .get_text()
    )

    # The worker renders and e-mails the PDF; the request did not.
    [(code, pdf, _delivered_at)] = wait_for(
        lambda: [row for row in learner.certificates() if row[2]],
        what="the worker to deliver the certificate",
        seconds=TASK_SECONDS,
    )
    assert pdf == f"certificados/{code}.pdf"
    assert stack.emails_with(f"{code}.pdf") == 1

    visitor.get("/mis-certificados/")
    link = f'a[href="/mis-certificados/{code}/pdf/"]'
    assert BeautifulSoup(visitor.page.text, "html.parser").select_one(link)
    download = visitor.get(f"/mis-certificados/{code}/pdf/")
    assert download.status_code == 200
    assert download.content.startswith(b"%PDF")
    text = pdf_text(download.content)
    assert learner.name in text
    assert code in text

    # Anyone verifies it, on the page and in JSON.
    page = stack.get(f"/verificar/{code}/")
    assert page.status_code == 200
    verdict = BeautifulSoup(page.text, "html.parser").select_one(".verdict")
    assert "verdict-valid" in verdict["class"]
    assert learner.name in page.text
    answer = stack.get(f"/api/v1/certificates/{code}")
    assert answer.status_code == 200
    assert answer.json()["status"] == "valid"
    assert answer.json()["holder_name"] == learner.name
