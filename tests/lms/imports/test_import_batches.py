"""After an import, a link to the people it touched: the staff list filtered by it."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lms.models import StaffImport
from tests.admin_helpers import signed_in
from tests.factories import PersonFactory, StaffMemberFactory

HEADER = (
    "dni,nombres,apellidos,correo,codigo_unidad,cargo,regimen,"
    "fecha_ingreso,fecha_cese,es_directivo"
)
NEW = "41234567,Gladys Marleny,Cortegana Aquino,g@gob.pe,GRDS,Analista,CAS,02/03/2026,,"
MOVED = "07654321,José,Chávez Cerna,jose@gob.pe,SGPE,Jefe,276,15/01/2026,,no"

pytestmark = [pytest.mark.usefixtures("english"), pytest.mark.django_db]


def import_file(client, *lines: str):
    upload = SimpleUploadedFile("planilla.csv", "\n".join(lines).encode(), "text/csv")
    preview = client.post(reverse("lms_staff_import"), {"file": upload})
    ticket = preview.context["ticket"]
    return client.post(reverse("lms_staff_import_confirm"), {"ticket": ticket})


@pytest.fixture
def jose(units):
    return StaffMemberFactory(
        unit=units["a1"],
        post="Asistente",
        hired_on=date(2026, 1, 15),
        person=PersonFactory(
            document_number="07654321", first_names="José", last_names="Chávez Cerna"
        ),
    )


@pytest.fixture
def bystander(units):
    return StaffMemberFactory(
        unit=units["a"],
        person=PersonFactory(first_names="Ignacio", last_names="Quieto"),
    )


def test_the_import_message_links_to_the_people_it_touched(
    client, hr_a, jose, bystander
):
    signed_in(client, hr_a)
    response = import_file(client, HEADER, NEW, MOVED)
    batch = StaffImport.objects.get()
    assert batch.filename == "planilla.csv"
    assert batch.imported_by == hr_a
    assert (batch.created, batch.changed) == (1, 1)
    link = f"{reverse('lms_staff:index')}?imported_in={batch.pk}"
    page = client.get(response.url)
    assert link in page.content.decode()
    assert "See the people it touched" in page.content.decode()

    listing = client.get(link).content.decode()
    assert "Cortegana Aquino" in listing and "Chávez Cerna" in listing
    assert "Quieto" not in listing  # in the units, but not in the file


def test_an_unchanged_row_is_not_counted_as_touched(client, hr_a, jose):
    signed_in(client, hr_a)
    import_file(client, HEADER, MOVED)
    import_file(client, HEADER, MOVED)
    first, second = StaffImport.objects.order_by("pk")
    assert first.staff.count() == 1
    assert second.staff.count() == 0


def test_another_units_hr_cannot_list_an_import_of_others(client, hr_a, hr_b, jose):
    import_file(signed_in(client, hr_a), HEADER, MOVED)
    batch = StaffImport.objects.get()
    link = f"{reverse('lms_staff:index')}?imported_in={batch.pk}"
    listing = signed_in(client, hr_b).get(link).content.decode()
    assert "Chávez Cerna" not in listing
