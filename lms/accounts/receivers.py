"""lms listens to allauth, to logins and to accounts being disabled."""

from allauth.account.signals import email_confirmed
from allauth.usersessions.models import UserSession
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from lms.accounts.navigation import remember_menu
from lms.accounts.staff_security import keep_staff_session_alive, must_use_mfa
from lms.lib.audit import audit
from lms.people.models import User
from lms.staff.invitations import link_on_confirmation


@receiver(email_confirmed)
def link_staff_record(sender, request, email_address, **kwargs) -> None:
    link_on_confirmation(user=email_address.user, email=email_address.email)


@receiver(user_logged_in)
def start_staff_session_clock(sender, request, user, **kwargs) -> None:
    """Put a staff session on the idle clock as it starts, not on first use."""
    if must_use_mfa(user):
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
