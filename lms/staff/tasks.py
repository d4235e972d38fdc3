"""Background jobs of staff: the immediate backend runs them at once."""

from dataclasses import asdict

from django.utils import timezone
from django_tasks import task

from lms.staff.assignments import sync_assignments


@task()
def refresh_assignments() -> dict:
    """Apply the rules to every staff member, e.g. after a requirement changed."""
    return asdict(sync_assignments(today=timezone.localdate()))
