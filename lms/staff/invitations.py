"""Inviting staff to open their account with a one-time link sent by email."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from allauth.account.models import EmailAddress
from allauth.utils import generate_unique_username
from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import transaction
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import (
    base36_to_int,
    urlsafe_base64_decode,
    urlsafe_base64_encode,
)
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from lms.lib.emails import render_email, send_email, site_url
from lms.people.models import Person, User
from lms.staff.models import StaffMember


class InvitationError(Exception):
    """An invitation that cannot be sent or accepted; the message says why."""


def invitation_timeout() -> timedelta:
    return timedelta(days=settings.INVITATION_TIMEOUT_DAYS)


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Sign a link for a staff record, as Django signs password-reset links."""

    key_salt = "lms.invitations.InvitationTokenGenerator"

    def _make_hash_value(self, staff: StaffMember, timestamp: int) -> str:
        # Linking an account kills every link; a newer invitation voids the
        # older ones; a changed email voids those sent to the old one, so
        # only the invited address opens the account. Microseconds go: not
        # every database keeps them.
        invited_at = (
            staff.invited_at.replace(microsecond=0, tzinfo=None)
            if staff.invited_at
            else ""
        )
        email = staff.email.lower()
        return f"{staff.pk}|{staff.person.user_id}|{invited_at}|{email}|{timestamp}"

    def check_token(self, staff: StaffMember | None, token: str | None) -> bool:
        """Check the signature as Django does, with the invitation's timeout."""
        if not (staff and token) or token.count("-") != 1:
            return False
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        age = self._num_seconds(self._now()) - timestamp
        if age > invitation_timeout().total_seconds():
            return False
        return any(
            constant_time_compare(
                self._make_token_with_timestamp(staff, timestamp, secret), token
            )
            for secret in [self.secret, *self.secret_fallbacks]
        )


tokens = InvitationTokenGenerator()


@transaction.atomic
def invite(*, staff: StaffMember, by: User, now: datetime) -> None:
    """Email the person a one-time link to open their account; void older ones."""
    staff = (
        StaffMember.objects.select_for_update()
        .select_related("person")
        .get(pk=staff.pk)
    )
    if staff.person.user_id:
        raise InvitationError(_("This person already has an account."))
    if not staff.email:
        raise InvitationError(
            _("The staff record has no institutional email to send the invitation to.")
        )
    staff.invited_at = now
    staff.save(update_fields=["invited_at"])
    log(instance=staff, action="lms.invite", user=by, data={"email": staff.email})
    subject, body = render_email(
        "invitation",
        {
            "person": staff.person,
            "link": invitation_link(staff),
            "days": invitation_timeout().days,
            "site_url": site_url(),
        },
    )
    transaction.on_commit(partial(send_email.enqueue, staff.email, subject, body))


def invitation_link(staff: StaffMember) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(staff.pk))
    path = reverse("lms:accept_invitation", args=[uidb64, tokens.make_token(staff)])
    return site_url() + path


def staff_for_link(uidb64: str, token: str) -> StaffMember | None:
    """Return the staff record a link was made for, or None if it is not valid."""
    try:
        staff_id = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, TypeError, OverflowError, UnicodeDecodeError):
        return None
    staff = StaffMember.objects.select_related("person").filter(pk=staff_id).first()
    return staff if tokens.check_token(staff, token) else None


def email_has_account(email: str) -> bool:
    return (
        User.objects.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email).exists()
    )


def new_account(staff: StaffMember) -> User:
    """Return the unsaved account an invitation opens, named as HR records it."""
    person = staff.person
    return User(
        email=staff.email,
        first_name=person.first_names,
        last_name=person.last_names,
    )


@transaction.atomic
def accept_invitation(*, staff: StaffMember, password: str) -> User:
    """Open the person's account with the record's email, verified, and link it."""
    person = Person.objects.select_for_update().get(pk=staff.person_id)
    if person.user_id:
        raise InvitationError(_("This invitation has already been used."))
    if email_has_account(staff.email):
        raise InvitationError(_("An account with this email already exists."))
    # The link reached this inbox, which proves the address as allauth's
    # confirmation email would.
    return open_account(person, staff.email, password=password, verified=True)


def open_account(
    person: Person, email: str, *, password: str | None, verified: bool
) -> User:
    """Open an account for `person`, named as recorded, and link it.

    Without a password it cannot log in until the person sets one through a
    reset link; `verified` says whether the address is already proven.
    """
    user = User(email=email, first_name=person.first_names, last_name=person.last_names)
    user.username = generate_unique_username(
        [user.first_name, user.last_name, user.email, "user"]
    )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save()
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    person.user = user
    person.save(update_fields=["user"])
    return user


def claim_at_signup(*, user: User, document_type: str, document_number: str) -> None:
    """Tie a new account to the document it signed up with, if nobody holds it.

    Sign-up answers the same whether or not the document is known, so that
    nobody learns from it who has an account or works for the government.
    A clash is told by email to the address on file instead. A staff
    record's person is claimed only through the record's institutional
    email, once confirmed (link_on_confirmation).
    """
    person = (
        Person.objects.filter(
            document_type=document_type, document_number=document_number
        )
        .select_related("user", "staff_record")
        .first()
    )
    record = getattr(person, "staff_record", None)
    if person is not None and person.user_id:
        _tell_of_claim(person.user.email, has_account=True)
    elif record is not None:
        if record.email and record.email.lower() != user.email.lower():
            _tell_of_claim(record.email, has_account=False)
    else:
        # HR or a trainer may have registered the person before they had an
        # account.
        Person.objects.update_or_create(
            document_type=document_type,
            document_number=document_number,
            user=None,
            defaults={
                "user": user,
                "first_names": user.first_name,
                "last_names": user.last_name,
            },
        )


def _tell_of_claim(email: str, *, has_account: bool) -> None:
    """Email the document's holder that someone signed up with their document."""
    subject, body = render_email(
        "document_claimed", {"has_account": has_account, "site_url": site_url()}
    )
    transaction.on_commit(partial(send_email.enqueue, email, subject, body))


def link_on_confirmation(*, user: User, email: str) -> bool:
    """Link the staff record whose institutional email the user just confirmed.

    Only an account without a person yet is linked: one that signed up with
    another document keeps it. Return whether a record was linked.
    """
    if Person.objects.filter(user=user).exists():
        return False
    person = Person.objects.filter(
        staff_record__email__iexact=email, user__isnull=True
    ).first()
    if person is None:
        return False
    person.user = user
    person.save(update_fields=["user"])
    return True
