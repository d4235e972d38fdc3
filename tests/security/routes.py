"""Every URL pattern of the site, and what a response to a request means."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from urllib.parse import urlsplit

from django.urls import URLResolver, get_resolver, reverse


class Outcome(Enum):
    OK = "200"
    REDIRECT_LOGIN = "302 to the login page"
    DENIED = "403, or the admin's refusal: back to its dashboard"
    NOT_FOUND = "404"
    REDIRECT = "302 elsewhere"
    METHOD = "405"
    BAD_REQUEST = "400"
    ERROR = "500"


BY_STATUS = {
    200: Outcome.OK,
    400: Outcome.BAD_REQUEST,
    403: Outcome.DENIED,
    404: Outcome.NOT_FOUND,
    405: Outcome.METHOD,
    500: Outcome.ERROR,
}


@dataclass(frozen=True)
class Route:
    route: str  # as ResolverMatch.route gives it
    name: str  # with its namespaces, "" if the pattern has none
    module: str  # where its view is defined


def routes(patterns=None, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    """Yield every pattern of the URLconf, included URLconfs walked."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        # Joined as Django joins ResolverMatch.route: an included regex loses
        # its leading ^.
        text = str(pattern.pattern)
        route = prefix + text.removeprefix("^") if prefix else text
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}{pattern.namespace}:"
            yield from routes(pattern.url_patterns, route, inner)
        else:
            name = f"{namespace}{pattern.name}" if pattern.name else ""
            yield Route(route, name, pattern.lookup_str.rpartition(".")[0])


def outcome(response) -> Outcome:
    """Name the response in the matrix's words."""
    status = response.status_code
    if status in (301, 302):
        return redirect_outcome(urlsplit(response.url).path)
    if status not in BY_STATUS:
        raise AssertionError(f"status {status} is not in the matrix's vocabulary")
    return BY_STATUS[status]


def redirect_outcome(path: str) -> Outcome:
    if path in (reverse("account_login"), reverse("wagtailadmin_login")):
        return Outcome.REDIRECT_LOGIN
    # Wagtail refuses a user the admin lets in by sending them to its
    # dashboard with a message (wagtail.admin.auth.permission_denied).
    if path == reverse("wagtailadmin_home"):
        return Outcome.DENIED
    return Outcome.REDIRECT
