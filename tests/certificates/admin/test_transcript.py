"""A person's transcript PDF: courses, certificates and assignments, read back.

Needs Debian's poppler-utils (pdftotext). WeasyPrint is never mocked.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from certificates.issuance import issue_certificate
from certificates.models import RevocationReason, Status
from certificates.revocation import revoke
from lms.models import Assignment, Completion, Enrolment, Person, Role
from tests.factories import (
    CoursePageFactory,
    StaffMemberFactory,
    UserFactory,
    approved_company,
    grant,
)
from tests.pdf import pdf_text

LIMA = ZoneInfo("America/Lima")


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime(2026, 5, 1, 9, tzinfo=LIMA), tick=False):
        yield


@pytest.fixture
def holder(units, course, catalogue, induction, learner):
    """Someone of unit A1 with a completed course, one in progress, two certificates."""
    person = Person.objects.create(
        user=learner,
        document_number="42388604",
        first_names="Rosa Elena",
        last_names="Quispe Huamán",
    )
    staff = StaffMemberFactory(person=person, unit=units["a1"], post="Asistente")
    done = Enrolment.objects.create(user=learner, course=course)
    Completion.objects.create(
        enrolment=done, completed_at=datetime(2026, 3, 20, 10, tzinfo=LIMA), score=85
    )
    ongoing = CoursePageFactory(parent=catalogue, title="Contrataciones públicas")
    Enrolment.objects.create(user=learner, course=ongoing)
    Assignment.objects.create(
        staff=staff,
        requirement=induction,
        due_on=date(2026, 3, 31),
        completed_on=date(2026, 3, 20),
        renew_by=date(2028, 3, 20),
    )
    valid = issue_certificate(
        person=person, course=course, issued_on=date(2026, 3, 20), score=85
    )
    other = CoursePageFactory(parent=catalogue, title="Ética pública")
    revoked = issue_certificate(
        person=person, course=other, issued_on=date(2025, 6, 1), score=70
    )
    return {"staff": staff, "valid": valid, "revoked": revoked}


def transcript(client, user, staff):
    client.force_login(user)
    return client.get(reverse("certificates_staff_transcript", args=[staff.pk]))


@pytest.mark.django_db
def test_transcript_lists_courses_certificates_and_assignments(client, hr_a, holder):
    response = transcript(client, hr_a, holder["staff"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Rosa Elena Quispe Huamán" in text
    assert "Inducción" in text
    assert "Contrataciones públicas" in text
    assert "20/03/2026" in text
    assert "85" in text
    assert holder["valid"].code in text
    assert holder["revoked"].code in text
    assert "Inducción en integridad" in text


@pytest.mark.django_db
def test_transcript_shows_the_document_masked(client, hr_a, holder):
    text = pdf_text(transcript(client, hr_a, holder["staff"]).content)
    assert "*****604" in text
    assert "42388604" not in text


@pytest.mark.django_db
def test_transcript_gives_each_certificates_status(client, hr_a, holder):
    revoke(
        certificate=holder["revoked"],
        reason=RevocationReason.ISSUED_IN_ERROR,
        by=hr_a,
        now=timezone.now(),
    )
    text = pdf_text(transcript(client, hr_a, holder["staff"]).content)
    valid, revoked = holder["valid"], holder["revoked"]
    assert f"{valid.code} Inducción 20/03/2026" in text
    assert f"{valid.code} Inducción 20/03/2026 – {Status.VALID.label}" in text
    assert f"{revoked.code} Ética pública 01/06/2025" in text
    assert str(Status.REVOKED.label) in text


@pytest.mark.django_db
def test_a_company_the_person_represents_keeps_its_certificate_off_it(
    client, hr_a, holder, catalogue
):
    person = holder["staff"].person
    company = approved_company(
        ruc="20601234565",
        legal_name="Cafés Especiales de Jaén S.A.C.",
        address="Jaén",
        representative=person,
    )
    business = CoursePageFactory(parent=catalogue, title="Empresa por la Integridad")
    firms = issue_certificate(
        person=person,
        company=company,
        course=business,
        issued_on=date(2026, 4, 1),
        score=None,
    )

    text = pdf_text(transcript(client, hr_a, holder["staff"]).content)

    assert holder["valid"].code in text
    assert firms.code not in text


@pytest.mark.django_db
def test_unit_head_of_the_subtree_may_read_it(client, units, holder):
    head = grant(UserFactory(), Role.UNIT_HEAD, units["a1"])
    assert transcript(client, head, holder["staff"]).status_code == 200


@pytest.mark.django_db
def test_hr_officer_of_another_unit_gets_404(client, hr_b, holder):
    assert transcript(client, hr_b, holder["staff"]).status_code == 404


@pytest.mark.django_db
def test_an_unknown_person_is_404(client, hr_a, holder):
    client.force_login(hr_a)
    url = reverse("certificates_staff_transcript", args=[holder["staff"].pk + 999])
    assert client.get(url).status_code == 404
