"""A unit head asks HR for a later due date for one of their people; HR grants
it, and the new date shows in the admin and on the person's own page.

Real time, not time_machine: the browser keeps its own clock, and session
cookies set under a frozen date would already have expired for it.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from lms.models import Assignment, ExtensionRequest, Role
from lms.staff.assignments import sync_assignments
from tests.e2e.conftest import DESKTOP, TIMEOUT_MS, open_page
from tests.factories import (
    PASSWORD,
    PersonFactory,
    StaffMemberFactory,
    UserFactory,
    grant,
    totp_code,
)

pytestmark = [
    pytest.mark.browser,
    # The live server runs in another thread, so the data must be committed.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 375, "height": 740}
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


def shown(day: date) -> str:
    return day.strftime("%d/%m/%Y")


# The admin scrolls inside its own panes, so the page's width says nothing:
# every element of the main pane must end within the screen.
RIGHTMOST = """Math.max(...[...document.querySelectorAll('main *')]
    .filter(e => e.offsetParent !== null)
    .map(e => e.getBoundingClientRect().right))"""


def fits(page, viewport: dict) -> bool:
    return page.evaluate(RIGHTMOST) <= viewport["width"]


def snap(page, name: str) -> None:
    """Keep what the person saw, to look at after the run."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def log_in_with_second_factor(page, server_url: str, user, *, then: str) -> None:
    """Sign in through the forms, password then the authenticator app's code."""
    page.goto(server_url + then)
    page.get_by_label("Correo electrónico").fill(user.email)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url(f"**{reverse('mfa_authenticate')}**")
    page.get_by_label("Código").fill(totp_code())
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url(server_url + then)


def test_a_unit_head_asks_for_an_extension_and_hr_grants_it(
    live_server, chromium, units, induction
):
    expect.set_options(timeout=TIMEOUT_MS)
    today = timezone.localdate()
    head = grant(
        UserFactory(email="jefe@example.pe", first_name="Juan", last_name="Jefe"),
        Role.UNIT_HEAD,
        units["a"],
    )
    hr = grant(
        UserFactory(email="rrhh@example.pe", first_name="Ana", last_name="Ríos"),
        Role.HR_OFFICER,
        units["a"],
    )
    rosa = UserFactory(email="rosa@example.pe", first_name="Rosa")
    person = PersonFactory(first_names="Rosa Elena", last_names="Quispe", user=rosa)
    member = StaffMemberFactory(
        person=person, unit=units["a1"], hired_on=today - timedelta(days=5)
    )
    sync_assignments(today=today)
    assignment = Assignment.objects.get(staff=member)
    due, asked = assignment.due_on, assignment.due_on + timedelta(days=30)
    detail = reverse("lms_staff_detail", args=[member.pk])

    # The unit head, at a desk, finds Rosa in the staff list and asks.
    desk = open_page(chromium, live_server.url, viewport=DESKTOP)
    log_in_with_second_factor(
        desk, live_server.url, head, then=reverse("lms_staff:index")
    )
    desk.get_by_role("link", name="Rosa Elena Quispe").click()
    desk.wait_for_url(live_server.url + detail)
    row = desk.locator("tr", has_text="Inducción en integridad")
    expect(row).to_contain_text(shown(due))
    row.get_by_text("Solicitar prórroga").click()
    row.get_by_label("Nueva fecha límite").fill(asked.isoformat())
    row.get_by_label("Motivo").fill("Descanso médico de tres semanas")
    row.get_by_role("button", name="Enviar la solicitud").click()
    expect(
        desk.get_by_text("Prórroga solicitada: RR.HH. le responderá")
    ).to_be_visible()
    expect(row).to_contain_text("Esperando la respuesta de RR.HH.")
    expect(row.get_by_text("Solicitar prórroga")).to_have_count(0)
    row.scroll_into_view_if_needed()
    snap(desk, "prorroga-solicitada.png")
    assert [message.to for message in mail.outbox] == [[hr.email]]

    # HR, on a phone, opens the list from the e-mail's link and grants it.
    phone = open_page(chromium, live_server.url, viewport=PHONE, is_mobile=True)
    listing = reverse("lms_extension_requests")
    assert listing in mail.outbox[0].body
    log_in_with_second_factor(phone, live_server.url, hr, then=listing)
    expect(phone.locator("h1")).to_contain_text("Solicitudes de prórroga")
    item = phone.locator("li", has_text="Rosa Elena Quispe")
    expect(item).to_contain_text("Pendiente")
    expect(item).to_contain_text(shown(asked))
    expect(item).to_contain_text("Descanso médico de tres semanas")
    expect(item).to_contain_text("Juan Jefe")
    assert fits(phone, PHONE)
    item.get_by_text("Conceder", exact=True).click()
    expect(item.get_by_label("Nueva fecha límite")).to_have_value(asked.isoformat())
    assert fits(phone, PHONE)
    snap(phone, "prorrogas-rrhh-movil.png")
    item.get_by_role("button", name="Conceder la prórroga").click()
    expect(phone.get_by_text("Prórroga concedida; se avisó")).to_be_visible()
    expect(item).to_contain_text("Concedida")
    expect(item.get_by_role("button", name="Conceder la prórroga")).to_have_count(0)
    assert ExtensionRequest.objects.get().granted_due_on == asked

    # The unit head is told, and reads the new date on Rosa's page.
    told = [message for message in mail.outbox if message.to == [head.email]]
    assert [message.subject for message in told] == [
        "[Integridad Cajamarca] Prórroga concedida: Inducción en integridad"
    ]
    desk.reload()
    expect(row).to_contain_text(shown(asked))
    expect(row).to_contain_text(f"Concedida hasta el {shown(asked)}.")
    desk.set_viewport_size(PHONE)
    expect(desk.get_by_text(f"Concedida hasta el {shown(asked)}.")).to_be_visible()
    desk.get_by_text(f"Concedida hasta el {shown(asked)}.").scroll_into_view_if_needed()
    snap(desk, "prorroga-concedida-movil.png")

    # Rosa sees her new due date on her own page, at both widths.
    learner = open_page(chromium, live_server.url, user=rosa, viewport=PHONE)
    learner.goto(live_server.url + reverse("lms:extension_requests"))
    expect(learner.locator("h1")).to_have_text("Prórrogas")
    pending = learner.locator("li.card", has_text="Inducción en integridad").first
    expect(pending).to_contain_text(f"Vence el {shown(asked)}")
    expect(
        learner.get_by_text(f"Concedida: la nueva fecha límite es el {shown(asked)}.")
    ).to_be_visible()
    expect(learner.get_by_text("Solicitada por Juan Jefe.")).to_be_visible()
    assert fits(learner, PHONE)
    snap(learner, "mis-prorrogas-movil.png")
    learner.set_viewport_size(DESKTOP)
    expect(pending).to_contain_text(f"Vence el {shown(asked)}")
    for page in (desk, phone, learner):
        page.context.close()
