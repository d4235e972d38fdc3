"""Calendar arithmetic for validity periods, and the window of plausible dates."""

import calendar
from argparse import ArgumentTypeError
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

# Every date a person types or a file brings (hire dates, deadlines, cohort
# days, the day a rule applies from) must fall in this window. Nobody still
# working was hired before 1900, and nothing here is planned more than ten
# years ahead, so a date outside it is a slip such as 31/12/9999, which also
# breaks every rule adding a deadline or a validity to it: Python's calendar
# ends in 9999. The window moves with today, so it needs no yearly update.
EARLIEST_DATE = date(1900, 1, 1)
YEARS_AHEAD = 10
# Periods added to today (a validity, a renewal, days to complete) are held
# to the same ten years, so the dates they make stay in the window too.
MAX_PERIOD_MONTHS = 12 * YEARS_AHEAD
MAX_PERIOD_DAYS = 365 * YEARS_AHEAD


def latest_plausible_date(*, today: date | None = None) -> date:
    """Return the last date the window accepts: YEARS_AHEAD years from today."""
    return add_months(today or timezone.localdate(), 12 * YEARS_AHEAD)


def validate_plausible_date(value: date | datetime | None) -> None:
    """Refuse a date (or a moment's day) outside the window of plausible dates."""
    if value is None:
        return
    day = value.date() if isinstance(value, datetime) else value
    latest = latest_plausible_date()
    if not EARLIEST_DATE <= day <= latest:
        raise ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s.")
            % {
                "earliest": date_format(EARLIEST_DATE, "SHORT_DATE_FORMAT"),
                "latest": date_format(latest, "SHORT_DATE_FORMAT"),
            },
            code="implausible_date",
        )


def date_argument(text: str) -> date:
    """Return a command-line date written aaaa-mm-dd, if plausible."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ArgumentTypeError(
            _("Write the date as aaaa-mm-dd, not %(value)s.") % {"value": text}
        ) from None
    try:
        validate_plausible_date(day)
    except ValidationError as error:
        raise ArgumentTypeError(" ".join(error.messages)) from None
    return day


def add_days(day: date, days: int) -> date:
    """Return the day `days` later, stopping at the first or last date there is.

    A deadline past the end of the calendar means "never"; stopping there
    keeps one stray date already stored from crashing every rule that adds
    to it (reminders, imports, a learner's completion).
    """
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


def add_months(day: date, months: int) -> date:
    """Return the same day `months` later, or that month's last day (31 Jan + 1).

    Like `add_days`, it stops at the first or last date there is.
    """
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    if year > date.max.year:
        return date.max
    if year < date.min.year:
        return date.min
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
    return add_days(add_months(completed_on, months), -1)


def start_of(day: date) -> datetime:
    """Return midnight at the start of `day` in the site's time zone (Lima).

    Dated rules ("completed by 31/03") compare timestamps with it, so a
    completion at 23:30 in Lima counts for its own day, not the next (UTC).
    """
    return timezone.make_aware(datetime.combine(day, time.min))
