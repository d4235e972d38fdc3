"""The public registry of "Empresa por la Integridad" holders."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lms.companies.views import REGISTRY_PAGE_SIZE
from lms.models import Company
from tests.factories import approved_company
from tests.lms.companies.test_companies import (
    business_course_fixture,  # noqa: F401 (fixture)
    company_fixture,  # noqa: F401 (fixture)
    person_with_account,
    representative_fixture,  # noqa: F401 (fixture)
    ruc,
)
from tests.lms.companies.test_company_views import certificate

URL = reverse("companies:registry")


def holder(course, number: int, name: str = "") -> Company:
    company = approved_company(
        ruc=ruc(f"20{number:08d}"),
        legal_name=name or f"Empresa {number:03d} S.A.C.",
        address="Jr. Lima 1, Cajamarca",
        representative=person_with_account(email=f"rep{number}@empresa.pe"),
    )
    certificate(company, course, 1)
    return company


def test_the_registry_is_public_and_lists_holders_only(
    client, company, business_course, english
):
    listed = holder(business_course, 7, "Café de Jaén Exportadora S.A.C.")
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert listed.legal_name in html
    assert listed.ruc in html
    assert listed.representative.full_name in html
    assert "Valid" in html
    # The company without a certificate is not a holder.
    assert company.legal_name not in html


def test_the_registry_shows_no_personal_data(client, business_course):
    listed = holder(business_course, 7)
    html = client.get(URL).content.decode()
    person = listed.representative
    assert person.document_number not in html
    assert person.user.email not in html
    assert listed.address not in html


def test_the_latest_certificate_gives_the_status(client, business_course, english):
    listed = holder(business_course, 7)
    listed.certificates.update(expires_on=date(2020, 1, 1))
    certificate(listed, business_course, 2, issued_on=date(2026, 11, 1))
    html = client.get(URL).content.decode()
    assert "Valid" in html and "Expired" not in html
    assert "01/11/2026" in html


def test_a_revoked_certificate_shows_as_revoked(client, business_course, english):
    listed = holder(business_course, 7)
    listed.certificates.update(revoked_at=timezone.now(), revocation_reason="error")
    assert "Revoked" in client.get(URL).content.decode()


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("2000000007", ["Café de Jaén S.A.C."]),  # all but the check digit
        ("200000000", ["Café de Jaén S.A.C.", "Minera Norte S.A."]),  # prefix
        ("jaén", ["Café de Jaén S.A.C."]),
        # Without accents, in any case, words in any order.
        ("jaen", ["Café de Jaén S.A.C."]),
        ("JAEN", ["Café de Jaén S.A.C."]),
        ("JAÉN CAFE", ["Café de Jaén S.A.C."]),
        ("NORTE", ["Minera Norte S.A."]),
        ("nadie", []),
    ],
)
def test_search_by_ruc_or_name(client, business_course, query, found):
    holder(business_course, 7, "Café de Jaén S.A.C.")
    holder(business_course, 8, "Minera Norte S.A.")
    holder(business_course, 123, "Otra Cosa S.R.L.")
    response = client.get(URL, {"q": query})
    names = [row["company"].legal_name for row in response.context["rows"]]
    assert names == found


def test_search_by_the_full_ruc(client, business_course):
    listed = holder(business_course, 7)
    holder(business_course, 8)
    response = client.get(URL, {"q": listed.ruc})
    assert [row["company"] for row in response.context["rows"]] == [listed]


def test_the_registry_is_paginated(client, business_course):
    for number in range(REGISTRY_PAGE_SIZE + 2):
        holder(business_course, number + 1)
    first = client.get(URL)
    second = client.get(URL, {"page": 2})
    assert len(first.context["rows"]) == REGISTRY_PAGE_SIZE
    assert len(second.context["rows"]) == 2


@pytest.mark.parametrize("size", [1, 12])
def test_the_registry_has_a_fixed_query_count(
    client, business_course, size, django_assert_max_num_queries
):
    for number in range(size):
        listed = holder(business_course, number + 1)
        certificate(listed, business_course, 2)
    with django_assert_max_num_queries(6):
        response = client.get(URL, {"q": "Empresa"})
    assert len(response.context["rows"]) == size


def test_the_registry_query_count_does_not_grow(client, business_course):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(URL)
        return len(captured)

    holder(business_course, 1)
    small = queries()
    for number in range(2, 15):
        certificate(holder(business_course, number), business_course, 2)
    assert queries() == small
