"""Dates as our pages write them."""

from __future__ import annotations

from datetime import date

from django.utils import formats


def short_date(day: date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")
