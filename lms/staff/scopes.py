"""Which units, staff and assignments a user may see through their roles."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from lms.people.models import Person, User
from lms.staff.models import (
    Assignment,
    Organisation,
    OrganisationRole,
    Role,
    StaffMember,
)

# Roles that may see staff data; unit heads only read it.
READ_ROLES = (Role.HR_OFFICER, Role.UNIT_HEAD, Role.INTEGRITY_OFFICER)
# Roles that may change staff data: import, invite, extend, waive.
MANAGE_ROLES = (Role.HR_OFFICER, Role.INTEGRITY_OFFICER)


@dataclass(frozen=True)
class Scope:
    """The units a user reaches: every unit, or the subtrees under some units."""

    everything: bool
    paths: tuple[str, ...]

    @classmethod
    def from_grants(cls, grants: Iterable[tuple[str, str | None]]) -> Scope:
        """Merge (role, unit path) pairs into what they reach together."""
        paths = []
        for role, path in grants:
            if role == Role.INTEGRITY_OFFICER:
                return cls(True, ())
            paths.append(path)
        # A unit inside another already covered adds nothing.
        kept = tuple(
            path
            for path in sorted(set(paths))
            if not any(path != other and path.startswith(other) for other in paths)
        )
        return cls(False, kept)

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.paths)

    def q(self, prefix: str) -> Q:
        """Return a filter on `prefix`path (e.g. "unit__") for the scope."""
        if self.everything:
            return Q()
        if not self.paths:
            return Q(pk__in=[])
        q = Q()
        for path in self.paths:
            q |= Q(**{f"{prefix}path__startswith": path})
        return q

    def covers(self, organisation: Organisation) -> bool:
        return self.everything or any(
            organisation.path.startswith(path) for path in self.paths
        )

    def owns_identity(self, person: Person) -> bool:
        """Say whether the scope may write the person's names and document.

        A person is HR's to name only while nobody else holds their data: an
        account holder names themselves, and a staff record in another unit
        (or none, as for a trainer's participant) is another scope's. The
        integrity officer may always correct an identity.
        """
        if person.pk is None or self.everything:
            return True
        record = getattr(person, "staff_record", None)
        return (
            person.user_id is None and record is not None and self.covers(record.unit)
        )

    def organisations(self) -> QuerySet[Organisation]:
        return Organisation.objects.filter(self.q(""))

    def staff(self) -> QuerySet[StaffMember]:
        return StaffMember.objects.filter(self.q("unit__"))

    def assignments(self) -> QuerySet[Assignment]:
        return Assignment.objects.filter(self.q("staff__unit__"))


def grants_of(user: User) -> tuple[tuple[str, str | None], ...]:
    """Return the user's (role, unit path) pairs, read once per request.

    The admin's menus, home panels and views each ask for roles or a scope;
    one query answers them all.
    """
    grants = getattr(user, "_lms_grants", None)
    if grants is None:
        granted = OrganisationRole.objects.filter(user=user)
        grants = tuple(granted.values_list("role", "organisation__path"))
        user._lms_grants = grants
    return grants


def scope_for(
    user: User,
    roles: Iterable[str] = READ_ROLES,
    grants: Iterable[tuple[str, str | None]] | None = None,
) -> Scope:
    """Return what the user's roles (of the kinds given) let them reach.

    `grants`, all of the user's (role, unit path) pairs when the caller has
    read them already, spares the query.
    """
    if not user.is_authenticated or not user.is_active:
        return Scope(False, ())
    if user.is_superuser:
        return Scope(True, ())
    roles = frozenset(roles)
    if grants is None:
        granted = OrganisationRole.objects.filter(user=user, role__in=list(roles))
        grants = granted.values_list("role", "organisation__path")
    return Scope.from_grants((role, path) for role, path in grants if role in roles)


def managers_of(organisation: Organisation | None) -> QuerySet[User]:
    """Return the active users whose scope lets them manage staff of the unit.

    Integrity officers manage every unit; HR officers the units under their
    own. With no unit (someone who is not staff), only integrity officers.
    """
    reach = Q(role=Role.INTEGRITY_OFFICER)
    if organisation is not None:
        path, step = organisation.path, Organisation.steplen
        above = [path[:end] for end in range(step, len(path) + 1, step)]
        reach |= Q(role=Role.HR_OFFICER, organisation__path__in=above)
    granted = OrganisationRole.objects.filter(reach, role__in=MANAGE_ROLES)
    return User.objects.filter(is_active=True, pk__in=granted.values("user"))


def staff_for_user(user: User, staff_id: int, *, manage: bool = False) -> StaffMember:
    """Return the staff record if the user's scope reaches it, else 404."""
    scope = scope_for(user, MANAGE_ROLES if manage else READ_ROLES)
    try:
        return scope.staff().select_related("person", "unit").get(pk=staff_id)
    except StaffMember.DoesNotExist:
        raise Http404 from None


def assignment_for_user(
    user: User, assignment_id: int, *, manage: bool = False
) -> Assignment:
    """Return the assignment if the user's scope reaches its person, else 404."""
    scope = scope_for(user, MANAGE_ROLES if manage else READ_ROLES)
    try:
        return (
            scope.assignments()
            .select_related("staff__person", "staff__unit", "requirement__course")
            .get(pk=assignment_id)
        )
    except Assignment.DoesNotExist:
        raise Http404 from None


def identity_error(
    scope: Scope, person: Person, *, first_names: str, last_names: str
) -> str | None:
    """Say why HR of `scope` may not tie `person` to a staff record by these names.

    HR forms and imports find people by document: a person HR does not own
    (Scope.owns_identity) is linked only under the names they already have,
    and the refusal tells nothing of them but that the document is known.
    """
    if scope.owns_identity(person) or same_names(
        person, first_names=first_names, last_names=last_names
    ):
        return None
    record = getattr(person, "staff_record", None)
    if record is not None and scope.covers(record.unit):
        return _(
            "This person has an account: their names are changed only by them "
            "or by the integrity officer."
        )
    return _(
        "This document already belongs to a person you cannot see, under other "
        "names. Check the document and the names; if they are right, ask the "
        "integrity officer."
    )


def unseen_record_error() -> str:
    """Say that a document has a staff record outside the scope, and nothing else."""
    return _(
        "This document already has a staff record that you cannot see. The HR "
        "office of its unit or the integrity officer can transfer it to your unit."
    )


def same_names(person: Person, *, first_names: str, last_names: str) -> bool:
    """Say whether the names are the person's, ignoring case, accents and spaces."""
    return comparable(person.first_names) == comparable(first_names) and comparable(
        person.last_names
    ) == comparable(last_names)


def comparable(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())
