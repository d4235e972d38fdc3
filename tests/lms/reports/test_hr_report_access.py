"""Who may open the HR reports, their exports and transcripts, and what they see.

An HR officer of one unit never sees the people of another: not on the page,
not in the CSV or XLSX export, not in a transcript (404).
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.urls import reverse

from lms.models import Assignment, Person, Role
from lms.reports.exports import FULL_DOCUMENT_HEADING
from tests.factories import StaffMemberFactory, UserFactory, grant, with_mfa

LIMA = ZoneInfo("America/Lima")
REPORTS = ["completion", "overdue", "new_hires", "assignments"]
LIST_REPORTS = ["overdue", "new_hires", "assignments"]


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime(2026, 5, 1, 9, tzinfo=LIMA), tick=False):
        yield


def overdue_person(unit, requirement, *, last_names: str, dni: str):
    """Add someone hired recently whose assignment is already overdue."""
    person = Person.objects.create(
        document_number=dni, first_names="Persona", last_names=last_names
    )
    staff = StaffMemberFactory(person=person, unit=unit, hired_on=date(2026, 4, 2))
    Assignment.objects.create(
        staff=staff, requirement=requirement, due_on=date(2026, 4, 20)
    )
    return staff


@pytest.fixture
def in_a(units, induction):
    return overdue_person(units["a"], induction, last_names="Alfaro", dni="41111111")


@pytest.fixture
def in_a1(units, induction):
    return overdue_person(
        units["a1"], induction, last_names="Benavides", dni="42222222"
    )


@pytest.fixture
def in_b(units, induction):
    return overdue_person(units["b"], induction, last_names="Cabrera", dni="43333333")


@pytest.fixture
def editor(db):
    """Someone who opens the admin (to edit pages, say) but holds no HR role."""
    user = UserFactory(email="editora@example.pe")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return with_mfa(user)


@pytest.fixture
def everyone(in_a, in_a1, in_b):
    return {"a": in_a, "a1": in_a1, "b": in_b}


def page(client, user, report: str, **params) -> str:
    client.force_login(user)
    response = client.get(reverse(f"lms_report_{report}"), params)
    assert response.status_code == 200
    return response.content.decode()


def csv_rows(client, user, report: str) -> list[list[str]]:
    client.force_login(user)
    response = client.get(reverse(f"lms_report_{report}"), {"export": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def xlsx_rows(client, user, report: str) -> list[tuple]:
    client.force_login(user)
    response = client.get(reverse(f"lms_report_{report}"), {"export": "xlsx"})
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook.active.iter_rows(values_only=True))


def names_in(rows) -> set[str]:
    return {str(cell) for row in rows for cell in row if cell}


@pytest.mark.django_db
class TestListsAreScoped:
    @pytest.mark.parametrize("report", LIST_REPORTS)
    def test_hr_officer_sees_their_units_people_only(
        self, client, hr_a, everyone, report
    ):
        html = page(client, hr_a, report)
        assert "Alfaro" in html and "Benavides" in html
        assert "Cabrera" not in html

    @pytest.mark.parametrize("report", LIST_REPORTS)
    def test_hr_officer_of_another_unit_sees_none_of_them(
        self, client, hr_b, everyone, report
    ):
        html = page(client, hr_b, report)
        assert "Cabrera" in html
        assert "Alfaro" not in html and "Benavides" not in html

    @pytest.mark.parametrize("report", LIST_REPORTS)
    def test_unit_head_sees_their_subtree(self, client, units, everyone, report):
        head = grant(UserFactory(), Role.UNIT_HEAD, units["a1"])
        html = page(client, head, report)
        assert "Benavides" in html
        assert "Alfaro" not in html and "Cabrera" not in html

    @pytest.mark.parametrize("report", LIST_REPORTS)
    def test_integrity_officer_sees_everyone(
        self, client, integrity_officer, everyone, report
    ):
        html = page(client, integrity_officer, report)
        assert all(name in html for name in ["Alfaro", "Benavides", "Cabrera"])

    def test_completion_rate_lists_only_units_in_scope(
        self, client, hr_b, everyone, units
    ):
        html = page(client, hr_b, "completion")
        assert units["b"].name in html
        assert units["a"].name not in html and units["a1"].name not in html

    @pytest.mark.parametrize("report", LIST_REPORTS)
    def test_pages_show_the_document_masked(self, client, hr_a, everyone, report):
        html = page(client, hr_a, report)
        assert "*****111" in html
        assert "41111111" not in html


@pytest.mark.django_db
class TestExportsAreScoped:
    @pytest.mark.parametrize("report", LIST_REPORTS)
    def test_csv_has_their_units_people_with_full_dni(
        self, client, hr_a, everyone, report
    ):
        rows = csv_rows(client, hr_a, report)
        cells = names_in(rows)
        assert {"41111111", "42222222"} <= cells
        assert "43333333" not in cells
        assert not any("Cabrera" in cell for cell in cells)
        assert str(FULL_DOCUMENT_HEADING) in rows[0]

    @pytest.mark.parametrize("report", LIST_REPORTS)
    def test_xlsx_has_their_units_people_only(self, client, hr_b, everyone, report):
        cells = names_in(xlsx_rows(client, hr_b, report))
        assert "43333333" in cells
        assert not {"41111111", "42222222"} & cells

    @pytest.mark.parametrize("export", [csv_rows, xlsx_rows])
    def test_completion_export_leaves_out_other_units(
        self, client, hr_b, everyone, units, export
    ):
        cells = names_in(export(client, hr_b, "completion"))
        assert units["b"].code in cells
        assert not {units["a"].code, units["a1"].code} & cells

    @pytest.mark.parametrize("report", LIST_REPORTS)
    def test_unit_head_exports_their_subtree(self, client, units, everyone, report):
        head = grant(UserFactory(), Role.UNIT_HEAD, units["a1"])
        cells = names_in(csv_rows(client, head, report))
        assert "42222222" in cells
        assert not {"41111111", "43333333"} & cells


@pytest.mark.django_db
class TestRefusals:
    @pytest.mark.parametrize("report", REPORTS)
    @pytest.mark.parametrize("export", ["", "csv", "xlsx"])
    def test_anonymous_is_sent_to_log_in(self, client, everyone, report, export):
        response = client.get(reverse(f"lms_report_{report}"), {"export": export})
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]

    @pytest.mark.parametrize("report", REPORTS)
    @pytest.mark.parametrize("export", ["", "csv", "xlsx"])
    def test_learner_gets_nothing(self, client, learner, everyone, report, export):
        client.force_login(learner)
        response = client.get(reverse(f"lms_report_{report}"), {"export": export})
        assert response.status_code == 302
        assert b"Alfaro" not in response.content

    @pytest.mark.parametrize("report", REPORTS)
    def test_admin_user_without_a_role_is_turned_away(
        self, client, editor, everyone, report
    ):
        """Wagtail answers a PermissionDenied with a redirect to the dashboard."""
        client.force_login(editor)
        response = client.get(reverse(f"lms_report_{report}"))
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")

    def test_tampered_unit_outside_scope_lists_nobody(
        self, client, hr_b, everyone, units
    ):
        html = page(client, hr_b, "overdue", unit=units["a"].pk)
        assert "Alfaro" not in html and "Cabrera" not in html


@pytest.mark.django_db
class TestTranscriptAccess:
    def url(self, staff) -> str:
        return reverse("certificates_staff_transcript", args=[staff.pk])

    def test_hr_officer_gets_their_persons_pdf(self, client, hr_a, in_a1):
        client.force_login(hr_a)
        response = client.get(self.url(in_a1))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"

    def test_hr_officer_of_another_unit_gets_404(self, client, hr_b, in_a):
        client.force_login(hr_b)
        assert client.get(self.url(in_a)).status_code == 404

    def test_unit_head_gets_404_above_their_subtree(self, client, units, in_a):
        head = grant(UserFactory(), Role.UNIT_HEAD, units["a1"])
        client.force_login(head)
        assert client.get(self.url(in_a)).status_code == 404

    def test_learner_and_anonymous_are_refused(self, client, learner, in_a):
        assert client.get(self.url(in_a)).status_code == 302
        client.force_login(learner)
        response = client.get(self.url(in_a))
        assert response.status_code == 302
        assert response["Content-Type"] != "application/pdf"


@pytest.mark.django_db
class TestMenu:
    def test_reports_menu_lists_hr_reports_for_a_role(self, client, hr_a):
        client.force_login(hr_a)
        html = client.get(reverse("wagtailadmin_home")).content.decode()
        for report in REPORTS:
            assert reverse(f"lms_report_{report}") in html

    def test_reports_menu_hides_them_from_an_editor_without_a_role(
        self, client, editor
    ):
        client.force_login(editor)
        html = client.get(reverse("wagtailadmin_home")).content.decode()
        assert reverse("lms_report_overdue") not in html
