"""Wagtail's searches find "Jaén" when someone types "jaen" or "JAEN".

Wagtail's database search backends index words as written: PostgreSQL's
text search keeps accents, so "jaen" never met "Jaén". Each searched field
is indexed a second time without its accents (`courses.search_terms.plain_text`):
"Jaén" still matches the field as written, "jaen" and "JAEN" (search is
case-insensitive) the plain copy, on SQLite and PostgreSQL alike, in the
admin's page search (autocomplete) and the catalogue's (full text).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.encoding import force_str
from wagtail.search import index


def _plain(value: object) -> str:
    # Imported here: courses.search_terms loads Wagtail's API, which needs the
    # models this module helps to define.
    from courses.search_terms import plain_text

    return plain_text(_as_text(value))


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return " ".join(_as_text(item) for item in value)
    return force_str(value)


class PlainSearchField(index.SearchField):
    """A search field indexed without its accents."""

    def get_value(self, obj) -> str:
        return _plain(super().get_value(obj))


class PlainAutocompleteField(index.AutocompleteField):
    """An autocomplete field indexed without its accents."""

    def get_value(self, obj) -> str:
        return _plain(super().get_value(obj))


def with_plain_copies(fields: Iterable[index.BaseField]) -> list[index.BaseField]:
    """Return `fields` and an accent-free copy of each searched one."""
    fields = list(fields)
    copies = []
    for field in fields:
        if type(field) is index.SearchField:
            copies.append(PlainSearchField(field.field_name, boost=field.boost))
        elif type(field) is index.AutocompleteField:
            copies.append(PlainAutocompleteField(field.field_name))
    return [*fields, *copies]
