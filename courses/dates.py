"""Calendar arithmetic for validity periods."""

import calendar
from datetime import date, datetime, time

from django.utils import timezone


def add_months(day: date, months: int) -> date:
    """Return the same day `months` later, or that month's last day (31 Jan + 1)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last_day))


def start_of(day: date) -> datetime:
    """Return midnight at the start of `day` in the site's time zone (Lima).

    Dated rules ("completed by 31/03") compare timestamps with it, so a
    completion at 23:30 in Lima counts for its own day, not the next (UTC).
    """
    return timezone.make_aware(datetime.combine(day, time.min))
