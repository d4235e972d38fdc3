from datetime import date
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse

from certificates.issuance import issue_certificate
from certificates.models import Certificate
from lms.accounts import erasure
from lms.accounts.privacy import record_consent
from lms.learning.progress import complete_lesson
from lms.models import (
    Assignment,
    Attempt,
    CompanyMember,
    Consent,
    Enrolment,
    LessonProgress,
    Person,
    StaffMember,
    User,
)
from tests.factories import (
    PASSWORD,
    CoursePageFactory,
    PersonFactory,
    StaffMemberFactory,
    TrainingRequirementFactory,
    approved_company,
    completion,
    with_mfa,
)
from tests.lms.accounts.conftest import failed_attempt

pytestmark = pytest.mark.django_db

URL = "/mi-cuenta/supresion/"


@pytest.fixture
def history(learner, person, certificate, catalogue, lessons, at_noon):
    """Rosa's valid certificate, an expired one, a course she only started."""
    with_mfa(learner)
    record_consent(user=learner, now=at_noon)
    enrolment = certificate.completion.enrolment
    complete_lesson(enrolment=enrolment, lesson=lessons[0], now=at_noon)
    failed_attempt(enrolment, now=at_noon)
    old_course = CoursePageFactory(parent=catalogue, title="Antiguo", slug="antiguo")
    old_course.validity_months = 12
    old_course.save()
    expired = issue_certificate(
        person=person,
        course=old_course,
        issued_on=date(2024, 1, 10),
        score=80,
        completion=completion(learner, old_course, at=at_noon),
    )
    started = CoursePageFactory(parent=catalogue, title="Empezado", slug="empezado")
    failed_attempt(Enrolment.objects.create(user=learner, course=started), now=at_noon)
    return {"valid": certificate, "expired": expired, "started": started}


def erase(client, password=PASSWORD):
    return client.post(URL, {"password": password})


def test_the_page_says_what_goes_and_what_stays(learner_client, history):
    html = learner_client.get(reverse("accounts:erase")).content.decode()
    assert reverse("accounts:erase") == URL
    assert "Qué se borra" in html and "Qué se conserva" in html
    assert "Su certificado vigente" in html


def test_a_wrong_password_erases_nothing(learner_client, learner, history, trail):
    response = erase(learner_client, "no-es-la-clave")
    assert "La contraseña no es correcta" in response.content.decode()
    learner.refresh_from_db()
    assert learner.is_active and learner.email == "rosa@example.pe"
    assert LessonProgress.objects.exists() and not trail.of("account_erased")


def test_erasure_removes_the_account_and_the_learning_trail(
    learner_client, learner, history, trail, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = erase(learner_client)
    assert response.url == reverse("accounts:erased")
    learner.refresh_from_db()
    assert not learner.is_active and not learner.has_usable_password()
    assert learner.email == f"suprimida-{learner.pk}@cuenta.invalid"
    assert learner.get_full_name() == ""
    assert not EmailAddress.objects.filter(user=learner).exists()
    assert not Authenticator.objects.filter(user=learner).exists()
    assert not LessonProgress.objects.exists()
    assert not Enrolment.objects.filter(course=history["started"]).exists()
    # Only the attempts behind completions stay; the failed one went.
    assert not Attempt.objects.filter(passed=False).exists()
    [line] = trail.of("account_erased")
    assert line["account_id"] == learner.pk and "rosa@example.pe" not in trail.text


def test_the_person_is_signed_out_and_cannot_sign_in_again(learner_client, history):
    erase(learner_client)
    assert learner_client.get(reverse("accounts:account")).status_code == 302
    response = learner_client.post(
        reverse("account_login"), {"login": "rosa@example.pe", "password": PASSWORD}
    )
    assert learner_client.get(reverse("lms:my_courses")).status_code == 302
    assert response.status_code == 200


def test_a_valid_certificate_stays_verifiable_with_the_holders_name(
    learner_client, client, history
):
    erase(learner_client)
    valid = Certificate.objects.get(pk=history["valid"].pk)
    assert valid.holder_name == "Rosa Elena Quispe Huamán"
    html = client.get(valid.get_absolute_url()).content.decode()
    assert "Rosa Elena Quispe Huamán" in html and "Vigente" in html
    person = Person.objects.get(pk=valid.person_id)
    assert person.user is None and person.document_number == "42388604"


def test_a_kept_certificate_loses_the_name_once_it_expires(learner_client, history):
    erase(learner_client)
    valid = history["valid"]
    call_command("forget_erased_holders", "--today", "2028-11-21", stdout=StringIO())
    valid.refresh_from_db()
    assert valid.holder_name == "Rosa Elena Quispe Huamán"
    call_command("forget_erased_holders", "--today", "2028-11-22", stdout=StringIO())
    valid.refresh_from_db()
    assert (valid.holder_name, valid.holder_document) == (erasure.ERASED_HOLDER, "")
    person = Person.objects.get(pk=valid.person_id)
    assert person.full_name == erasure.ERASED_HOLDER and not person.document_number


def test_an_expired_certificate_loses_the_holders_name_and_its_pdf(
    learner_client, history, django_capture_on_commit_callbacks
):
    expired = history["expired"]
    expired.pdf.save("antiguo.pdf", ContentFile(b"%PDF Rosa Elena"), save=True)
    stored = expired.pdf.name
    with django_capture_on_commit_callbacks(execute=True):
        erase(learner_client)
    expired.refresh_from_db()
    assert expired.holder_name == erasure.ERASED_HOLDER
    assert (expired.holder_document, expired.pdf.name) == ("", "")
    assert not expired.pdf.storage.exists(stored)


def test_someone_with_nothing_to_keep_is_anonymised(learner_client, person):
    erase(learner_client)
    person.refresh_from_db()
    assert person.full_name == erasure.ERASED_HOLDER
    assert person.document_number == "" and person.user is None


def test_the_staff_record_and_its_assignments_stay_with_hr(
    learner_client, person, units, course, at_noon
):
    staff = StaffMemberFactory(person=person, unit=units["a"])
    requirement = TrainingRequirementFactory(course=course, organisation=units["root"])
    Assignment.objects.create(staff=staff, requirement=requirement, due_on=date.today())
    erase(learner_client)
    person.refresh_from_db()
    assert StaffMember.objects.get(person=person).email == staff.email
    assert Assignment.objects.filter(staff=staff).count() == 1
    assert person.full_name == "Rosa Elena Quispe Huamán"


def test_the_consent_stays_as_evidence(learner_client, learner, history):
    erase(learner_client)
    assert Consent.objects.filter(user=learner).count() == 1


def test_a_failure_half_way_leaves_everything_as_it_was(
    learner_client, learner, history, monkeypatch
):
    def fail(user):
        raise RuntimeError("disk full")

    monkeypatch.setattr(erasure, "_anonymise_account", fail)
    with pytest.raises(RuntimeError):
        erase(learner_client)
    learner.refresh_from_db()
    assert learner.is_active and Person.objects.get(user=learner)
    assert LessonProgress.objects.exists()
    assert Enrolment.objects.filter(course=history["started"]).exists()
    expired = Certificate.objects.get(pk=history["expired"].pk)
    assert expired.holder_name == "Rosa Elena Quispe Huamán"


def test_nobody_else_is_touched(learner_client, history, stranger_data):
    erase(learner_client)
    stranger_data.refresh_from_db()
    assert stranger_data.holder_name == "Carlos Ajeno"
    assert User.objects.get(email="carlos@example.pe").is_active
    assert Attempt.objects.filter(enrolment__user__email="carlos@example.pe").exists()


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get(URL).url.startswith(reverse("account_login"))


def test_a_company_keeps_its_records_without_the_members_address(
    learner_client, learner, person, stranger, at_noon
):
    company = approved_company(
        ruc="20512333797",
        legal_name="Cafetalera San Ignacio S.A.C.",
        address="Jr. Amazonas 123",
        representative=PersonFactory(),
    )
    member = CompanyMember.objects.create(
        company=company,
        email=learner.email,
        invited_at=at_noon,
        invited_by=stranger,
        person=person,
        joined_at=at_noon,
    )
    erase(learner_client)
    member.refresh_from_db()
    assert member.email == f"suprimida-{learner.pk}@cuenta.invalid"
    assert member.company.legal_name == "Cafetalera San Ignacio S.A.C."
