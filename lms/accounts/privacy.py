"""The privacy notice's version, and the record of each account's consent."""

from __future__ import annotations

from datetime import datetime

from lms.accounts.models import Consent
from lms.people.models import User

# The notice's text is templates/lms/accounts/privacy_notice.html. Change this
# whenever that text changes what it says: each consent names the version
# the person read, and a new version is what later consents point to.
PRIVACY_NOTICE_VERSION = "2026-12-07"


def record_consent(*, user: User, now: datetime) -> Consent:
    """Record that `user` accepted the current privacy notice at `now`."""
    return Consent.objects.create(
        user=user, notice_version=PRIVACY_NOTICE_VERSION, given_at=now
    )
