import json

import pytest
from django.urls import reverse

from lms.accounts.privacy import record_consent
from lms.models import Assignment
from tests.factories import StaffMemberFactory, TrainingRequirementFactory
from tests.lms.accounts.conftest import failed_attempt

pytestmark = pytest.mark.django_db


@pytest.fixture
def rosa_data(learner, person, certificate, units, at_noon):
    """Rosa's progress, a failed attempt, a consent and a staff record."""
    enrolment = certificate.completion.enrolment
    failed_attempt(enrolment, now=at_noon)
    record_consent(user=learner, now=at_noon)
    staff = StaffMemberFactory(
        person=person, unit=units["a"], post="Asistente de archivo"
    )
    requirement = TrainingRequirementFactory(
        course=certificate.course, organisation=units["root"]
    )
    Assignment.objects.create(
        staff=staff, requirement=requirement, due_on=at_noon.date()
    )
    return certificate


def download(client, name: str):
    return client.get(reverse(f"accounts:{name}"))


def test_anonymous_visitors_are_sent_to_log_in(client):
    for name in ("data_json", "data_pdf"):
        assert download(client, name).url.startswith(reverse("account_login"))


def test_the_json_holds_the_persons_account_courses_and_records(
    learner_client, rosa_data, stranger_data, trail
):
    response = download(learner_client, "data_json")
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["email"] == "rosa@example.pe"
    assert data["person"]["document_number"] == "42388604"
    [enrolment] = data["enrolments"]
    assert enrolment["course"] == "Inducción"
    assert len(enrolment["attempts"]) == 1
    assert enrolment["completions"][0]["score"] == 90
    [certificate] = data["certificates"]
    assert certificate["code"] == rosa_data.code
    assert certificate["status"] == "Vigente"
    assert data["staff_record"]["post"] == "Asistente de archivo"
    assert len(data["staff_record"]["assignments"]) == 1
    assert data["consents"][0]["notice_version"]
    assert trail.of("personal_data_downloaded")[0]["format"] == "json"


def test_another_persons_data_never_appears(learner_client, rosa_data, stranger_data):
    text = download(learner_client, "data_json").content.decode()
    for theirs in ("Carlos", "carlos@example.pe", "40999111", stranger_data.code):
        assert theirs not in text


def test_a_person_with_no_records_gets_empty_sections(learner_client, learner):
    data = json.loads(download(learner_client, "data_json").content)
    assert data["enrolments"] == [] and data["certificates"] == []
    assert data["staff_record"] is None and data["consents"] == []


def test_the_pdf_is_a_pdf_of_the_same_data(learner_client, rosa_data):
    response = download(learner_client, "data_pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_download_takes_a_fixed_number_of_queries(
    learner_client, rosa_data, django_assert_max_num_queries
):
    with django_assert_max_num_queries(25):
        download(learner_client, "data_json")
