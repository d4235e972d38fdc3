from datetime import date

import pytest
from django.contrib.auth.models import Permission

from certificates.issuance import issue_certificate
from certificates.models import Certificate
from courses.models import CoursePage
from lms.models import Person
from tests.factories import UserFactory, with_mfa


@pytest.fixture
def yearly_course(course) -> CoursePage:
    """The course with certificates valid for twelve months."""
    CoursePage.objects.filter(pk=course.pk).update(validity_months=12)
    return CoursePage.objects.get(pk=course.pk)


@pytest.fixture
def editor(db):
    """Someone in the admin who may look at certificates but not act on them."""
    return user_with("access_admin", "view_certificate", email="editora@example.pe")


@pytest.fixture
def officer(db):
    """Someone given the permission to act on certificates, not a superuser."""
    return user_with("access_admin", "revoke_certificate", email="oficial@example.pe")


def user_with(*codenames: str, email: str):
    user = UserFactory(email=email)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return with_mfa(user)  # the admin is for staff, who must use two-factor


def people(count: int, *, start: int = 0) -> list[Person]:
    return [
        Person.objects.create(
            document_number=f"{70000000 + number}",
            first_names=f"Persona {number}",
            last_names="Prueba",
        )
        for number in range(start, start + count)
    ]


def issue(person: Person, course: CoursePage, day: date) -> Certificate:
    return issue_certificate(person=person, course=course, issued_on=day, score=90)
