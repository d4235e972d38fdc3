"""The public pages in a real Chromium: axe-core, a 320 px phone, a light lesson.

axe-core comes bundled in the axe-playwright-python package (test extras).
Every page is checked at desktop width and on a 320 px wide phone, the
narrowest screen still sold, with the demo's real course texts:

    .venv/bin/pytest tests/e2e/test_accessibility.py -p no:cacheprovider
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import timezone

from certificates.issuance import issue_for_completion
from lms.models import Enrolment
from tests.e2e.conftest import PHONE, open_page
from tests.factories import UserFactory, completion

pytestmark = [
    pytest.mark.browser,
    # The live server runs in another thread, so the data must be committed.
    # serialized_rollback restores the data migrations (Wagtail's root page,
    # the default site) should an earlier transactional test have flushed them.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LESSON_WITHOUT_VIDEO = "codigo-de-etica-ley-27815"  # the demo's longest lesson
MAX_LESSON_BYTES = 150_000
BLOCKING_IMPACTS = ("serious", "critical")


@dataclass
class PublicPage:
    name: str
    path: str
    # What a visitor comes to the page to do: it must fit on a phone.
    main_actions: list[str]
    user: object = field(default=None, repr=False)


@pytest.fixture
def learner_in_course(demo_course):
    learner = UserFactory(first_name="Rosa Elena", last_name="Quispe Chávez")
    Enrolment.objects.create(user=learner, course=demo_course)
    return learner


@pytest.fixture
def public_pages(demo_course, learner_in_course):
    lesson = demo_course.lessons().get(slug=LESSON_WITHOUT_VIDEO)
    certificate = issue_for_completion(
        completion(learner_in_course, demo_course, at=timezone.now())
    )
    signup = reverse("account_signup")
    return [
        PublicPage(
            "home and catalogue",
            "/",
            [f'.course-list a[href$="/{demo_course.slug}/"]', f'a[href="{signup}"]'],
        ),
        PublicPage("course", demo_course.url, [f'.actions a[href^="{signup}"]']),
        PublicPage(
            "lesson",
            lesson.url,
            ['form[action*="/completar/"] button[type="submit"]'],
            user=learner_in_course,
        ),
        PublicPage(
            "verification form",
            reverse("certificates:verify_form"),
            ['form.verify-code input[name="code"]', "form.verify-code button"],
        ),
        PublicPage(
            "verification of a valid certificate",
            reverse("certificates:verify", args=[certificate.code]),
            [".verdict.verdict-valid", ".certificate-facts"],
        ),
        PublicPage(
            "transparency dashboard",
            reverse("transparency:dashboard"),
            [f'a[href="{reverse("transparency:dictionary")}"]'],
        ),
        PublicPage(
            "sign-up",
            signup,
            [f'form[action="{signup}"] input[name="email"]', 'button[type="submit"]'],
        ),
    ]


def test_public_pages_pass_axe_core_and_fit_a_320_px_phone(
    chromium, live_server, public_pages
):
    """No serious or critical violation on a desktop or a phone (contrast, names,
    labels, landmarks, language); on the phone nothing scrolls sideways and each
    page's main actions are within reach."""
    problems = []
    for public_page in public_pages:
        desktop = open_page(chromium, live_server.url, user=public_page.user)
        desktop.goto(live_server.url + public_page.path)
        problems += violations_on(desktop, f"{public_page.name} at 1280 px")
        desktop.context.close()

        phone = open_page(
            chromium,
            live_server.url,
            user=public_page.user,
            viewport=PHONE,
            is_mobile=True,
            has_touch=True,
        )
        phone.goto(live_server.url + public_page.path)
        problems += violations_on(phone, f"{public_page.name} at 320 px")
        problems += [
            f"{public_page.name} at 320 px: {problem}"
            for problem in phone_problems(phone, public_page.main_actions)
        ]
        phone.context.close()
    assert not problems, "\n".join(problems)


def violations_on(page, where: str) -> list[str]:
    """Describe axe-core's serious and critical violations on the page."""
    results = Axe().run(page)
    return [
        f"{where}: {describe(violation)}"
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


def describe(violation: dict) -> str:
    lines = [f"{violation['id']} ({violation['impact']}): {violation['help']}"]
    for node in violation["nodes"]:
        lines.append(f"    at {', '.join(map(str, node['target']))}")
        lines.append(f"      {node['html'][:200]}")
        lines.append(f"      {node.get('failureSummary', '')}")
    return "\n".join(lines)


def phone_problems(page, main_actions: list[str]) -> list[str]:
    problems = []
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        problems.append(f"the page is {width} px wide")
    for selector in main_actions:
        action = page.locator(selector).first
        action.scroll_into_view_if_needed()
        box = action.bounding_box()
        if not action.is_visible() or box is None:
            problems.append(f"{selector} is not shown")
        elif box["x"] < 0 or box["x"] + box["width"] > PHONE["width"]:
            problems.append(f"{selector} sticks out: {box}")
    return problems


def test_a_lesson_without_video_weighs_under_150_kb(
    chromium, live_server, demo_course, learner_in_course
):
    """Everything the browser downloads for the page, from an empty cache.

    The live server sends no compression, so the bytes counted (headers and
    bodies as they crossed the wire, from Chromium's own network log) are the
    uncompressed size: a stricter bound than a gzip-serving production proxy.
    """
    lesson = demo_course.lessons().get(slug=LESSON_WITHOUT_VIDEO)
    assert "video" not in {block.block_type for block in lesson.body}
    page = open_page(chromium, live_server.url, user=learner_in_course)
    network = page.context.new_cdp_session(page)
    network.send("Network.enable")
    network.send("Network.setCacheDisabled", {"cacheDisabled": True})
    urls, transferred = {}, {}
    network.on(
        "Network.responseReceived",
        lambda event: urls.__setitem__(event["requestId"], event["response"]["url"]),
    )
    network.on(
        "Network.loadingFinished",
        lambda event: transferred.__setitem__(
            event["requestId"], event["encodedDataLength"]
        ),
    )

    page.goto(live_server.url + lesson.url, wait_until="networkidle")

    loaded = {urls[request]: size for request, size in transferred.items()}
    assert page.locator("h1").inner_text() == lesson.title
    assert any(url.endswith(".css") for url in loaded), loaded
    assert sum(loaded.values()) < MAX_LESSON_BYTES, loaded
    page.context.close()
