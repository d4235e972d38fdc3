"""The admin's staff import: upload, preview, confirm once, and who may do it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core import signing
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry

from lms.imports import views
from lms.imports.changes import LOG_ACTION
from lms.models import Assignment, OrganisationRole, Person, StaffMember
from tests.admin_helpers import signed_in
from tests.factories import PersonFactory, StaffMemberFactory

HEADER = (
    "dni,nombres,apellidos,correo,codigo_unidad,cargo,regimen,"
    "fecha_ingreso,fecha_cese,es_directivo"
)
ROSA = "41234567,Rosa Elena,Quispe Huamán,rosa@gob.pe,GRDS,Analista,CAS,02/03/2026,,no"
JOSE = "07654321,José,Chávez Cerna,jose@gob.pe,SGPE,Asistente,276,15/01/2026,,no"
URL = "/admin/personal/importar/"

pytestmark = pytest.mark.usefixtures("english")


def staff_file(*lines: str, name: str = "personal.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, "\n".join(lines).encode(), "text/csv")


def upload(client, *lines: str, full: bool = False, name: str = "personal.csv"):
    data = {"file": staff_file(*lines, name=name)}
    if full:
        data["full"] = "on"
    return client.post(reverse("lms_staff_import"), data)


def confirm(client, ticket: str):
    return client.post(reverse("lms_staff_import_confirm"), {"ticket": ticket})


def table_sizes() -> tuple[int, int, int]:
    return (
        Person.objects.count(),
        StaffMember.objects.count(),
        Assignment.objects.count(),
    )


def waiting_files(user) -> list[str]:
    folder = f"{views.STORAGE_DIR}/{user.pk}"
    return default_storage.listdir(folder)[1] if default_storage.exists(folder) else []


@pytest.fixture
def hr_client(client, hr_a):
    return signed_in(client, hr_a)


def test_the_page_has_its_agreed_address(db):
    assert reverse("lms_staff_import") == URL


def test_an_hr_officer_sees_the_upload_form(hr_client):
    response = hr_client.get(URL)
    assert response.status_code == 200
    assert 'type="file"' in response.text
    assert "This file lists all current staff of my units" in response.text


def test_the_preview_shows_what_would_change_and_writes_nothing(hr_client, hr_a):
    response = upload(hr_client, HEADER, ROSA, JOSE)
    assert response.status_code == 200
    assert "What the import would do" in response.text
    assert "*****567" in response.text  # documents are masked
    assert "41234567" not in response.text
    assert "Confirm import" in response.text
    assert table_sizes() == (0, 0, 0)
    assert len(waiting_files(hr_a)) == 1


def test_confirming_applies_the_import_and_deletes_the_file(hr_client, hr_a, induction):
    ticket = upload(hr_client, HEADER, ROSA, JOSE).context["ticket"]
    response = confirm(hr_client, ticket)
    assert response.status_code == 302
    assert response.url == URL
    assert table_sizes() == (2, 2, 2)
    assert waiting_files(hr_a) == []
    page = hr_client.get(URL)
    assert "Staff imported: 2 created, 0 changed" in page.text
    assert ModelLogEntry.objects.filter(action=LOG_ACTION, user=hr_a).count() == 1


def test_a_second_confirmation_says_it_was_done_and_writes_nothing(
    hr_client, induction
):
    ticket = upload(hr_client, HEADER, ROSA, JOSE).context["ticket"]
    confirm(hr_client, ticket)
    StaffMember.objects.update(post="Editado a mano")
    sizes = table_sizes()
    response = confirm(hr_client, ticket)
    assert response.status_code == 302
    assert "This import was already done." in hr_client.get(URL).text
    assert table_sizes() == sizes
    assert set(StaffMember.objects.values_list("post", flat=True)) == {"Editado a mano"}
    assert ModelLogEntry.objects.filter(action=LOG_ACTION).count() == 1


def test_a_file_with_errors_shows_them_and_keeps_nothing(hr_client, hr_a):
    response = upload(hr_client, HEADER, ROSA, JOSE.replace("07654321", "123"))
    assert response.status_code == 200
    assert "The file has 1 error; nothing was imported." in response.text
    assert "A DNI has 8 digits." in response.text
    assert "Confirm import" not in response.text
    assert waiting_files(hr_a) == []
    assert table_sizes() == (0, 0, 0)


def test_an_hr_officer_cannot_import_into_another_unit(client, hr_b):
    signed_in(client, hr_b)
    response = upload(client, HEADER, ROSA)
    assert "Unit GRDS is outside the units you manage." in response.text
    assert "Confirm import" not in response.text
    assert table_sizes() == (0, 0, 0)


def test_the_confirmation_checks_the_file_again_against_todays_data(
    hr_client, hr_a, units
):
    ticket = upload(hr_client, HEADER, ROSA).context["ticket"]
    OrganisationRole.objects.filter(user=hr_a).update(organisation=units["b"])
    response = confirm(hr_client, ticket)
    assert response.status_code == 200
    assert "Unit GRDS is outside the units you manage." in response.text
    assert table_sizes() == (0, 0, 0)
    assert waiting_files(hr_a) == []


def test_another_user_cannot_confirm_someone_elses_upload(
    hr_client, hr_a, integrity_officer
):
    ticket = upload(hr_client, HEADER, ROSA).context["ticket"]
    other = signed_in(Client(), integrity_officer)
    assert confirm(other, ticket).status_code == 404
    assert table_sizes() == (0, 0, 0)
    assert len(waiting_files(hr_a)) == 1
    assert confirm(hr_client, ticket).status_code == 302
    assert table_sizes()[1] == 1


def test_a_tampered_ticket_is_refused(hr_client, hr_a):
    ticket = upload(hr_client, HEADER, ROSA).context["ticket"]
    assert confirm(hr_client, ticket[:-2] + "xx").status_code == 404
    assert confirm(hr_client, "../../settings.py").status_code == 404
    assert table_sizes() == (0, 0, 0)


def test_a_new_upload_replaces_the_users_waiting_file(hr_client, hr_a):
    first = upload(hr_client, HEADER, ROSA).context["ticket"]
    upload(hr_client, HEADER, JOSE)
    assert len(waiting_files(hr_a)) == 1
    confirm(hr_client, first)
    assert "The uploaded file has expired" in hr_client.get(URL).text
    assert table_sizes() == (0, 0, 0)


def test_the_full_option_previews_and_marks_leavers(hr_client, units):
    leaver = StaffMemberFactory(unit=units["a1"], hired_on=date(2025, 1, 6))
    response = upload(hr_client, HEADER, ROSA, full=True)
    assert "Staff to mark as leavers" in response.text
    assert leaver.person.masked_document().split(" ")[-1] in response.text
    confirm(hr_client, response.context["ticket"])
    leaver.refresh_from_db()
    assert leaver.left_on is not None


def test_a_wrong_file_type_is_refused_with_a_clear_message(hr_client):
    response = upload(hr_client, "%PDF", name="personal.pdf")
    assert response.status_code == 200
    assert "Upload a CSV or Excel (.xlsx) file." in response.text


def test_a_file_over_the_size_limit_is_refused(hr_client, monkeypatch):
    monkeypatch.setattr(views, "MAX_UPLOAD_BYTES", 100)
    response = upload(hr_client, HEADER, ROSA)
    assert "files up to 100" in response.text
    assert table_sizes() == (0, 0, 0)


def test_the_integrity_officer_may_import_into_any_unit(
    client, units, integrity_officer
):
    signed_in(client, integrity_officer)
    response = upload(client, HEADER, ROSA.replace("GRDS", "GRDE"))
    assert confirm(client, response.context["ticket"]).status_code == 302
    assert StaffMember.objects.get().unit.code == "GRDE"


def test_a_unit_head_may_not_import(client, unit_head_a):
    """Wagtail turns the refusal into a redirect home with a message."""
    signed_in(client, unit_head_a)
    for response in (client.get(URL), upload(client, HEADER, ROSA)):
        assert response.status_code == 302
        assert response.url == reverse("wagtailadmin_home")
    home = client.get(reverse("wagtailadmin_home"))
    assert "you do not have permission" in home.text
    assert URL not in home.text
    assert table_sizes() == (0, 0, 0)


def test_a_learner_cannot_open_the_page(client, learner):
    signed_in(client, learner)
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert upload(client, HEADER, ROSA).status_code == 302
    assert table_sizes() == (0, 0, 0)


def test_a_visitor_is_sent_to_signed_in(client, units):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_menu_offers_the_import_to_hr_officers(hr_client):
    assert URL in hr_client.get(reverse("wagtailadmin_home")).text


@pytest.mark.parametrize("size", [10, 300])
def test_the_preview_needs_the_same_queries_whatever_the_file_size(
    hr_client, units, django_assert_max_num_queries, size
):
    for n in range(0, size, 2):
        StaffMemberFactory(
            person=PersonFactory(document_number=f"{20_000_000 + n:08d}"),
            unit=units["a"],
            post="Antes",
        )
    lines = [
        f"{20_000_000 + n:08d},Nombre,Apellido {n},,GRDS,Después,CAS,01/03/2026,,no"
        for n in range(size)
    ]
    with django_assert_max_num_queries(16):
        response = upload(hr_client, HEADER, *lines, full=True)
    assert response.context["result"].created == size // 2


def test_a_confirmation_stopped_half_way_may_be_retried_and_imports_once(
    hr_client, hr_a, induction, monkeypatch
):
    # gunicorn stops a worker that runs too long with SystemExit, which no
    # `except Exception` sees; the people were written, the assignments not.
    ticket = upload(hr_client, HEADER, ROSA, JOSE).context["ticket"]

    def stopped(**kwargs):
        raise SystemExit(1)

    with monkeypatch.context() as patched:
        patched.setattr("lms.imports.changes.sync_assignments", stopped)
        with pytest.raises(SystemExit):
            confirm(hr_client, ticket)
    assert table_sizes() == (0, 0, 0)

    response = confirm(hr_client, ticket)
    assert response.status_code == 302
    assert "Staff imported: 2 created" in hr_client.get(URL).text
    assert table_sizes() == (2, 2, 2)
    assert ModelLogEntry.objects.filter(action=LOG_ACTION).count() == 1


def test_a_worker_killed_outright_frees_the_confirmation_within_minutes(
    hr_client, hr_a, induction
):
    ticket = upload(hr_client, HEADER, ROSA, JOSE).context["ticket"]
    # A killed worker leaves its claim behind, with nothing written.
    fields = signing.loads(ticket, salt=views.TICKET_SALT)
    claim = views.PendingImport(**fields).claim_key
    cache.add(claim, views.RUNNING, views.RUNNING_MAX_AGE)
    confirm(hr_client, ticket)
    assert "This import is under way" in hr_client.get(URL).text
    assert table_sizes() == (0, 0, 0)

    with time_machine.travel(timedelta(seconds=views.RUNNING_MAX_AGE + 1)):
        confirm(hr_client, ticket)
    assert table_sizes() == (2, 2, 2)
