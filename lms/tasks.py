"""Background jobs of lms: the immediate backend runs them at once."""

from dataclasses import asdict

from django.core.mail import EmailMessage
from django.utils import timezone
from django_tasks import task

from lms.assignments import sync_assignments


@task()
def refresh_assignments() -> dict:
    """Apply the rules to every staff member, e.g. after a requirement changed."""
    return asdict(sync_assignments(today=timezone.localdate()))


@task()
def send_email(to: str, subject: str, body: str) -> None:
    """Send one plain-text email: reminders, digests and invitations."""
    EmailMessage(subject, body, to=[to]).send()
