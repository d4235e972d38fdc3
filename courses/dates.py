"""Calendar arithmetic for validity periods."""

import calendar
from datetime import date, datetime, time, timedelta

from django.utils import timezone


def add_months(day: date, months: int) -> date:
    """Return the same day `months` later, or that month's last day (31 Jan + 1)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last_day))


def last_day_counting(completed_on: date, months: int | None) -> date | None:
    """Return the last day a completion on `completed_on` counts for, or None.

    The one rule for how long a completion, its certificate and the training
    requirement it meets stay valid, and so by when it must be renewed:
    `months` later, less a day (completed on 07/12/2026 for 24 months: valid
    until, and renew by, 06/12/2028). None if it never lapses.
    """
    if not months:
        return None
    return add_months(completed_on, months) - timedelta(days=1)


def start_of(day: date) -> datetime:
    """Return midnight at the start of `day` in the site's time zone (Lima).

    Dated rules ("completed by 31/03") compare timestamps with it, so a
    completion at 23:30 in Lima counts for its own day, not the next (UTC).
    """
    return timezone.make_aware(datetime.combine(day, time.min))
