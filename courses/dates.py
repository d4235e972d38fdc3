"""Calendar arithmetic for validity periods."""

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """Return the same day `months` later, or that month's last day (31 Jan + 1)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last_day))
