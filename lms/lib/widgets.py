"""Form widgets shared by the site's and the admin's forms."""

from __future__ import annotations

from django import forms


class DateInput(forms.DateInput):
    """The phone's own date picker; it sends ISO dates, which Django reads."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")
