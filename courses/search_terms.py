"""What a search box may ask for: terms short enough to answer at once.

The staff and certificate lists add a condition on every searched field for
each word (as `match_every_word` does), so a 2,000-word search took 29
seconds. Every search box checks its terms with `validate_search_terms`: the
admin's (Wagtail's search form, used by every listing, ours included), the
public company registry and the course catalogue's API (`?search=`).

A word matches with or without its accents and in any case ("Jaén", "JAEN",
"jaen"): both sides go through `plain_text`, the column in the database
(PostgreSQL's unaccent, or the same Python function registered on SQLite).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db.backends.signals import connection_created
from django.db.models import CharField, Q, QuerySet, TextField, Transform
from django.utils.translation import gettext as _
from wagtail.admin.forms.search import SearchForm
from wagtail.api.v2.filters import SearchFilter
from wagtail.api.v2.utils import BadRequestError

# A name field holds 150 characters; a full name with its particles ("María
# del Carmen de la Cruz Quispe") or a DNI with a name has fewer than 10 words.
MAX_SEARCH_CHARACTERS = 150
MAX_SEARCH_WORDS = 10


def validate_search_terms(query: str) -> None:
    """Refuse a search longer than MAX_SEARCH_CHARACTERS or MAX_SEARCH_WORDS."""
    if len(query) > MAX_SEARCH_CHARACTERS or len(query.split()) > MAX_SEARCH_WORDS:
        raise ValidationError(
            _(
                "Search with at most %(words)s words and %(characters)s "
                "characters: a name, a document number or a code."
            )
            % {"words": MAX_SEARCH_WORDS, "characters": MAX_SEARCH_CHARACTERS},
            code="search_too_long",
        )


def plain_text(text: str | None) -> str | None:
    """Return `text` without its accents: "Ñuñoa Jaén" is "Nunoa Jaen"."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class Plain(Transform):
    """A text column without its accents, for `__plain__icontains`."""

    lookup_name = "plain"
    function = "UNACCENT"


def match_plain_text() -> None:
    """Let text columns be searched without accents, on either database.

    PostgreSQL has UNACCENT (its extension, created by a migration); SQLite
    is given `plain_text` under the same name on every new connection.
    """
    CharField.register_lookup(Plain)
    TextField.register_lookup(Plain)
    connection_created.connect(_register_on_sqlite, dispatch_uid="plain_text")


def _register_on_sqlite(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "UNACCENT", 1, plain_text, deterministic=True
        )


def match_every_word(queryset: QuerySet, query: str, fields: Iterable[str]) -> QuerySet:
    """Return the rows matching every word of the query in one of the fields.

    A full name with a document number ("Rosa Quispe 41111111") finds its
    person, whose names and number are in different fields; "quispe jaen"
    finds "QUISPE" in "Jaén".
    """
    for word in query.split():
        in_any_field = Q()
        for field in fields:
            in_any_field |= Q(**{f"{field}__plain__icontains": plain_text(word)})
        queryset = queryset.filter(in_any_field)
    return queryset


def bound_admin_search() -> None:
    """Check the terms of every Wagtail admin search box.

    An invalid search form searches nothing, so the listing shows what it
    shows unsearched, with the message under the box.
    """
    validators = SearchForm.base_fields["q"].validators
    if validate_search_terms not in validators:
        validators.append(validate_search_terms)


class BoundedSearchFilter(SearchFilter):
    """The Wagtail API's `?search=`, its terms checked as every search box's."""

    def filter_queryset(self, request, queryset, view):
        try:
            validate_search_terms(request.GET.get("search", ""))
        except ValidationError as error:
            raise BadRequestError(error.messages[0]) from None
        return super().filter_queryset(request, queryset, view)
