"""lms listens to allauth, which knows nothing of staff records."""

from allauth.account.signals import email_confirmed
from django.dispatch import receiver

from lms.invitations import link_on_confirmation


@receiver(email_confirmed)
def link_staff_record(sender, request, email_address, **kwargs) -> None:
    link_on_confirmation(user=email_address.user, email=email_address.email)
