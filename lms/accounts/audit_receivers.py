"""Audit lines for events that Django, allauth and the models announce.

Logins and roles change through several doors (allauth's forms, the
Wagtail admin, an import, the shell); listening to the signals catches
every door. Certificates and exports call `audit` where they happen.
"""

from __future__ import annotations

from allauth.mfa.signals import (
    authentication_failed,
    authenticator_added,
    authenticator_removed,
    authenticator_reset,
)
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from lms.lib.audit import attempted_account, audit
from lms.people.models import User
from lms.staff.models import OrganisationRole


@receiver(user_logged_in)
def logged_in(sender, request, user, **kwargs) -> None:
    audit("login", user=user, request=request)


@receiver(user_logged_out)
def logged_out(sender, request, user, **kwargs) -> None:
    audit("logout", user=user, request=request)


@receiver(user_login_failed)
def login_failed(sender, credentials, request=None, **kwargs) -> None:
    audit("login_failed", request=request, **attempted_account(credentials))


@receiver(authentication_failed)
def mfa_failed(sender, request, user, **kwargs) -> None:
    audit("mfa_failed", request=request, account_id=user.pk)


@receiver(authenticator_added)
def mfa_added(sender, request, user, authenticator, **kwargs) -> None:
    audit("mfa_activated", user=user, request=request, kind=authenticator.type)


@receiver(authenticator_removed)
def mfa_removed(sender, request, user, authenticator, **kwargs) -> None:
    audit("mfa_deactivated", user=user, request=request, kind=authenticator.type)


@receiver(authenticator_reset)
def mfa_reset(sender, request, user, authenticator, **kwargs) -> None:
    audit("mfa_reset", user=user, request=request, kind=authenticator.type)


def _role(role: OrganisationRole) -> dict:
    return {
        "account_id": role.user_id,
        "role": role.role,
        "unit_id": role.organisation_id,
        "role_id": role.pk,
    }


@receiver(post_save, sender=OrganisationRole)
def role_saved(sender, instance, created, **kwargs) -> None:
    audit("role_granted" if created else "role_changed", **_role(instance))


@receiver(post_delete, sender=OrganisationRole)
def role_removed(sender, instance, **kwargs) -> None:
    audit("role_removed", **_role(instance))


@receiver(m2m_changed, sender=User.groups.through)
def groups_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    event = {"post_add": "group_added", "post_remove": "group_removed"}.get(
        action, "groups_cleared"
    )
    # From the user's side `instance` is the user; from the group's, a group.
    if reverse:
        for user_id in sorted(pk_set or ()):
            audit(event, account_id=user_id, group_ids=[instance.pk])
    else:
        audit(event, account_id=instance.pk, group_ids=sorted(pk_set or ()))


# Flags whose change is a change of power over the site.
WATCHED_FLAGS = ("is_superuser", "is_staff", "is_active")


@receiver(pre_save, sender=User)
def account_flags_changing(sender, instance, update_fields=None, **kwargs) -> None:
    """Audit a flag changed on save; last-login saves skip the lookup."""
    if instance.pk is None or (
        update_fields is not None and not set(WATCHED_FLAGS) & set(update_fields)
    ):
        return
    before = User.objects.filter(pk=instance.pk).values(*WATCHED_FLAGS).first()
    if before is None:
        return
    for flag in WATCHED_FLAGS:
        if before[flag] != getattr(instance, flag):
            audit(
                "account_flag_changed",
                account_id=instance.pk,
                flag=flag,
                value=getattr(instance, flag),
            )
