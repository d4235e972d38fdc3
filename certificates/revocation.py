"""Revoking certificates: the record stays, marked and explained, never deleted."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from certificates.models import Certificate, RevocationReason
from certificates.signing import status_list
from lms.learning.completions import revoke_completion
from lms.lib.audit import audit
from lms.models import User


class RevocationRefused(ValueError):
    """A revocation that must be made on another certificate, and why."""


def refusal(certificate: Certificate) -> str | None:
    """Return why the certificate may not be revoked itself, or None.

    A re-issued certificate is out of force already: what it certified,
    and the completion behind it, now stand on its replacement, which is
    the one to revoke.
    """
    if not certificate.superseded_by_id:
        return None
    return _(
        "Certificate %(code)s was replaced by %(current)s: revoke %(current)s, "
        "the certificate in force, which revokes the completion too."
    ) % {"code": certificate.code, "current": certificate.in_force().code}


@transaction.atomic
def revoke(
    *, certificate: Certificate, reason: RevocationReason, by: User, now: datetime
) -> Certificate:
    """Revoke the certificate and return it as stored.

    Revoking an already revoked certificate changes nothing: the first reason,
    user and time stand, and only the first revocation is logged. A replaced
    certificate is refused in favour of the one in force (`refusal`).
    """
    # Locked, so that a re-issue at the same moment is seen here, or waits.
    current = Certificate.objects.select_for_update(of=("self",)).get(pk=certificate.pk)
    if message := refusal(current):
        raise RevocationRefused(message)
    reason = RevocationReason(reason)
    revoked = Certificate.objects.filter(pk=certificate.pk, revoked_at=None).update(
        revoked_at=now, revocation_reason=reason, revoked_by=by
    )
    if revoked:
        log(
            instance=certificate,
            action="certificates.revoke",
            user=by,
            data={"reason": reason.value},
        )
        audit(
            "certificate_revoked", user=by, certificate=certificate.code, reason=reason
        )
        if current.completion_id:
            revoke_completion(completion=current.completion, now=now)
        transaction.on_commit(status_list.forget_status_list)
    certificate.refresh_from_db(
        fields=["revoked_at", "revocation_reason", "revoked_by"]
    )
    return certificate
