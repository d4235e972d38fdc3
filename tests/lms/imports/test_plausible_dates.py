"""Absurd dates (31/12/9999, 1850) are refused wherever a person or a file
gives one, and a stray one already stored no longer crashes the rules."""

from __future__ import annotations

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import models
from django.urls import reverse
from openpyxl import Workbook

from courses.dates import add_days, add_months, validate_plausible_date
from courses.models import CoursePage
from lms.cohorts.forms import CohortForm, SessionForm
from lms.imports.columns import STAFF_FILE, parse_sheet
from lms.lib.spreadsheets import read_sheet
from lms.models import Assignment, CohortMode, StaffMember, TrainingRequirement
from lms.staff.assignments import sync_assignments
from lms.staff.scopes import Scope
from tests.admin_helpers import messages_of, signed_in
from tests.factories import StaffMemberFactory, TrainingRequirementFactory

pytestmark = pytest.mark.django_db

LIMA = ZoneInfo("America/Lima")
TODAY = date(2026, 3, 10)
REFUSAL = "Ingrese una fecha entre el 01/01/1900 y el 10/03/2036."
HEADER = (
    "dni,nombres,apellidos,correo,codigo_unidad,cargo,regimen,"
    "fecha_ingreso,fecha_cese,es_directivo"
)
EVERYTHING = Scope(everything=True, paths=())


def in_spanish(client, user):
    """Return the client signed in as `user`, reading the admin in Spanish."""
    signed_in(client, user).cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    return client


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime(2026, 3, 10, 12, tzinfo=LIMA), tick=False):
        yield


@pytest.mark.parametrize("written", ["9999-12-31", "1850-06-01", "2036-03-11"])
def test_a_requirement_applying_from_an_absurd_date_is_refused(
    client, integrity_officer, course, written
):
    response = in_spanish(client, integrity_officer).post(
        reverse("lms_requirements:add"),
        {
            "name": "Inducción",
            "course": course.pk,
            "due_days": 30,
            "applies_from": written,
            "is_active": "on",
        },
    )
    assert response.context["form"].errors["applies_from"] == [REFUSAL]
    assert not TrainingRequirement.objects.exists()


def test_the_window_takes_dates_up_to_ten_years_ahead(
    client, integrity_officer, course
):
    response = in_spanish(client, integrity_officer).post(
        reverse("lms_requirements:add"),
        {
            "name": "Inducción",
            "course": course.pk,
            "due_days": 30,
            "applies_from": "2036-03-10",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert TrainingRequirement.objects.get().applies_from == date(2036, 3, 10)


def test_periods_that_would_land_past_the_window_are_refused(
    client, integrity_officer, course
):
    CoursePage.objects.filter(pk=course.pk).update(validity_months=24)
    response = in_spanish(client, integrity_officer).post(
        reverse("lms_requirements:add"),
        {
            "name": "Inducción",
            "course": course.pk,
            "due_days": 5000,
            "recertify_months": 1200,
            "applies_from": "2026-03-10",
            "is_active": "on",
        },
    )
    errors = response.context["form"].errors
    assert errors["due_days"] == [
        "Asegúrese de que este valor es menor o igual a 3650."
    ]
    assert errors["recertify_months"] == [
        "Asegúrese de que este valor es menor o igual a 120."
    ]
    with pytest.raises(ValidationError):
        CoursePage._meta.get_field("validity_months").clean(1200, None)


@pytest.mark.parametrize("field", ["hired_on", "left_on", "moved_on"])
def test_a_staff_record_with_an_absurd_date_is_refused(client, hr_a, units, field):
    data = {
        "document_type": "1",
        "document_number": "70112233",
        "first_names": "Lucía",
        "last_names": "Mendoza Paredes",
        "email": "lmendoza@regioncajamarca.gob.pe",
        "unit": units["a"].pk,
        "regime": "CAS",
        "hired_on": "2026-03-01",
        field: "9999-12-31",
    }
    response = in_spanish(client, hr_a).post(reverse("lms_staff:add"), data)
    assert response.context["form"].errors[field] == [REFUSAL]
    assert not StaffMember.objects.exists()


def test_a_due_date_extended_to_the_year_9999_is_refused(
    client, hr_a, units, induction
):
    member = StaffMemberFactory(unit=units["a"], hired_on=date(2026, 3, 1))
    sync_assignments(today=TODAY)
    assignment = Assignment.objects.get(staff=member)
    response = in_spanish(client, hr_a).post(
        reverse("lms_staff_extend", args=[member.pk, assignment.pk]),
        {"new_due_on": "9999-12-31", "reason": "Licencia"},
    )
    [message] = messages_of(response)
    assert REFUSAL in message
    assignment.refresh_from_db()
    assert assignment.due_on == date(2026, 3, 31)


def test_a_cohort_or_session_in_the_year_9999_is_refused(course):
    cohort = CohortForm(
        {
            "course": course.pk,
            "name": "Cajamarca, marzo",
            "mode": CohortMode.VIRTUAL,
            "capacity": 30,
            "starts_on": "2026-03-20",
            "ends_on": "9999-12-31",
        }
    )
    assert cohort.errors["ends_on"] == [REFUSAL]
    session = SessionForm({"number": 1, "starts_at": "9999-12-31T10:00", "minutes": 60})
    assert session.errors["starts_at"] == [REFUSAL]


def staff_rows(*lines: str):
    sheet = read_sheet(
        "\n".join([HEADER, *lines]).encode(), "personal.csv", limits=STAFF_FILE
    )
    return parse_sheet(sheet, scope=EVERYTHING)


@pytest.mark.parametrize(
    "hired, left",
    [("31/12/9999", ""), ("1850-01-01", ""), ("02/03/2026", "31/12/9999")],
)
def test_an_import_row_with_an_absurd_date_is_an_error_on_its_cell(units, hired, left):
    line = f"41234567,Rosa,Quispe,rosa@gob.pe,GRDS,Analista,CAS,{hired},{left},no"
    rows, errors = staff_rows(line)
    column = "fecha_cese" if left else "fecha_ingreso"
    assert rows == []
    assert [(e.row, e.column, e.message) for e in errors] == [(2, column, REFUSAL)]


def test_an_absurd_date_cell_of_a_workbook_is_an_error(units):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(
        ["41234567", "Rosa", "Quispe", "rosa@gob.pe", "GRDS", "Analista", "CAS"]
        + [datetime(9999, 12, 31), None, "no"]
    )
    data = io.BytesIO()
    workbook.save(data)
    _rows, errors = parse_sheet(
        read_sheet(data.getvalue(), "personal.xlsx", limits=STAFF_FILE),
        scope=EVERYTHING,
    )
    assert [(e.column, e.message) for e in errors] == [("fecha_ingreso", REFUSAL)]


def test_the_daily_command_refuses_an_absurd_day():
    with pytest.raises(CommandError, match=REFUSAL.replace(".", r"\.")):
        call_command("send_reminders", "--today=9999-12-31")


def test_a_requirement_stored_with_31_12_9999_no_longer_breaks_the_daily_run(
    units, course
):
    # Saved before the window existed; every sync then raised OverflowError.
    TrainingRequirementFactory(course=course, applies_from=date(9999, 12, 31))
    member = StaffMemberFactory(unit=units["a"], hired_on=date(2026, 3, 1))
    call_command("send_reminders", "--today=2026-03-10", stdout=io.StringIO())
    assert Assignment.objects.get(staff=member).due_on == date.max


def test_adding_past_the_end_of_the_calendar_stops_there():
    assert add_days(date(9999, 12, 1), 60) == date.max
    assert add_days(date(1, 1, 10), -60) == date.min
    assert add_months(date(9999, 12, 31), 24) == date.max
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)


# Fields only the code sets, from the clock or from dates already checked;
# no form or file gives them.
SET_BY_THE_CODE = {
    "lms.User.last_login",
    "lms.User.date_joined",
    "lms.LessonProgress.completed_at",
    "lms.Attempt.started_at",
    "lms.Attempt.submitted_at",
    "lms.Completion.completed_at",
    "lms.Completion.revoked_at",
    "lms.Assignment.due_on",
    "lms.Assignment.completed_on",
    "lms.Assignment.renew_by",
    "lms.Assignment.waived_at",
    "lms.Assignment.closed_on",
    "lms.DueDateExtension.previous_due_on",
    "lms.Reminder.key_date",
    "lms.Reminder.sent_on",
    "lms.StaffMember.invited_at",
    "lms.TrainerCertification.approved_at",
    "lms.TrainerCertification.withdrawn_at",
    "lms.CohortSession.recorded_at",
    "lms.Participant.joined_at",
    "lms.Participant.paper_score_recorded_at",
    "lms.Attendance.recorded_at",
    "lms.CompanyMember.invited_at",
    "lms.CompanyMember.joined_at",
    "lms.Company.proof_uploaded_at",
    "lms.Company.reviewed_at",
    "lms.ExtraAttempt.granted_at",
    "lms.ExtensionRequest.current_due_on",
    "lms.ExtensionRequest.requested_at",
    "lms.ExtensionRequest.answered_at",
    "lms.StaffImport.imported_at",
    "lms.User.standing_changed_at",
    "lms.Person.erased_at",
    "lms.Consent.given_at",
    "lms.QuarterRelease.quarter_start",
    "lms.QuarterRelease.quarter_end",
    "certificates.Certificate.issued_on",
    "certificates.Certificate.expires_on",
    "certificates.Certificate.revoked_at",
    "certificates.Certificate.delivered_at",
}


def test_every_date_a_person_or_file_gives_is_checked_by_the_window():
    """A new date field must take the window, or be listed as set by the code."""
    unchecked = set()
    for label in ("lms", "certificates", "courses"):
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.get_fields(include_parents=False):
                if not isinstance(field, models.DateField):  # DateTimeField too
                    continue
                if field.auto_now or field.auto_now_add:
                    continue
                name = f"{label}.{model.__name__}.{field.name}"
                if validate_plausible_date not in field.validators:
                    unchecked.add(name)
    assert unchecked == SET_BY_THE_CODE


@pytest.mark.parametrize(
    "report, params",
    [
        ("assignments", {"due_on_from": "2026-01-01", "due_on_to": "9999-12-31"}),
        ("assignments", {"hired_on_to": "9999-12-31"}),
    ],
)
def test_a_report_filtered_to_the_year_9999_answers(client, hr_a, report, params):
    response = signed_in(client, hr_a).get(reverse(f"lms_report_{report}"), params)
    assert response.status_code == 200


def test_the_validator_takes_a_moment_by_its_day():
    validate_plausible_date(datetime(2026, 3, 10, 23, 59, tzinfo=LIMA))
    validate_plausible_date(None)
