"""HR's landing page in the admin: their units' overdue people, new hires, imports."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lms.models import StaffImport, StaffMember
from tests.admin_helpers import signed_in
from tests.factories import UserFactory, hire, with_mfa
from tests.lms.reports.conftest import NOON_IN_LIMA

TODAY = NOON_IN_LIMA.date()
HOME = "/admin/"

pytestmark = [pytest.mark.usefixtures("english", "lima_noon"), pytest.mark.django_db]


@pytest.fixture
def people(units, induction):
    """Late and on-time staff in unit A, a late one in unit B, a new hire unassigned."""
    return {
        "late": hire(
            units["a"], "Teodoro", "Tardío", date(2026, 3, 2), assigned_on=TODAY
        ),
        "fresh": hire(
            units["a1"], "Nora", "Nueva", date(2026, 4, 27), assigned_on=TODAY
        ),
        "late_b": hire(
            units["b"], "Bruno", "Ajeno", date(2026, 3, 2), assigned_on=TODAY
        ),
        "unassigned": hire(
            units["a1"], "Sin", "Asignar", date(2026, 4, 30), assigned_on=None
        ),
        "unassigned_b": hire(
            units["b"], "Otro", "Sin", date(2026, 4, 30), assigned_on=None
        ),
    }


def panel(client) -> str:
    response = client.get(HOME)
    assert response.status_code == 200, response.get("Location")
    html = response.content.decode()
    start = html.find('id="hr-dashboard-section"')
    return html[start:] if start >= 0 else ""


def test_hr_sees_overdue_people_of_their_units_with_links(client, hr_a, people):
    html = panel(signed_in(client, hr_a))
    assert "Overdue training" in html
    assert "Teodoro Tardío" in html
    assert reverse("lms_staff_detail", args=[people["late"].pk]) in html
    assert "Nora Nueva" not in html.split("New hires without training")[0]
    assert "Bruno Ajeno" not in html  # unit B is another office's


def test_hr_sees_new_hires_without_any_training(client, hr_a, people):
    html = panel(signed_in(client, hr_a))
    unassigned = html.split("New hires without training")[1].split("Last imports")[0]
    assert "Sin Asignar" in unassigned
    assert reverse("lms_staff_detail", args=[people["unassigned"].pk]) in unassigned
    assert "Nora Nueva" not in unassigned  # her induction is assigned
    assert "Otro Sin" not in unassigned


def test_the_last_imports_link_to_the_people_they_touched_in_the_units(
    client, hr_a, hr_b, people
):
    batch = StaffImport.objects.create(filename="planilla-mayo.csv", created=2)
    batch.staff.add(people["late"], people["late_b"])
    html = panel(signed_in(client, hr_a))
    assert "planilla-mayo.csv" in html
    assert f"{reverse('lms_staff:index')}?imported_in={batch.pk}" in html
    assert "1 person of your units touched" in html
    other = StaffImport.objects.create(filename="solo-b.csv")
    other.staff.add(people["late_b"])
    assert "solo-b.csv" not in panel(signed_in(client, hr_a))
    assert "solo-b.csv" in panel(signed_in(client, hr_b))


def test_the_dashboard_links_to_the_reports_and_offers_the_import(client, hr_a):
    html = panel(signed_in(client, hr_a))
    for name in ("overdue", "new_hires", "assignments", "completion"):
        assert reverse(f"lms_report_{name}") in html
    assert reverse("lms_staff_import") in html
    assert reverse("lms_staff_import_template", args=["xlsx"]) in html


def test_a_unit_head_sees_their_units_but_no_import(client, unit_head_a, people):
    html = panel(signed_in(client, unit_head_a))
    assert "Teodoro Tardío" in html and "Bruno Ajeno" not in html
    assert reverse("lms_staff_import") not in html


def test_the_integrity_officer_sees_every_unit(client, integrity_officer, people):
    html = panel(signed_in(client, integrity_officer))
    assert "Teodoro Tardío" in html and "Bruno Ajeno" in html


def test_an_editor_without_units_gets_no_staff_panel(client, units):
    editor = UserFactory(email="editora@example.pe")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    response = signed_in(client, with_mfa(editor)).get(HOME)
    assert response.status_code == 200
    assert 'id="hr-dashboard-section"' not in response.content.decode()


def test_only_the_first_names_are_listed_and_the_rest_counted(
    client, hr_a, units, induction
):
    for number in range(7):
        hire(
            units["a"], "Persona", f"Tarde{number}", date(2026, 3, 2), assigned_on=TODAY
        )
    html = panel(signed_in(client, hr_a))
    overdue = html.split("New hires without training")[0]
    assert overdue.count(">Persona Tarde") == 5
    assert "and 2 more: see the report" in overdue


def test_the_dashboard_costs_the_same_queries_for_many_people(
    client, hr_a, units, induction, django_assert_max_num_queries
):
    signed_in(client, hr_a)

    def home_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(HOME).status_code == 200
        return len(queries)

    for number in range(6):
        hire(
            units["a"], "Persona", f"Tarde{number}", date(2026, 3, 2), assigned_on=TODAY
        )
        hire(
            units["a1"],
            "Persona",
            f"Nueva{number}",
            date(2026, 4, 30),
            assigned_on=None,
        )
    batch = StaffImport.objects.create(filename="uno.csv")
    batch.staff.add(*StaffMember.objects.all())
    few = home_queries()
    for number in range(30):
        hire(units["a"], "Otra", f"Tarde{number}", date(2026, 3, 2), assigned_on=TODAY)
        hire(units["a1"], "Otra", f"Nueva{number}", date(2026, 4, 30), assigned_on=None)
    for number in range(6):
        StaffImport.objects.create(filename=f"{number}.csv").staff.add(
            *StaffMember.objects.all()
        )
    assert "and 31 more" in panel(client)
    with django_assert_max_num_queries(few):
        assert client.get(HOME).status_code == 200
