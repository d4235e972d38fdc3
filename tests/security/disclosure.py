"""What an answer gives away: the people it names, and more than anonymous gets.

Answers to POSTs, previews and error messages are data paths as much as
GETs are. The role matrix (GETs), the wrong-role POSTs and the API rows read
every answer through these helpers, and so should any test of a POST answer
or a preview. That role X's answer names no one beyond X's reach:

    response = as_role("hr_b").post(url, data)
    assert not shown(response, hidden_people(world, "hr_b"))

That it names a given person P (any Person or StaffMember, made in the
test) nowhere:

    assert not shown(response, identifiers(p))

And that sending credentials adds nothing to what anonymous gets:

    assert Answer.of(with_credentials) == Answer.of(anonymous)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.http import HttpResponseBase

from lms.models import Person, StaffMember
from tests.security.world import World


def body(response: HttpResponseBase) -> str:
    """Return the text of an HTML, JSON or CSV answer; "" for files."""
    kind = response.get("Content-Type", "")
    if not kind.startswith(("text/", "application/json")):
        return ""
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def identifiers(*people: Person | StaffMember) -> list[str]:
    """Return what names each person on a page: last names and document.

    The world's and the tests' people have last names and documents found
    nowhere else, so a page holding one of them shows that person.
    """
    persons = [getattr(each, "person", each) for each in people]
    return [
        text
        for person in persons
        for text in (person.last_names, person.document_number)
    ]


# Whose staff records each role may read: HR officers and unit heads their
# unit's, the administrator everyone's.
STAFF_REACH = {
    "hr_a": ("staff_a",),
    "head_a": ("staff_a",),
    "hr_b": ("staff_b",),
    "admin": ("staff_a", "staff_b"),
}


def hidden_people(world: World, role: str) -> list[str]:
    """Return the names and documents of the world's staff the role must not see.

    The world's staff are no learners or holders, so no page outside the
    staff admin has reason to name them.
    """
    reach = STAFF_REACH.get(role, ())
    beyond = [name for name in ("staff_a", "staff_b") if name not in reach]
    return identifiers(*(getattr(world, name) for name in beyond))


def shown(response: HttpResponseBase, texts: Iterable[str]) -> list[str]:
    """Return those of `texts` that the answer holds."""
    text = body(response)
    return [each for each in texts if each in text]


# A form's CSRF token is new on every answer, and tells nothing.
CSRF_TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=)"[^"]*"')


@dataclass(frozen=True)
class Answer:
    """What an answer tells its asker: compare two to see one tells more."""

    status: int
    content_type: str
    # Private for a signed-in user (lms.middleware.PrivateResponsesMiddleware).
    cache_control: str
    cookies: frozenset[str]
    text: str
    location: str

    @classmethod
    def of(cls, response: HttpResponseBase) -> Answer:
        return cls(
            status=response.status_code,
            content_type=response.get("Content-Type", ""),
            cache_control=response.get("Cache-Control", ""),
            cookies=frozenset(response.cookies),
            text=CSRF_TOKEN.sub(r"\1", body(response)),
            location=response.get("Location", ""),
        )
