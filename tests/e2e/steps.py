"""Browser steps that several journeys take the same way: signing up, reading
every lesson, passing the assessment.

Elements are found by form actions, input names and hrefs, as in the journeys
themselves, so a step reads the same whatever the interface's language.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from django.urls import reverse
from playwright.sync_api import expect

from lms.models import Attempt

# Screenshots to look at after a run (kept out of git).
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "Transparencia-Cajamarca-2025"
# Rosa, the citizen who signs up in the journeys; she types her data as below.
ROSA = {
    "first_name": "Rosa Elena",
    "last_name": "Quispe Chávez",
    "document_number": "42388604",
    "email": "rosa.quispe@example.pe",
}


def path_of(page) -> str:
    return urlsplit(page.url).path


def click_and_wait(page, selector: str) -> None:
    """Click a link or submit button and wait until the next page has loaded."""
    with page.expect_navigation():
        page.locator(selector).click()


def fits_the_screen(page) -> bool:
    """Whether the page needs no sideways scrolling: nothing wider than the screen."""
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def fill_in_the_sign_up(signup) -> None:
    """Type Rosa's names, DNI, e-mail and password twice into the sign-up form.

    Consent and anything else the journey chooses are left to the journey.
    """
    for name, value in ROSA.items():
        signup.locator(f'input[name="{name}"]').fill(value)
    signup.locator('input[name="password1"]').fill(PASSWORD)
    signup.locator('input[name="password2"]').fill(PASSWORD)


def read_every_lesson(page, course) -> int:
    """From the first lesson, mark each one read until the course hands over to
    its assessment; return how many were read (never more than the course has)."""
    assessment_path = reverse("lms:assessment", args=[course.pk])
    lesson_count = course.lessons().count()
    read = 0
    while path_of(page) != assessment_path:
        assert read < lesson_count, f"still reading at {page.url}"
        click_and_wait(page, 'form[action*="/completar/"] button[type="submit"]')
        read += 1
    return read


def pass_the_assessment(page, user) -> Attempt:
    """From the assessment's page, start an attempt, answer every question
    right and see the result: 100 %. Return the attempt."""
    click_and_wait(page, 'main form[method="post"]:not([action]) button[type="submit"]')
    attempt = Attempt.objects.filter(enrolment__user=user).latest("pk")
    assert path_of(page) == reverse("lms:attempt", args=[attempt.pk])
    quiz = page.locator("form.quiz")
    for question in attempt.drawn_questions():
        for option_id in question.correct_ids():
            quiz.locator(f'input[name="q-{question.id}"][value="{option_id}"]').check()
    with page.expect_navigation():
        quiz.locator('button[type="submit"]').click()
    assert path_of(page) == reverse("lms:attempt_result", args=[attempt.pk])
    expect(page.locator(".result .score")).to_have_text("100%")
    return attempt
