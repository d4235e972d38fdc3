"""The Content-Security-Policy in a real Chromium: nothing the site needs is blocked.

Every page listens for `securitypolicyviolation` events and Chromium's console
reports of blocked content (frames included); both must stay empty on the
public pages, the signed-in pages and the Wagtail admin, editor and preview
included:

    .venv/bin/pytest tests/e2e/test_content_security_policy.py -p no:cacheprovider
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from certificates.issuance import issue_for_completion
from lms.models import Enrolment, User
from tests.e2e.conftest import open_page
from tests.factories import UserFactory, completion, with_mfa
from tests.lms.cohorts.test_attendance import held_cohort, join

pytestmark = [
    pytest.mark.browser,
    # The live server runs in another thread, so the data must be committed.
    # serialized_rollback restores the data migrations (Wagtail's root page,
    # the default site) should an earlier transactional test have flushed them.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


class Visit:
    """A page that records every policy violation, in any frame."""

    def __init__(self, browser, server_url: str, user=None):
        self.server_url = server_url
        self.page = open_page(browser, server_url, user=user)
        self.page.add_init_script(LISTEN)
        self.reports: list[str] = []
        self.page.on("console", self._note)

    def _note(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.reports.append(message.text)

    def goto(self, path: str) -> None:
        self.page.goto(self.server_url + path)
        self.page.wait_for_load_state("networkidle")
        self.reports += [
            f"{path}: {v}" for v in self.page.evaluate("window.__violations")
        ]


@pytest.fixture
def learner_with_certificate(demo_course):
    learner = UserFactory(first_name="Rosa Elena", last_name="Quispe Chávez")
    Enrolment.objects.create(user=learner, course=demo_course)
    certificate = issue_for_completion(
        completion(learner, demo_course, at=timezone.now())
    )
    return learner, certificate


def test_an_injected_inline_script_is_blocked_and_reported(chromium, live_server):
    visit = Visit(chromium, live_server.url)
    visit.goto(reverse("certificates:verify_form"))

    visit.page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.injected = true";
          document.body.append(script);
        }"""
    )

    assert visit.page.evaluate("window.injected") is None
    # The report is an event, dispatched after the script was refused.
    visit.page.wait_for_function("window.__violations.length > 0")
    assert visit.page.evaluate("window.__violations") == ["script-src-elem inline"]


def test_public_and_signed_in_pages_break_no_rule(
    chromium, live_server, demo_course, learner_with_certificate
):
    learner, certificate = learner_with_certificate
    lesson = demo_course.lessons().first()
    visitor = Visit(chromium, live_server.url)
    for path in [
        "/",
        demo_course.url,
        reverse("certificates:verify_form"),
        reverse("certificates:verify", args=[certificate.code]),
        reverse("transparency:dashboard"),
        reverse("account_login"),
        reverse("account_signup"),
    ]:
        visitor.goto(path)
    signed_in = Visit(chromium, live_server.url, user=learner)
    for path in [lesson.url, reverse("lms:my_courses"), "/mis-certificados/"]:
        signed_in.goto(path)

    assert visitor.reports + signed_in.reports == []


def test_the_attendance_helper_runs_from_its_static_file(
    chromium, live_server, trainer, trainer_user, course
):
    cohort = held_cohort(trainer, course)
    join(cohort, first_names="Ana", last_names="Pérez Ruiz")
    join(cohort, first_names="Luis", last_names="Torres Díaz")
    session = cohort.sessions.get(number=1)
    visit = Visit(chromium, live_server.url, user=trainer_user)

    visit.goto(reverse("attendance:session", args=[cohort.pk, session.pk]))
    visit.page.locator("[data-all-present]").click()

    boxes = visit.page.locator("form.roll-call input[type=checkbox]")
    expect(boxes).to_have_count(2)
    for box in boxes.all():
        expect(box).to_be_checked()
    assert visit.reports == []


def test_the_wagtail_admin_and_its_page_preview_break_no_rule(
    chromium, live_server, demo_course
):
    editor = with_mfa(User.objects.create_superuser("editora", "editora@example.pe"))
    lesson = demo_course.lessons().first()
    visit = Visit(chromium, live_server.url, user=editor)
    for path in [
        reverse("wagtailadmin_home"),
        reverse("wagtailadmin_explore", args=[demo_course.pk]),
        reverse("wagtailadmin_reports:locked_pages"),
        reverse("wagtailadmin_pages:edit", args=[lesson.pk]),
    ]:
        visit.goto(path)

    visit.page.locator('[data-side-panel-toggle="preview"]').first.click()
    preview = visit.page.frame_locator("iframe[data-w-preview-target]").first
    expect(preview.locator("h1")).to_have_text(lesson.title)
    assert visit.reports == []
