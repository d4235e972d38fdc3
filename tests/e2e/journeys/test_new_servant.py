"""A new public servant's first hour: her induction is waiting for her.

She has been hired and assigned the induction, due in three weeks. She signs
in, sees on "Mis cursos" that it is mandatory and when it is due before she
enrols, enrols, reads every lesson, passes the assessment, follows "Ver mi
certificado" and finds the certificate in force. At a desktop's width and a
phone's.
"""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from certificates.models import Certificate
from courses.models import CoursePage
from lms.staff.assignments import sync_assignments
from tests.e2e.conftest import TIMEOUT_MS, open_page
from tests.e2e.steps import (
    ARTIFACTS,
    fits_the_screen,
    pass_the_assessment,
    path_of,
    read_every_lesson,
)
from tests.factories import (
    PASSWORD,
    PersonFactory,
    StaffMemberFactory,
    TrainingRequirementFactory,
    UserFactory,
)

pytestmark = [
    pytest.mark.browser,
    # The live server runs in another thread, so the data must be committed.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WIDTHS = {
    "escritorio": {"width": 1280, "height": 900},
    "movil": {"width": 375, "height": 812},
}


@pytest.fixture
def new_servant(units, course):
    """Hired nine days ago; the induction (30 days) is due in three weeks."""
    CoursePage.objects.filter(pk=course.pk).update(validity_months=24)
    course.refresh_from_db()
    today = timezone.localdate()
    TrainingRequirementFactory(
        name="Inducción en integridad", course=course, due_days=30
    )
    user = UserFactory(
        email="maria.chavez@regioncajamarca.gob.pe",
        first_name="María",
        last_name="Chávez Torres",
    )
    person = PersonFactory(user=user, first_names="María", last_names="Chávez Torres")
    StaffMemberFactory(
        person=person, unit=units["a"], hired_on=today - timedelta(days=9)
    )
    sync_assignments(today=today)
    return user, today + timedelta(days=21)


@pytest.mark.parametrize("width", WIDTHS.keys())
def test_a_new_servant_sees_her_induction_completes_it_and_gets_her_certificate(
    transactional_db, live_server, chromium, course, new_servant, width
):
    user, due_on = new_servant
    expect.set_options(timeout=TIMEOUT_MS)
    ARTIFACTS.mkdir(exist_ok=True)
    page = open_page(chromium, live_server.url, viewport=WIDTHS[width])
    try:
        # She signs in with her e-mail and password and lands on "Mis cursos".
        page.goto(live_server.url + reverse("account_login") + "?next=/mis-cursos/")
        form = page.locator(f'main form[action^="{reverse("account_login")}"]')
        form.locator('input[name="login"]').fill(user.email)
        form.locator('input[name="password"]').fill(PASSWORD)
        with page.expect_navigation():
            form.locator('button[type="submit"]').click()
        assert path_of(page) == reverse("lms:my_courses")

        # Before enrolling: the induction, mandatory, pending, with its due date.
        duty = page.locator(f'.obligations li[data-course="{course.pk}"]')
        expect(duty).to_be_visible()
        expect(duty.locator("h3")).to_have_text(course.title)
        expect(duty).to_contain_text("Obligatorio")
        expect(duty).to_contain_text("Pendiente")
        expect(duty).to_contain_text(
            f"Complételo a más tardar el {due_on.strftime('%d/%m/%Y')}."
        )
        expect(page.locator(".obligations h2")).to_have_text("Lo que debe completar")
        expect(page.locator("main")).not_to_contain_text("Aún no está inscrito")
        assert fits_the_screen(page)
        page.screenshot(
            path=str(ARTIFACTS / f"servidora-mis-cursos-{width}.png"), full_page=True
        )

        # She starts the course from there and reads every lesson.
        start = duty.locator('form[action$="/inscribirse/"] button[type="submit"]')
        expect(start).to_have_text("Empezar el curso")
        with page.expect_navigation():
            start.click()
        read_every_lesson(page, course)

        # She passes the assessment.
        pass_the_assessment(page, user)
        see = page.locator("a.see-certificate")
        expect(see).to_have_text("Ver mi certificado")
        assert fits_the_screen(page)
        page.screenshot(
            path=str(ARTIFACTS / f"servidora-resultado-{width}.png"), full_page=True
        )

        # "Ver mi certificado" leads to her certificate, in force.
        certificate = Certificate.objects.get(person__user=user)
        with page.expect_navigation():
            see.click()
        assert path_of(page) == reverse("certificates:my_certificates")
        card = page.locator(f"#certificado-{certificate.code}")
        expect(card).to_be_visible()
        expect(card.locator(".certificate-status")).to_contain_text(
            f"Vigente · vence el {certificate.expires_on.strftime('%d/%m/%Y')}"
        )
        expect(card).to_contain_text(certificate.code)
        assert fits_the_screen(page)
        page.screenshot(
            path=str(ARTIFACTS / f"servidora-certificados-{width}.png"),
            full_page=True,
        )

        # Back home, the induction is met, with the date to renew it by.
        page.goto(live_server.url + reverse("lms:my_courses"))
        duty = page.locator(f'.obligations li[data-course="{course.pk}"]')
        expect(duty).to_contain_text("Cumplida")
        expect(duty).to_contain_text("Renuévelo a más tardar el")
        expect(page.locator(".course-list.completed")).to_contain_text(course.title)
    except BaseException:
        with contextlib.suppress(Exception):
            page.screenshot(
                path=str(ARTIFACTS / f"fallo-servidora-{width}.png"), full_page=True
            )
        raise
    finally:
        page.context.close()
