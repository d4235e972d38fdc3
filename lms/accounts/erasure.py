"""Erasure of an account at its owner's request (Ley 29733, right of cancellation).

What goes and what stays, and why (the page asking for erasure says the
same to the person, templates/lms/accounts/erase.html):

- Removed: the account's e-mail addresses, names, password, second factor
  and roles; the lessons ticked; the attempts and enrolments that earned
  nothing; the names and document on certificates that are no longer valid.
- Kept: certificates still valid, with the holder's name and masked document,
  so that whoever was shown one can verify it while it is in force (the
  public interest the law names in art. 14); once one lapses, the daily
  forget_erased_holders anonymises it too; a staff record with its
  assignments and the completions behind them, which HR must keep as the
  public employer; a company's records and a trainer's group rolls, which
  belong to them. The person behind kept records keeps name and document and
  is merely cut off from the account.
- The account row stays, anonymised and inactive: approvals and other acts
  of other records point to it (PROTECT), and its consents remain the
  evidence that earlier processing was lawful.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from lms.cohorts.models import Participant
from lms.companies.models import Company, CompanyMember
from lms.learning.models import Enrolment, LessonProgress
from lms.lib.audit import audit
from lms.people.models import Person, User
from lms.staff.models import OrganisationRole, StaffMember
from lms.trainers.models import TrainerCertification

# What a certificate no longer in force says of a holder who was erased.
ERASED_HOLDER = "Titular con datos suprimidos"


@dataclass(frozen=True)
class Erasure:
    """What an erasure kept, for the audit trail and the farewell page."""

    valid_certificates: int
    staff_record: bool


def erasure_plan(user: User, *, today: date) -> Erasure:
    """Say what erasing `user` would keep."""
    person = Person.objects.filter(user=user).first()
    if person is None:
        return Erasure(valid_certificates=0, staff_record=False)
    return Erasure(
        valid_certificates=_valid_certificates(person, today=today).count(),
        staff_record=StaffMember.objects.filter(person=person).exists(),
    )


@transaction.atomic
def erase_account(*, user: User, now: datetime) -> Erasure:
    """Remove or anonymise what the law lets go; all of it or nothing.

    `user` itself is anonymised (usually request.user), so that the audit
    lines written on the way name the placeholder, not the erased address.
    """
    User.objects.select_for_update().filter(pk=user.pk).first()
    today = timezone.localdate(now)
    plan = erasure_plan(user, today=today)
    person = Person.objects.select_for_update().filter(user=user).first()
    _forget_learning(user)
    if person is not None:
        CompanyMember.objects.filter(person=person).update(email=_placeholder(user))
        person.user, person.erased_at = None, now
        _forget_person(person, today=today)
    _anonymise_account(user)
    # After anonymising: the line must not carry the address just erased.
    transaction.on_commit(
        partial(
            audit,
            "account_erased",
            user=user,
            account_id=user.pk,
            valid_certificates_kept=plan.valid_certificates,
            staff_record_kept=plan.staff_record,
        )
    )
    return plan


def _valid_certificates(person: Person, *, today: date) -> QuerySet:
    # Person.certificates is the reverse relation of certificates.Certificate's
    # holder: lms reads it by name and never imports certificates.
    return person.certificates.filter(
        Q(expires_on=None) | Q(expires_on__gte=today),
        company=None,
        revoked_at=None,
        superseded_by=None,
    )


def _forget_learning(user: User) -> None:
    """Delete the learning trail that backs no completion another record needs.

    An enrolment with a completion, a group place or an extra attempt granted
    by staff is part of those records; its ticked lessons and failed attempts
    are not.
    """
    LessonProgress.objects.filter(enrolment__user=user).delete()
    enrolments = Enrolment.objects.filter(user=user)
    enrolments.filter(
        completions=None, cohort_places=None, extra_attempts=None
    ).delete()
    for enrolment in enrolments.prefetch_related("completions"):
        backing = {c.attempt_id for c in enrolment.completions.all()}
        enrolment.attempts.exclude(pk__in=backing).delete()


def forget_lapsed_holders(*, today: date) -> int:
    """Anonymise what erased people kept that no longer needs their name.

    A certificate valid at erasure keeps the holder's name only while it is
    valid; run daily (manage.py forget_erased_holders). Return how many
    people were looked at.
    """
    erased = Person.objects.filter(erased_at__isnull=False).exclude(
        first_names=ERASED_HOLDER
    )
    count = 0
    for person in erased:
        with transaction.atomic():
            _forget_person(person, today=today)
        count += 1
    return count


def _forget_person(person: Person, *, today: date) -> None:
    """Anonymise the erased person's lapsed certificates, and them unless needed."""
    lapsed = person.certificates.filter(company=None).exclude(
        pk__in=_valid_certificates(person, today=today)
    )
    # The stored PDFs print the name; their hashes stay to prove what they
    # were. Files are not transactional, so they go once the rows have.
    # `person` is loaded too: the reverse relation sets it on each row, and
    # deferred it would cost a query each.
    with_pdf = lapsed.exclude(pdf="").only("person", "pdf")
    files = [certificate.pdf for certificate in with_pdf]
    lapsed.update(holder_name=ERASED_HOLDER, holder_document="", pdf="")
    transaction.on_commit(partial(_delete_files, files))
    needed = (
        _valid_certificates(person, today=today).exists()
        or StaffMember.objects.filter(person=person).exists()
        or Company.objects.filter(representative=person).exists()
        or TrainerCertification.objects.filter(person=person).exists()
        or Participant.objects.filter(person=person).exists()
    )
    if not needed:
        person.first_names = ERASED_HOLDER
        person.last_names = ""
        person.document_number = ""
    person.save(
        update_fields=[
            "user",
            "erased_at",
            "first_names",
            "last_names",
            "document_number",
        ]
    )


def _delete_files(files: list[FieldFile]) -> None:
    for file in files:
        file.storage.delete(file.name)


def _anonymise_account(user: User) -> None:
    # The names go first: the receivers that audit the changes below read them.
    user.email = _placeholder(user)
    user.username = f"suprimida-{user.pk}"
    user.first_name = user.last_name = ""
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    OrganisationRole.objects.filter(user=user).delete()
    user.groups.clear()
    user.user_permissions.clear()
    user.set_unusable_password()
    user.is_active = user.is_staff = user.is_superuser = False
    # Saving is_active off ends every session (lms.accounts.receivers).
    user.save()


def _placeholder(user: User) -> str:
    """Return the unique address an erased account keeps (RFC 2606 .invalid)."""
    return f"suprimida-{user.pk}@cuenta.invalid"
