"""lms listens to allauth, to logins, to disabled accounts and to staff standing."""

from allauth.account.signals import email_confirmed
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from lms.accounts.navigation import remember_menu
from lms.accounts.staff_security import keep_staff_session_alive, remember_security
from lms.lib.audit import audit
from lms.people.models import User
from lms.staff.invitations import link_on_confirmation
from lms.staff.models import OrganisationRole
from lms.trainers.models import TrainerCertification


@receiver(email_confirmed)
def link_staff_record(sender, request, email_address, **kwargs) -> None:
    link_on_confirmation(user=email_address.user, email=email_address.email)


@receiver(user_logged_in)
def start_staff_session_clock(sender, request, user, **kwargs) -> None:
    """Put a staff session on the idle clock as it starts, not on first use.

    The standing read here is kept in the session for its pages.
    """
    if request is None:
        return
    if remember_security(request.session, user).must_use_mfa:
        keep_staff_session_alive(request.session, now=timezone.now())


@receiver(user_logged_in)
def read_menu(sender, request, user, **kwargs) -> None:
    """Read the person's roles for the site menu once, as they sign in."""
    if request is not None:
        remember_menu(request.session, user, now=timezone.now())


@receiver(post_save, sender=User)
def end_sessions_of_disabled_account(sender, instance, update_fields=None, **kwargs):
    """A disabled account is signed out everywhere at once.

    Django already treats an inactive user's session as anonymous; ending
    the sessions also removes them from the session store.
    """
    if instance.is_active or (update_fields and "is_active" not in update_fields):
        return
    ended = 0
    for session in UserSession.objects.filter(user=instance):
        session.end()
        ended += 1
    if ended:
        audit("sessions_ended", account_id=instance.pk, sessions=ended)


@receiver(post_save, sender=OrganisationRole)
@receiver(post_delete, sender=OrganisationRole)
@receiver(post_save, sender=Authenticator)
@receiver(post_delete, sender=Authenticator)
def standing_changed_with(sender, instance, **kwargs) -> None:
    """A role or an authenticator changed: its account's sessions read it again."""
    mark_standing_changed(User.objects.filter(pk=instance.user_id))


@receiver(post_save, sender=TrainerCertification)
@receiver(post_delete, sender=TrainerCertification)
def standing_changed_with_certification(sender, instance, **kwargs) -> None:
    mark_standing_changed(User.objects.filter(person=instance.person_id))


@receiver(m2m_changed, sender=User.groups.through)
@receiver(m2m_changed, sender=User.user_permissions.through)
@receiver(m2m_changed, sender=Group.permissions.through)
def standing_changed_with_permissions(sender, instance, action, pk_set, **kwargs):
    """Admin access granted or taken, to an account or to a group it is in.

    Either side of each relation may change it (user.groups.add(group) or
    group.user_set.add(user)). A clear names nobody, so the members are
    marked before it.
    """
    if action not in ("post_add", "post_remove", "post_clear", "pre_clear"):
        return
    if isinstance(instance, User):
        if action != "pre_clear":
            mark_standing_changed(User.objects.filter(pk=instance.pk))
        return
    if action == "post_clear":
        return
    if sender is Group.permissions.through:
        groups = [instance] if isinstance(instance, Group) else None
        if groups is None:  # a permission's groups
            groups = instance.group_set.all() if action == "pre_clear" else pk_set or ()
        mark_standing_changed(User.objects.filter(groups__in=groups))
    elif action == "pre_clear":  # a group's or a permission's accounts
        mark_standing_changed(instance.user_set.all())
    else:
        mark_standing_changed(User.objects.filter(pk__in=pk_set or ()))


def mark_standing_changed(accounts) -> None:
    """Have the accounts' sessions read their staff standing again."""
    accounts.update(standing_changed_at=timezone.now())
