"""Who is staff for security purposes: two-factor and a short idle session.

Staff are the accounts that see other people's data or change what
everyone sees: HR officers, unit heads and the integrity officer (any
OrganisationRole), certified trainers (their cohorts' participants),
anyone who may enter the Wagtail admin (editors) and superusers.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Q

from lms.people.models import User
from lms.staff.models import OrganisationRole
from lms.trainers.models import TrainerCertification

# A staff session left alone this long ends; learners keep Django's default.
STAFF_IDLE_TIMEOUT = timedelta(minutes=30)
# How often a staff session's end is pushed back: saving the session on every
# request would cost a database write each time.
IDLE_REFRESH = timedelta(minutes=1)
SECURITY_SESSION_KEY = "staff_security"


@dataclass(frozen=True)
class StaffSecurity:
    must_use_mfa: bool
    has_mfa: bool

    @property
    def lacks_mfa(self) -> bool:
        return self.must_use_mfa and not self.has_mfa


NOBODY = StaffSecurity(must_use_mfa=False, has_mfa=False)


def admin_access() -> Q:
    """Users granted the admin directly or through a group."""
    access = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    return Q(
        Exists(access.filter(user=OuterRef("pk")))
        | Exists(access.filter(group__user=OuterRef("pk")))
    )


def security_of(user) -> StaffSecurity:
    """Say whether `user` must use two-factor and whether they have it.

    One query. A trainer counts while the certification is not withdrawn,
    even if its qualification has lapsed: the trainer still reaches their
    cohorts' participants until the integrity officer withdraws it.
    """
    return _standing(user)[0]


def _standing(user) -> tuple[StaffSecurity, list | None]:
    """The account's security and the stamp it was read at, as stored now."""
    if not user.is_authenticated:
        return NOBODY, None
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            has_role=Exists(OrganisationRole.objects.filter(user=OuterRef("pk"))),
            is_trainer=Exists(
                TrainerCertification.objects.active().filter(
                    person__user=OuterRef("pk")
                )
            ),
            has_admin=admin_access(),
            has_mfa=Exists(
                Authenticator.objects.filter(
                    user=OuterRef("pk"), type=Authenticator.Type.TOTP
                )
            ),
        )
        .values(
            "pk",
            "is_superuser",
            "standing_changed_at",
            "has_role",
            "is_trainer",
            "has_admin",
            "has_mfa",
        )
        .first()
    )
    if row is None:
        return NOBODY, None
    security = StaffSecurity(
        must_use_mfa=any(
            row[key] for key in ("is_superuser", "has_role", "is_trainer", "has_admin")
        ),
        has_mfa=row["has_mfa"],
    )
    return security, _stamp(row["pk"], row["is_superuser"], row["standing_changed_at"])


def session_security(request) -> StaffSecurity:
    """Return the user's standing as kept in the session, read again if it changed.

    Read once per session rather than on every request (five EXISTS whose
    planning alone took 2 ms): the session keeps it with the account's
    standing_changed_at, which every change of a role, a certification, an
    admin permission or an authenticator moves (lms.accounts.receivers), and
    with is_superuser, read from the account each request anyway.
    """
    user = request.user
    if not user.is_authenticated:
        return NOBODY
    kept = request.session.get(SECURITY_SESSION_KEY) or {}
    if kept.get("stamp") == _stamp(
        user.pk, user.is_superuser, user.standing_changed_at
    ):
        return StaffSecurity(**kept["security"])
    return remember_security(request.session, user)


def remember_security(session, user) -> StaffSecurity:
    """Read the account's standing and keep it in its session.

    The stamp kept is the one the query read, not the caller's copy of the
    account, which may predate a change.
    """
    security, stamp = _standing(user)
    session[SECURITY_SESSION_KEY] = {"stamp": stamp, "security": asdict(security)}
    return security


def _stamp(pk: int, is_superuser: bool, changed: datetime | None) -> list:
    return [pk, is_superuser, changed.timestamp() if changed else None]


def must_use_mfa(user) -> bool:
    return security_of(user).must_use_mfa


def keep_staff_session_alive(session, *, now: datetime) -> None:
    """End the staff session STAFF_IDLE_TIMEOUT after its latest use.

    Within a minute of the last push nothing is written, so a session may
    end up to IDLE_REFRESH early; one that has none yet (Django's two
    weeks) is put on the staff clock at once.
    """
    left = timedelta(seconds=session.get_expiry_age(modification=now))
    if STAFF_IDLE_TIMEOUT - IDLE_REFRESH < left <= STAFF_IDLE_TIMEOUT:
        return
    session.set_expiry(now + STAFF_IDLE_TIMEOUT)
