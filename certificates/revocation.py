"""Revoking certificates: the record stays, marked and explained, never deleted."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from django.db import transaction
from wagtail.log_actions import log

from certificates import status_list, verification
from certificates.models import Certificate, RevocationReason
from lms.audit import audit
from lms.completions import revoke_completion
from lms.models import User


@transaction.atomic
def revoke(
    *, certificate: Certificate, reason: RevocationReason, by: User, now: datetime
) -> Certificate:
    """Revoke the certificate and return it as stored.

    Revoking an already revoked certificate changes nothing: the first reason,
    user and time stand, and only the first revocation is logged.
    """
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
        if certificate.completion_id:
            revoke_completion(completion=certificate.completion, now=now)
        transaction.on_commit(partial(verification.forget, certificate.code))
        transaction.on_commit(status_list.forget_status_list)
    certificate.refresh_from_db(
        fields=["revoked_at", "revocation_reason", "revoked_by"]
    )
    return certificate
