"""Pages with personal data tell every cache not to store them."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from certificates.issuance import issue_certificate
from lms.models import Person

pytestmark = pytest.mark.django_db


def is_never_stored(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


@pytest.fixture
def certificate(learner, course, settings, tmp_path):
    settings.CERTIFICATE_KEYS_DIR = tmp_path / "keys"
    call_command("create_issuer_key", stdout=StringIO())  # to sign credentials
    person = Person.objects.create(
        user=learner, document_number="42388604", first_names="Rosa", last_names="Q"
    )
    return issue_certificate(
        person=person, course=course, issued_on=timezone.localdate(), score=90
    )


def test_every_page_a_signed_in_learner_sees_is_never_stored(
    learner_client, course, lessons, enrolment
):
    for url in (reverse("lms:my_courses"), course.url, lessons[0].url, "/"):
        response = learner_client.get(url)
        assert response.status_code == 200, url
        assert is_never_stored(response), url


def test_hr_reports_are_never_stored(client, hr_a):
    client.force_login(hr_a)
    for params in ({}, {"export": "csv"}):
        response = client.get(reverse("lms_report_overdue"), params)
        assert response.status_code == 200
        assert is_never_stored(response)


def test_public_pages_naming_a_person_are_never_stored(client, certificate):
    code = certificate.code
    for url in (
        reverse("certificates:verify", args=[code]),
        reverse("api-v1:certificate", args=[code]),
        reverse("api-v1:certificate_credential", args=[code]),
        reverse("companies:registry"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert is_never_stored(response), url


def test_the_public_catalogue_may_be_cached(client, course, lessons):
    for url in ("/", course.url, reverse("certificates:verify_form")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" not in response.get("Cache-Control", ""), url
