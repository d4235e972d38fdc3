"""Certificates earned in a trainer-led cohort name the trainer, place and partner."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from certificates.codes import new_code
from certificates.issuance import (
    issue_certificate,
    issue_for_completion,
    reissue,
    trainer_code,
)
from certificates.models import Certificate, RevocationReason
from certificates.pdf import render_certificate_pdf
from certificates.revocation import revoke
from lms.cohorts.attendance import record_paper_results
from lms.models import Participant, TrainerCertification
from tests.certificates.test_pdf import pdf_text
from tests.lms.cohorts.test_attendance import held_cohort, join

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainer_certificate(trainer) -> Certificate:
    """The certificate the trainer's qualifying completion earned."""
    return issue_for_completion(trainer.qualification)


@pytest.fixture
def graduate(
    trainer,
    course,
    trainer_user,
    trainer_certificate,
    django_capture_on_commit_callbacks,
) -> Participant:
    """A participant who attended every session and passed the paper test."""
    cohort = held_cohort(trainer, course, name="Jaén, noviembre")
    participant = join(
        cohort, first_names="Ana", last_names="Pérez Ruiz", document_number="45678123"
    )
    with django_capture_on_commit_callbacks(execute=True):
        record_paper_results(
            cohort=cohort,
            attended={s.pk: {participant.pk} for s in cohort.sessions.all()},
            scores={participant.pk: 85},
            by=trainer_user,
            now=timezone.now(),
        )
    return participant


@pytest.fixture
def certificate(graduate) -> Certificate:
    return Certificate.objects.get(person=graduate.person)


def test_a_cohort_completion_earns_a_certificate_saying_who_taught_it_and_where(
    certificate, graduate, trainer_certificate, course
):
    assert certificate.completion == graduate.enrolment.completions.get()
    assert certificate.delivery == {
        "trainer": "Carmen Vásquez",
        "trainer_code": trainer_certificate.code,
        "place": "Jaén",
        "partner": "Universidad Nacional de Jaén",
        "cohort": "Jaén, noviembre",
    }
    assert (certificate.score, certificate.hours) == (85, course.estimated_hours)
    assert certificate.holder_document == "DNI *****123"


def test_the_certificate_pdf_names_the_trainer_their_code_place_and_partner(
    certificate, trainer_certificate, tmp_path
):
    text = pdf_text(certificate.pdf.read(), tmp_path)
    assert "Impartido en grupo por Carmen Vásquez" in text
    assert f"certificado de formador {trainer_certificate.code}" in text
    assert "Lugar: Jaén" in text
    assert "Institución aliada: Universidad Nacional de Jaén" in text


def test_an_online_certificate_says_nothing_of_a_group(person, course, tmp_path):
    online = issue_certificate(
        person=person, course=course, issued_on=timezone.localdate(), score=90
    )
    assert online.delivery == {}
    assert "Impartido en grupo" not in pdf_text(
        render_certificate_pdf(online), tmp_path
    )


def test_the_verification_page_says_who_taught_it_and_links_their_certificate(
    client, certificate, trainer_certificate
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(certificate.get_absolute_url()).content.decode()
    assert "Taught in a group by" in html
    assert "Carmen Vásquez" in html
    assert f'href="{trainer_certificate.get_absolute_url()}"' in html
    assert "Universidad Nacional de Jaén" in html


def test_the_json_answer_gives_the_delivery_only_for_a_group(
    client, certificate, trainer_certificate
):
    data = client.get(f"/api/v1/certificates/{certificate.code}").json()
    assert data["delivery"] == {
        "trainer": "Carmen Vásquez",
        "trainer_code": trainer_certificate.code,
        "place": "Jaén",
        "partner": "Universidad Nacional de Jaén",
        "cohort": "Jaén, noviembre",
    }
    trainers = client.get(f"/api/v1/certificates/{trainer_certificate.code}").json()
    assert "delivery" not in trainers


def test_a_reissued_certificate_still_says_who_taught_it(
    certificate, integrity_officer
):
    new = reissue(certificate=certificate, by=integrity_officer, now=timezone.now())
    assert new.delivery == certificate.delivery


# Which of the trainer's certificates is named


def trainer_course_certificate(
    trainer: TrainerCertification, *, period: int, issued_days_from_now: int
) -> Certificate:
    """Return another certificate of the trainer course for the trainer."""
    issued_on = timezone.localdate() + timedelta(days=issued_days_from_now)
    course = trainer.qualification.enrolment.course
    return Certificate.objects.create(
        code=new_code("GRC"),
        person=trainer.person,
        course=course,
        period=period,
        holder_name=trainer.person.full_name,
        certificate_title=course.certificate_title,
        course_title=course.title,
        hours=course.estimated_hours,
        issued_on=issued_on,
        expires_on=course.validity_ends(issued_on),
    )


def test_the_certificate_the_approval_named_is_preferred(trainer, trainer_certificate):
    trainer_course_certificate(trainer, period=2, issued_days_from_now=-1)
    assert trainer_code(trainer, day=timezone.localdate()) == trainer_certificate.code


def test_a_reissue_of_that_certificate_is_named_instead(
    trainer, trainer_certificate, integrity_officer
):
    new = reissue(
        certificate=trainer_certificate, by=integrity_officer, now=timezone.now()
    )
    assert trainer_code(trainer, day=timezone.localdate()) == new.code


def test_a_renewal_is_named_once_that_certificate_has_expired(
    trainer, trainer_certificate
):
    renewal = trainer_course_certificate(trainer, period=2, issued_days_from_now=650)
    day = trainer_certificate.expires_on + timedelta(days=1)
    assert trainer_code(trainer, day=day) == renewal.code


def test_a_revoked_certificate_is_never_named(
    trainer, trainer_certificate, integrity_officer
):
    revoke(
        certificate=trainer_certificate,
        reason=RevocationReason.ISSUED_IN_ERROR,
        by=integrity_officer,
        now=timezone.now(),
    )
    assert trainer_code(trainer, day=timezone.localdate()) == ""
