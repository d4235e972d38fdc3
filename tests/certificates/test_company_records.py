"""Companies and their certificates as records: RUC checked, one per period."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from certificates.models import Certificate
from lms.models import Company, Person
from tests.factories import UserFactory, approved_company

pytestmark = pytest.mark.django_db


@pytest.fixture
def company(db):
    person = Person.objects.for_user(UserFactory(email="gerente@empresa.pe"))
    return approved_company(
        ruc="20512333797",
        legal_name="Cafetalera San Ignacio S.A.C.",
        address="Jr. Amazonas 123, San Ignacio",
        representative=person,
    )


def certificate(company: Company, course, *, for_company: bool, code: str):
    """The representative's own certificate, or the company's."""
    return Certificate.objects.create(
        code=code,
        person=company.representative,
        company=company if for_company else None,
        course=course,
        holder_name=company.legal_name if for_company else "Gerente",
        certificate_title="Empresa por la Integridad",
        course_title=course.title,
        hours=2,
        issued_on=date(2026, 11, 1),
    )


def test_a_company_with_a_wrong_ruc_check_digit_is_refused(company):
    company.ruc = "20512333798"
    with pytest.raises(ValidationError) as refused:
        company.full_clean()
    assert "ruc" in refused.value.error_dict


def test_the_company_and_its_representative_each_hold_one_per_period(company, course):
    certificate(company, course, for_company=False, code="GRC-PERSONA")
    certificate(company, course, for_company=True, code="GRC-EMPRESA")

    with pytest.raises(IntegrityError):
        certificate(company, course, for_company=True, code="GRC-EMPRESA-2")
