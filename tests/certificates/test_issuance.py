from datetime import date

import pytest
from wagtail.models import Site

from certificates import codes
from certificates.issuance import issue_certificate
from certificates.models import Certificate, IssuerSettings, Status
from courses.dates import add_months
from courses.models import CoursePage

pytestmark = pytest.mark.django_db


def issue(person, course, day: date, score: int = 90) -> Certificate:
    return issue_certificate(person=person, course=course, issued_on=day, score=score)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2026, 11, 22), 24, date(2028, 11, 22)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
    ],
)
def test_months_are_added_as_a_calendar_does(day, months, expected):
    assert add_months(day, months) == expected


def test_a_certificate_expires_the_day_before_its_anniversary(yearly_course):
    assert yearly_course.validity_ends(date(2026, 11, 22)) == date(2027, 11, 21)


def test_a_course_without_validity_issues_certificates_that_never_expire(course):
    assert course.validity_ends(date(2026, 11, 22)) is None


def test_issuing_copies_the_holder_course_and_issuer_of_the_day(person, yearly_course):
    certificate = issue(person, yearly_course, date(2026, 11, 22))
    assert certificate.holder_name == "Rosa Elena Quispe Huamán"
    assert certificate.holder_document == "DNI *****604"
    assert certificate.course_title == yearly_course.title
    assert certificate.certificate_title == yearly_course.certificate_title
    assert certificate.hours == yearly_course.estimated_hours
    assert certificate.expires_on == date(2027, 11, 21)
    assert certificate.issuer["name"] == "Gobierno Regional de Cajamarca"
    assert codes.normalise(certificate.code, prefix="GRC") == certificate.code


def test_later_edits_do_not_change_an_issued_certificate(person, yearly_course):
    certificate = issue(person, yearly_course, date(2026, 11, 22))
    person.last_names = "Quispe de Chávez"
    person.save()
    settings = IssuerSettings.for_site(Site.objects.get(is_default_site=True))
    settings.issuer_name = "Otra entidad"
    settings.save()
    CoursePage.objects.filter(pk=yearly_course.pk).update(title="Otro título")
    certificate.refresh_from_db()
    assert certificate.holder_name == "Rosa Elena Quispe Huamán"
    assert certificate.issuer["name"] == "Gobierno Regional de Cajamarca"
    assert certificate.course_title != "Otro título"


def test_the_issuer_is_edited_in_wagtail_settings(person, course):
    settings = IssuerSettings.for_site(Site.objects.get(is_default_site=True))
    settings.issuer_name = "Gobierno Regional de Cajamarca – Sede Central"
    settings.signatories = [
        {
            "type": "signatory",
            "value": {"name": "Ana Díaz", "post": "Gerente General Regional"},
        }
    ]
    settings.save()
    certificate = issue(person, course, date(2026, 11, 22))
    assert certificate.issuer["name"] == "Gobierno Regional de Cajamarca – Sede Central"
    assert certificate.issuer["signatories"] == [
        {"name": "Ana Díaz", "post": "Gerente General Regional", "signature": ""}
    ]


def test_a_course_can_name_its_own_issuer(person, course):
    from certificates.models import CourseIssuer

    CourseIssuer.objects.create(course=course, issuer_name="Secretaría de Integridad")
    certificate = issue(person, course, date(2026, 11, 22))
    assert certificate.issuer["name"] == "Secretaría de Integridad"


def test_completing_again_within_the_validity_period_keeps_one_certificate(
    person, yearly_course
):
    first = issue(person, yearly_course, date(2026, 11, 22))
    again = issue(person, yearly_course, date(2027, 3, 1), score=100)
    assert again.pk == first.pk
    assert Certificate.objects.count() == 1


def test_a_retake_after_expiry_issues_a_new_certificate(person, yearly_course):
    first = issue(person, yearly_course, date(2025, 1, 10))
    second = issue(person, yearly_course, date(2026, 11, 22))
    assert second.pk != first.pk
    assert (first.period, second.period) == (1, 2)
    assert first.status(today=date(2026, 11, 22)) == Status.EXPIRED
    assert second.status(today=date(2026, 11, 22)) == Status.VALID


def test_codes_are_random_not_sequential(person, course, catalogue):
    from tests.factories import CoursePageFactory

    other_courses = [CoursePageFactory(parent=catalogue) for _ in range(5)]
    issued = [
        issue(person, c, date(2026, 11, 22)).code for c in [course, *other_courses]
    ]
    bodies = [code.split("-", 1)[1].replace("-", "") for code in issued]
    # Sequential codes would share all but their last characters; random ones
    # share a 12-character start with odds of about 1 in 10^17.
    assert len({body[:12] for body in bodies}) == len(bodies)


def test_the_certificate_stays_with_the_person_across_accounts(
    person, course, stranger
):
    certificate = issue(person, course, date(2026, 11, 22))
    person.user = stranger  # e.g. the person re-registered with a new address
    person.save()
    assert list(Certificate.objects.for_person(person)) == [certificate]
