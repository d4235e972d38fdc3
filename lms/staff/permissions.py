"""Roles over organisations open the Wagtail admin; what they see is scoped."""

from __future__ import annotations

from django.contrib.auth.backends import BaseBackend

from lms.staff.scopes import grants_of

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
