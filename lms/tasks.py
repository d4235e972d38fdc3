"""Background jobs of lms: the immediate backend runs them at once."""

from dataclasses import asdict

from django.utils import timezone
from django_tasks import task

from lms.assignments import sync_assignments
from lms.lib.emails import build_message


@task()
def refresh_assignments() -> dict:
    """Apply the rules to every staff member, e.g. after a requirement changed."""
    return asdict(sync_assignments(today=timezone.localdate()))


@task()
def send_email(to: str, subject: str, body: str) -> None:
    """Send one e-mail finished by render_email, with its HTML part.

    The job carries the text alone and the HTML is made here from it, so jobs
    queued before a change of layout are sent in the new one.
    """
    build_message(to=to, subject=subject, body=body).send()
