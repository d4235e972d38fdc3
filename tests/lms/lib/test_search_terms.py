"""Every search box refuses over-long terms with a message, and lists as unsearched.

A 2,000-word staff search took 29 seconds: each word adds a condition on
every searched field. The admin's listings (staff, units, roles,
certificates, pages) and the public company registry answer an over-long
search at once, saying in Spanish how long a search may be.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.search_terms import MAX_SEARCH_CHARACTERS, MAX_SEARCH_WORDS
from tests.certificates.conftest import issue
from tests.factories import StaffMemberFactory, UserFactory, with_mfa
from tests.lms.companies.test_companies import business_course_fixture  # noqa: F401
from tests.lms.companies.test_company_registry import holder

TOO_MANY_WORDS = " ".join(["quispe"] * (MAX_SEARCH_WORDS + 1))
TOO_MANY_CHARACTERS = "q" * (MAX_SEARCH_CHARACTERS + 1)
MESSAGE = (
    f"Busque con {MAX_SEARCH_WORDS} palabras y {MAX_SEARCH_CHARACTERS} "
    "caracteres como máximo"
)

pytestmark = pytest.mark.django_db


def answer(client, user, url: str, query: str):
    client.force_login(user)
    response = client.get(url, {"q": query})
    assert response.status_code == 200
    return response


@pytest.fixture
def staff(units):
    return StaffMemberFactory(
        unit=units["a"], person__first_names="Rosa", person__last_names="Quispe"
    )


@pytest.mark.parametrize("query", [TOO_MANY_WORDS, TOO_MANY_CHARACTERS])
def test_the_staff_list_refuses_a_long_search_and_lists_as_unsearched(
    client, hr_a, staff, query
):
    response = answer(client, hr_a, reverse("lms_staff:index"), query)

    assert MESSAGE in response.text
    assert list(response.context["object_list"]) == [staff]


def test_the_staff_list_still_searches_by_several_words(client, hr_a, staff, units):
    StaffMemberFactory(unit=units["a"], person__last_names="Huamán")
    query = " ".join(["rosa", "quispe"] * (MAX_SEARCH_WORDS // 2))

    response = answer(client, hr_a, reverse("lms_staff:index"), query)

    assert MESSAGE not in response.text
    assert list(response.context["object_list"]) == [staff]


def test_the_units_list_refuses_a_long_search(client, integrity_officer, units):
    url = reverse("lms_organisations:index")

    response = answer(client, integrity_officer, url, TOO_MANY_WORDS)

    assert MESSAGE in response.text
    assert len(response.context["object_list"]) == len(units)


def test_the_roles_list_refuses_a_long_search(client, integrity_officer, hr_a):
    url = reverse("lms_roles:index")

    response = answer(client, integrity_officer, url, TOO_MANY_CHARACTERS)

    assert MESSAGE in response.text
    assert len(response.context["object_list"]) == 2


def test_the_certificate_list_refuses_a_long_search(client, person, course):
    certificate = issue(person, course, timezone.localdate())
    superuser = with_mfa(UserFactory(is_superuser=True))
    url = reverse("certificates_admin:index")

    response = answer(client, superuser, url, TOO_MANY_WORDS)

    assert MESSAGE in response.text
    assert list(response.context["object_list"]) == [certificate]


def test_the_page_search_refuses_a_long_search(client, catalogue):
    superuser = with_mfa(UserFactory(is_superuser=True))
    url = reverse("wagtailadmin_pages:search")

    response = answer(client, superuser, url, TOO_MANY_WORDS)

    assert MESSAGE in response.text


def test_the_catalogue_api_refuses_a_long_search(client, course):
    url = reverse("wagtailapi:pages:listing")

    refused = client.get(url, {"search": TOO_MANY_WORDS})
    found = client.get(url, {"search": course.title.split()[0]})

    assert refused.status_code == 400
    assert MESSAGE in refused.json()["message"]
    assert found.status_code == 200


def test_the_company_registry_refuses_a_long_search(client, business_course):
    company = holder(business_course, 7, "Café de Jaén S.A.C.")

    response = client.get(reverse("companies:registry"), {"q": TOO_MANY_WORDS})

    assert response.status_code == 200
    assert MESSAGE in response.text
    assert [row["company"] for row in response.context["rows"]] == [company]
