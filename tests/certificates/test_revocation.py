from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.log_actions import registry
from wagtail.models import ModelLogEntry

from certificates.issuance import issue_certificate
from certificates.models import Certificate, RevocationReason
from certificates.revocation import revoke
from certificates.verification import lookup
from lms.models import Person
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(learner, course) -> Certificate:
    person = Person.objects.create(
        user=learner,
        document_number="42388604",
        first_names="Rosa Elena",
        last_names="Quispe Huamán",
    )
    return issue_certificate(
        person=person, course=course, issued_on=timezone.localdate(), score=90
    )


@pytest.fixture
def admin(db):
    return UserFactory(email="oii@example.pe", is_staff=True)


def test_revoking_marks_the_certificate_and_keeps_it(certificate, admin):
    now = timezone.now()
    revoked = revoke(
        certificate=certificate, reason=RevocationReason.FRAUD, by=admin, now=now
    )
    stored = Certificate.objects.get(pk=certificate.pk)
    assert revoked.revoked_at == stored.revoked_at == now
    assert stored.revocation_reason == RevocationReason.FRAUD
    assert stored.revoked_by == admin
    assert stored.status(today=timezone.localdate()) == "revoked"


def test_revoking_twice_keeps_the_first_reason_user_and_time(
    certificate, admin, stranger
):
    first = timezone.now()
    revoke(certificate=certificate, reason=RevocationReason.FRAUD, by=admin, now=first)
    again = revoke(
        certificate=Certificate.objects.get(pk=certificate.pk),
        reason=RevocationReason.OTHER,
        by=stranger,
        now=first + timedelta(days=3),
    )
    assert again.revoked_at == first
    assert again.revocation_reason == RevocationReason.FRAUD
    assert again.revoked_by == admin
    assert ModelLogEntry.objects.filter(action="certificates.revoke").count() == 1


def test_revoking_is_logged_with_the_user_and_reason(certificate, admin):
    revoke(
        certificate=certificate,
        reason=RevocationReason.ISSUED_IN_ERROR,
        by=admin,
        now=timezone.now(),
    )
    entry = ModelLogEntry.objects.get(
        action="certificates.revoke", object_id=str(certificate.pk)
    )
    assert entry.user == admin
    assert entry.data == {"reason": "error"}
    assert registry.action_exists("certificates.revoke")
    assert "Emitido por error" in str(
        registry.get_formatter(entry).format_message(entry)
    )


def test_a_revocation_shows_in_the_next_lookup(certificate, admin):
    assert lookup.lookup(certificate.code).revoked_at is None
    revoke(
        certificate=certificate,
        reason=RevocationReason.OTHER,
        by=admin,
        now=timezone.now(),
    )
    assert lookup.lookup(certificate.code).revoked_at is not None


def test_a_plain_reason_value_is_accepted_and_a_wrong_one_refused(certificate, admin):
    revoke(certificate=certificate, reason="data", by=admin, now=timezone.now())
    assert certificate.revocation_reason == RevocationReason.DATA_CORRECTION
    with pytest.raises(ValueError):
        revoke(certificate=certificate, reason="whim", by=admin, now=timezone.now())
