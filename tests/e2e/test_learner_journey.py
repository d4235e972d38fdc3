"""A citizen's whole journey in a real browser: sign up, learn, pass, verify.

Drives Debian's Chromium (not Playwright's own download) through Playwright's
sync API against pytest-django's live server:

    .venv/bin/pytest tests/e2e -m browser -p no:cacheprovider -x

The interface is translated while this test is being written, so elements are
found by form actions, input names and hrefs, never by their visible text.
"""

from __future__ import annotations

import contextlib
import re
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from certificates.models import Certificate
from courses.models import Audience
from lms.models import Completion, LessonProgress, User
from tests.e2e.conftest import TIMEOUT_MS, open_page
from tests.e2e.steps import (
    ARTIFACTS,
    click_and_wait,
    fill_in_the_sign_up,
    pass_the_assessment,
    path_of,
    read_every_lesson,
)

LIMA = ZoneInfo("America/Lima")

pytestmark = [
    pytest.mark.browser,
    # The live server runs in another thread, so the data must be committed.
    # serialized_rollback restores the data migrations (Wagtail's root page,
    # the default site) should an earlier transactional test have flushed them.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_visitor_signs_up_reads_a_course_and_passes_its_assessment(
    transactional_db, live_server, course, chromium
):
    """The `course` fixture (tests/conftest.py) makes the catalogue the default
    site's root: Wagtail serves the default site for any host, so the catalogue
    answers at the live server's own host and port. Pages are reached by
    clicking links, never through `page.url`."""
    # The public course "Ciudadano por la Integridad" is open to anyone.
    course.audience = Audience.CITIZENS
    course.title = "Ciudadano por la Integridad"
    course.certificate_title = "Constancia de Ciudadano por la Integridad"
    course.save()
    follow_the_journey(chromium, live_server.url, course)


def follow_the_journey(browser, server_url: str, course) -> None:
    expect.set_options(timeout=TIMEOUT_MS)
    ARTIFACTS.mkdir(exist_ok=True)
    lesson_count = course.lessons().count()
    home = server_url + "/"

    # The catalogue on a phone, for the record.
    phone = open_page(
        browser, server_url, viewport={"width": 390, "height": 844}, is_mobile=True
    )
    phone.goto(home)
    expect(phone.locator(f'.course-list a[href$="/{course.slug}/"]')).to_be_visible()
    phone.screenshot(path=str(ARTIFACTS / "catalogo-movil.png"), full_page=True)
    phone.context.close()

    page = open_page(browser, server_url)
    try:
        # Sign up from the catalogue.
        page.goto(home)
        click_and_wait(page, f'.site-header a[href="{reverse("account_signup")}"]')
        assert path_of(page) == reverse("account_signup")
        signup = page.locator(f'form[action="{reverse("account_signup")}"]')
        fill_in_the_sign_up(signup)
        signup.locator('input[name="privacy_consent"]').check()
        with page.expect_navigation():
            signup.locator('button[type="submit"]').click()
        assert path_of(page) == reverse("account_email_verification_sent")
        user = User.objects.get(email="rosa.quispe@example.pe")
        assert (user.first_name, user.last_name) == ("Rosa Elena", "Quispe Chávez")

        # Confirm the address with the link the e-mail carries.
        assert len(mail.outbox) == 1, [message.subject for message in mail.outbox]
        message = mail.outbox[0]
        assert message.to == ["rosa.quispe@example.pe"]
        link = re.search(r"https?://\S+/accounts/confirm-email/[^\s/]+/", message.body)
        assert link, message.body
        page.goto(server_url + urlsplit(link.group(0)).path)
        click_and_wait(
            page, 'main form[action*="/confirm-email/"] button[type="submit"]'
        )
        assert user.emailaddress_set.get().verified
        # Confirming logs the learner in.
        logout = f'.site-nav form[action="{reverse("account_logout")}"]'
        expect(page.locator(logout)).to_have_count(1)

        # Enrol from the course page.
        click_and_wait(page, '.site-nav a[href="/"]')
        click_and_wait(page, f'.course-list a[href$="/{course.slug}/"]')
        expect(page.locator("h1")).to_have_text(course.title)
        click_and_wait(page, 'form[action$="/inscribirse/"] button[type="submit"]')

        # Read every lesson until the course hands over to the assessment.
        assert read_every_lesson(page, course) == lesson_count
        assert (
            LessonProgress.objects.filter(enrolment__user=user).count() == lesson_count
        )

        # Start the assessment and answer every question right.
        pass_the_assessment(page, user)
        completion = Completion.objects.get(enrolment__user=user)
        assert completion.score == 100

        # "Mis cursos" shows the course as completed today (Lima time).
        click_and_wait(page, f'.site-nav a[href="{reverse("lms:my_courses")}"]')
        assert path_of(page) == "/mis-cursos/"
        card = page.locator(f'.course-list li.card:has(a[href$="/{course.slug}/"])')
        expect(card).to_have_count(1)
        expect(card.locator("h3")).to_have_text(course.title)
        today = datetime.now(LIMA).strftime("%d/%m/%Y")
        status = card.locator(".status.completed")
        expect(status).to_contain_text(today)
        expect(status).to_contain_text("100%")
        page.screenshot(path=str(ARTIFACTS / "mis-cursos.png"), full_page=True)

        # Logged out, anyone verifies the certificate by the code printed on it.
        certificate = Certificate.objects.get(person__user=user)
        with page.expect_navigation():
            page.locator(
                f'.site-nav form[action="{reverse("account_logout")}"] button'
            ).click()
        page.goto(server_url + reverse("certificates:verify_form"))
        verify = page.locator("form.verify-code")
        # Typed as a person would read it aloud: lower case, without hyphens.
        verify.locator('input[name="code"]').fill(
            certificate.code.replace("-", "").lower()
        )
        with page.expect_navigation():
            verify.locator('button[type="submit"]').click()
        assert path_of(page) == reverse("certificates:verify", args=[certificate.code])
        expect(page.locator(".verdict")).to_have_class(re.compile(r"verdict-valid"))
        facts = page.locator(".certificate-facts")
        expect(facts).to_contain_text("Rosa Elena Quispe Chávez")
        expect(facts).to_contain_text("Ciudadano por la Integridad")
        expect(facts).not_to_contain_text("42388604")
        page.screenshot(path=str(ARTIFACTS / "verificacion.png"), full_page=True)
    except BaseException:
        # Where the journey stopped, to look at after a failure.
        with contextlib.suppress(Exception):  # the original failure matters more
            page.screenshot(path=str(ARTIFACTS / "fallo-recorrido.png"), full_page=True)
        raise
    finally:
        page.context.close()
