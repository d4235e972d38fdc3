"""Certificate titles agree with the holder: masculine, feminine or without gender."""

import pytest
from django.utils import timezone

from certificates.issuance import issue_certificate, reissue
from certificates.signing.credentials import build_credential
from courses.models import CoursePage, TitleForm
from tests.factories import approved_company

pytestmark = pytest.mark.django_db

MASCULINE = "Ciudadano por la Integridad"
FEMININE = "Ciudadana por la Integridad"
NEUTRAL = "Integrante de la Ciudadanía por la Integridad"


@pytest.fixture
def citizen_course(yearly_course) -> CoursePage:
    CoursePage.objects.filter(pk=yearly_course.pk).update(
        certificate_title=MASCULINE,
        certificate_title_feminine=FEMININE,
        certificate_title_neutral=NEUTRAL,
    )
    return CoursePage.objects.get(pk=yearly_course.pk)


def issue(person, course, **kwargs):
    return issue_certificate(
        person=person,
        course=course,
        issued_on=timezone.localdate(),
        score=90,
        **kwargs,
    )


@pytest.mark.parametrize(
    ("form", "title"),
    [
        (TitleForm.MASCULINE, MASCULINE),
        (TitleForm.FEMININE, FEMININE),
        (TitleForm.NEUTRAL, NEUTRAL),
    ],
)
def test_the_title_reads_as_the_holder_chose(person, citizen_course, form, title):
    person.title_form = form
    person.save()
    certificate = issue(person, citizen_course)
    assert certificate.certificate_title == title
    assert build_credential(certificate)["name"] == title


def test_the_verification_page_shows_the_holders_title(client, person, citizen_course):
    person.title_form = TitleForm.FEMININE
    person.save()
    certificate = issue(person, citizen_course)
    html = client.get(certificate.get_absolute_url()).content.decode()
    assert FEMININE in html and MASCULINE not in html


def test_a_title_that_names_no_person_reads_the_same_for_everyone(
    person, yearly_course
):
    person.title_form = TitleForm.FEMININE
    person.save()
    certificate = issue(person, yearly_course)
    assert certificate.certificate_title == yearly_course.certificate_title


def test_a_company_certificate_names_the_company_not_the_representative(
    person, citizen_course
):
    person.title_form = TitleForm.FEMININE
    person.save()
    company = approved_company(
        ruc="20512333797",
        legal_name="Cafetalera San Ignacio S.A.C.",
        address="Jr. Amazonas 123",
        representative=person,
    )
    certificate = issue(person, citizen_course, company=company)
    assert certificate.certificate_title == MASCULINE


def test_a_new_choice_leaves_issued_certificates_and_applies_to_a_reissue(
    person, citizen_course, integrity_officer
):
    certificate = issue(person, citizen_course)
    person.title_form = TitleForm.FEMININE
    person.save()
    certificate.refresh_from_db()
    assert certificate.certificate_title == NEUTRAL
    new = reissue(certificate=certificate, by=integrity_officer, now=timezone.now())
    assert new.certificate_title == FEMININE


def test_a_reissue_keeps_a_title_the_course_no_longer_has(
    person, citizen_course, integrity_officer
):
    certificate = issue(person, citizen_course)
    CoursePage.objects.filter(pk=citizen_course.pk).update(
        certificate_title="Otro título", certificate_title_neutral=""
    )
    new = reissue(certificate=certificate, by=integrity_officer, now=timezone.now())
    assert new.certificate_title == NEUTRAL


def test_the_course_falls_back_to_its_main_title():
    course = CoursePage(certificate_title="Constancia", certificate_title_feminine="")
    assert course.certificate_title_for(TitleForm.FEMININE) == "Constancia"
    assert course.certificate_title_for(TitleForm.NEUTRAL) == "Constancia"
