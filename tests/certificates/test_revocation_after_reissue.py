"""Revocation acts on the certificate in force: after a re-issue, the replacement."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from certificates.issuance import issue_for_completion, reissue
from certificates.models import Certificate, RevocationReason
from certificates.revocation import RevocationRefused, revoke
from lms.models import Assignment, AssignmentStatus
from lms.staff.assignments import sync_assignments
from lms.trainers import registry
from tests.certificates.test_revocation_reopens_training import staff_learner
from tests.factories import UserFactory, completion, with_mfa

pytestmark = pytest.mark.django_db

__all__ = ["staff_learner"]  # a fixture, used by name


def status_of(staff) -> str:
    today = timezone.localdate()
    return Assignment.objects.with_status(today=today).get(staff=staff).status


def listed_names() -> list[str]:
    provinces = registry.listed_by_province(today=timezone.localdate())
    return [each.person.full_name for _name, listed in provinces for each in listed]


@pytest.fixture
def original_and_replacement(staff_learner, course, integrity_officer):
    """A staff member's certificate, re-issued once (say, her name corrected)."""
    earned = completion(staff_learner.person.user, course, at=timezone.now())
    sync_assignments(today=timezone.localdate())
    original = issue_for_completion(earned)
    replacement = reissue(
        certificate=original, by=integrity_officer, now=timezone.now()
    )
    original.refresh_from_db()
    return original, replacement


def revoking(certificate, by, capture) -> Certificate:
    with capture(execute=True):
        return revoke(
            certificate=certificate,
            reason=RevocationReason.ISSUED_IN_ERROR,
            by=by,
            now=timezone.now(),
        )


def test_the_replacement_carries_the_completion(original_and_replacement):
    original, replacement = original_and_replacement
    assert replacement.completion is not None
    assert original.completion is None


def test_revoking_the_replacement_reopens_the_hr_assignment(
    original_and_replacement,
    staff_learner,
    integrity_officer,
    django_capture_on_commit_callbacks,
):
    _original, replacement = original_and_replacement
    assert status_of(staff_learner) == AssignmentStatus.COMPLETED
    revoking(replacement, integrity_officer, django_capture_on_commit_callbacks)
    replacement.completion.refresh_from_db()
    assert replacement.completion.revoked_at is not None
    assert status_of(staff_learner) == AssignmentStatus.IN_PROGRESS


def test_revoking_the_superseded_original_is_refused_and_changes_nothing(
    original_and_replacement,
    staff_learner,
    integrity_officer,
    django_capture_on_commit_callbacks,
):
    original, replacement = original_and_replacement
    with pytest.raises(RevocationRefused, match=replacement.code):
        revoking(original, integrity_officer, django_capture_on_commit_callbacks)
    original.refresh_from_db()
    replacement.refresh_from_db()
    assert (original.revoked_at, replacement.revoked_at) == (None, None)
    assert replacement.completion.revoked_at is None
    assert status_of(staff_learner) == AssignmentStatus.COMPLETED


def test_the_admin_sends_a_revocation_of_the_original_to_the_one_in_force(
    client, original_and_replacement
):
    original, replacement = original_and_replacement
    client.force_login(with_mfa(UserFactory(is_superuser=True)))
    url = reverse("certificates_admin:revoke", args=[original.pk])
    response = client.post(url, {"reason": RevocationReason.ISSUED_IN_ERROR})
    assert response.status_code == 302
    assert response.url == reverse("certificates_admin:inspect", args=[replacement.pk])
    original.refresh_from_db()
    assert original.revoked_at is None


def test_revoking_a_trainers_replacement_takes_her_off_the_public_list(
    trainer, integrity_officer, django_capture_on_commit_callbacks
):
    trainer.listed_publicly = True
    trainer.save(update_fields=["listed_publicly"])
    original = issue_for_completion(trainer.qualification)
    replacement = reissue(
        certificate=original, by=integrity_officer, now=timezone.now()
    )
    assert trainer.person.full_name in listed_names()
    revoking(replacement, integrity_officer, django_capture_on_commit_callbacks)
    assert not trainer.is_valid_on(timezone.localdate())
    assert trainer.person.full_name not in listed_names()


def test_the_migration_hands_existing_completions_to_the_replacements(
    original_and_replacement,
):
    original, replacement = original_and_replacement
    earned = replacement.completion
    # As a re-issue left them before: the completion on the superseded one.
    Certificate.objects.filter(pk=replacement.pk).update(completion=None)
    Certificate.objects.filter(pk=original.pk).update(completion=earned)
    migration = importlib.import_module(
        "certificates.migrations.0008_move_completions_to_replacements"
    )
    migration.move_completions_to_replacements(apps, None)
    replacement.refresh_from_db()
    original.refresh_from_db()
    assert (original.completion, replacement.completion) == (None, earned)
