"""The site menu: which links each person sees.

The person's roles are read in one query when they sign in and kept in the
session, so pages cost no query for the menu; they are read again after
MENU_MAX_AGE, so a role granted meanwhile (a company approved, a trainer
certified) shows within minutes without signing in again.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.contrib.sessions.backends.base import SessionBase
from django.db.models import Exists, OuterRef, Q, Subquery
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from lms.accounts.staff_security import admin_access
from lms.companies.models import Company
from lms.people.models import User
from lms.staff.models import OrganisationRole
from lms.trainers.models import TrainerCertification

MENU_SESSION_KEY = "lms_menu"
MENU_MAX_AGE = timedelta(minutes=10)


@dataclass(frozen=True)
class Menu:
    """The links a signed-in person sees besides everyone's."""

    company_ruc: str | None = None
    trains: bool = False
    administers: bool = False


def menu_for(user: User) -> Menu:
    """Return the person's menu from one query, whatever their roles."""
    if not user.is_authenticated:
        return Menu()
    person = OuterRef("pk")
    companies = Company.objects.filter(
        Q(representative__user=person) | Q(members__person__user=person)
    ).order_by("status")  # an approved company before a pending request
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(admin_access=admin_access())
        .values(
            "admin_access",
            company_ruc=Subquery(companies.values("ruc")[:1]),
            # A lapsed certification still leads to the trainer's pages,
            # which say how to renew it.
            trains=Exists(
                TrainerCertification.objects.active().filter(person__user=person)
            ),
            has_role=Exists(OrganisationRole.objects.filter(user=person)),
        )
        .first()
    ) or {}
    return Menu(
        company_ruc=row.get("company_ruc"),
        trains=bool(row.get("trains")),
        administers=user.is_superuser
        or bool(row.get("has_role") or row.get("admin_access")),
    )


def remember_menu(session: SessionBase, user: User, *, now: datetime) -> Menu:
    """Read the person's menu and keep it in their session."""
    menu = menu_for(user)
    session[MENU_SESSION_KEY] = {"read_at": now.timestamp(), **asdict(menu)}
    return menu


def session_menu(request: HttpRequest, *, now: datetime) -> Menu:
    """Return the menu kept in the session, read again if missing or old."""
    if not request.user.is_authenticated:
        return Menu()
    kept = dict(request.session.get(MENU_SESSION_KEY) or {})
    read_at = kept.pop("read_at", None)
    if read_at is None or now.timestamp() - read_at > MENU_MAX_AGE.total_seconds():
        return remember_menu(request.session, request.user, now=now)
    return Menu(**kept)


def navigation(request: HttpRequest) -> dict:
    """Context processor: the menu, read only by pages that show it."""
    return {
        "menu": SimpleLazyObject(lambda: session_menu(request, now=timezone.now())),
    }
