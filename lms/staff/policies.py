"""Who may do what in the staff admin: by role, and only within the role's units.

Wagtail's default policy reads Django model permissions, which HR officers
and unit heads do not hold: their roles (lms.models.OrganisationRole) are
what grants them the admin. These policies answer Wagtail's questions ("may
this user add a staff member?", "which organisations may they see?") from
those roles and from lms.staff.scopes. Any role opens the admin itself
(OrganisationRoleBackend); what it then shows is scoped.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.backends import BaseBackend
from django.db.models import Model, Q, QuerySet
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy

from lms.people.models import User
from lms.staff.models import (
    Organisation,
    OrganisationRole,
    Role,
    StaffMember,
    TrainingRequirement,
)
from lms.staff.scopes import Scope, grants_of, scope_for

HR = Role.HR_OFFICER


HEAD = Role.UNIT_HEAD


OFFICER = Role.INTEGRITY_OFFICER


def roles_of(user: User) -> frozenset[str]:
    """Return the kinds of role the user holds, read once per request."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_lms_roles"):
        user._lms_roles = frozenset(role for role, _path in grants_of(user))
    return user._lms_roles


def cached_scope(user: User, roles: Iterable[str]) -> Scope:
    """Return `scope_for(user, roles)`, read once per request and set of roles."""
    key = frozenset(roles)
    scopes = user.__dict__.setdefault("_lms_scopes", {})
    if key not in scopes:
        grants = grants_of(user) if user.is_authenticated else ()
        scopes[key] = scope_for(user, key, grants)
    return scopes[key]


class RolePermissionPolicy(BasePermissionPolicy):
    """Grant each action to the roles listed for it; superusers may do anything."""

    def __init__(self, model: type[Model], grants: dict[str, tuple[str, ...]]):
        super().__init__(model)
        self.grants = grants

    def roles_for(self, actions: Iterable[str]) -> set[str]:
        return {role for action in actions for role in self.grants.get(action, ())}

    def user_has_permission(self, user: User, action: str) -> bool:
        return self.user_has_any_permission(user, [action])

    def user_has_any_permission(self, user: User, actions: Iterable[str]) -> bool:
        if not (user.is_authenticated and user.is_active):
            return False
        return user.is_superuser or bool(self.roles_for(actions) & roles_of(user))

    def users_with_any_permission(self, actions: Iterable[str]) -> QuerySet[User]:
        granted = Q(is_superuser=True) | Q(
            organisation_roles__role__in=self.roles_for(actions)
        )
        return User.objects.filter(granted, is_active=True).distinct()


class ScopedRolePermissionPolicy(RolePermissionPolicy):
    """A role policy whose actions reach only objects within the role's units.

    An HR officer of one unit therefore never gets another unit's objects,
    not even by typing their URL: the views look objects up in
    `instances_user_has_permission_for`, so the rest are 404.
    """

    #: The lookup from the model to its unit, as `Scope.q` takes it.
    scope_prefix = ""

    def unit_of(self, instance: Model) -> Organisation:
        return instance

    def scope(self, user: User, actions: Iterable[str]) -> Scope:
        """Return the units where the user may do any of `actions`."""
        if not self.user_has_any_permission(user, actions):
            return Scope(False, ())
        return cached_scope(user, self.roles_for(actions))

    def instances_user_has_any_permission_for(
        self, user: User, actions: Iterable[str]
    ) -> QuerySet:
        scope = self.scope(user, actions)
        return self.model._default_manager.filter(scope.q(self.scope_prefix))

    def user_has_permission_for_instance(
        self, user: User, action: str, instance: Model
    ) -> bool:
        return self.scope(user, [action]).covers(self.unit_of(instance))


class StaffPermissionPolicy(ScopedRolePermissionPolicy):
    scope_prefix = "unit__"

    def unit_of(self, instance: StaffMember) -> Organisation:
        return instance.unit


# Staff data: HR officers manage their units, unit heads read theirs. No one
# deletes a staff record: HR sets an end date and the history stays.
staff_policy = StaffPermissionPolicy(
    StaffMember,
    {"view": (HR, HEAD, OFFICER), "add": (HR, OFFICER), "change": (HR, OFFICER)},
)


# The unit tree belongs to the integrity officer; others see their units.
organisation_policy = ScopedRolePermissionPolicy(
    Organisation,
    {
        "view": (HR, HEAD, OFFICER),
        "add": (OFFICER,),
        "change": (OFFICER,),
        "delete": (OFFICER,),
    },
)


# Requirements are institution-wide rules, not personal data: every HR officer
# may read them all, and only the integrity officer changes them.
requirement_policy = RolePermissionPolicy(
    TrainingRequirement,
    {"view": (HR, OFFICER), "add": (OFFICER,), "change": (OFFICER,)},
)


role_policy = RolePermissionPolicy(
    OrganisationRole,
    {"view": (OFFICER,), "add": (OFFICER,), "change": (OFFICER,), "delete": (OFFICER,)},
)


POLICIES = {
    StaffMember: staff_policy,
    Organisation: organisation_policy,
    TrainingRequirement: requirement_policy,
    OrganisationRole: role_policy,
}


class RoleViewSet(ModelViewSet):
    """An admin area its role grants, with no edit view of Wagtail's own.

    Rows and log entries link to `row_url_name` instead of the edit view, and
    the URL names in `hidden_url_names` are not offered as buttons.
    """

    row_url_name: str
    hidden_url_names: tuple[str, ...] = ("edit_url_name", "delete_url_name")

    @property
    def url_finder_class(self) -> type:
        return type(
            f"{self.model.__name__}URLFinder",
            (ModelAdminURLFinder,),
            {"edit_url_name": self.get_url_name(self.row_url_name)},
        )

    def get_common_view_kwargs(self, **kwargs) -> dict:
        hidden = dict.fromkeys(self.hidden_url_names)
        return super().get_common_view_kwargs(**hidden, **kwargs)

    def get_permissions_to_register(self) -> QuerySet:
        """Offer no Django permissions to groups: the role grants these views."""
        return super().get_permissions_to_register().none()


ADMIN_ACCESS = "wagtailadmin.access_admin"


class OrganisationRoleBackend(BaseBackend):
    """Grant the admin to anyone with a role, so assigning the role is enough.

    Every list, export and action then filters by `lms.staff.scopes.scope_for`.
    """

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        if perm != ADMIN_ACCESS or not user_obj.is_active:
            return False
        # The kinds of role are kept on the user for the request: the admin
        # menus (lms.staff.policies.roles_of) ask again on every page.
        return bool(grants_of(user_obj))
