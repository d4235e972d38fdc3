"""Certificate codes that people can type back from paper, and nobody can guess."""

from __future__ import annotations

import re
import secrets

from django.utils.translation import gettext as _

ALPHABET: str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# The check character comes from the same alphabet (Luhn mod 32), so every
# code can be typed on a phone keypad and read aloud; Crockford's own mod-37
# check would add "*~$=U", awkward on paper and in addresses.
CHECK_SYMBOLS: str = ALPHABET
BODY_LENGTH = 16

_DIGIT_VALUES = {char: value for value, char in enumerate(ALPHABET)}
_PREFIX = re.compile(r"[A-Z]{2,5}")
# Phones turn "-" into en or em dashes, and text copied from a PDF may carry
# non-breaking spaces; none of them is part of a code.
_SEPARATORS = re.compile(r"[\s._\-\u2010-\u2015\u2212]+")
# Letters people mistake for digits.
_LOOKALIKES = str.maketrans("OIL", "011")


class CodeError(ValueError):
    """A typed code that cannot be accepted; the message is shown to the user."""


class MalformedCode(CodeError):
    """A code with the wrong length, foreign characters or another issuer's prefix."""


class ChecksumMismatch(CodeError):
    """A well-formed code whose check character disagrees: probably a typo."""


def check_symbol(body: str) -> str:
    """Return the Luhn mod-32 check character for a body of canonical digits.

    It catches every single mistyped character and every swap of two
    neighbours except "0" with "Z" (values 0 and 31), as Luhn mod 10 misses 09/90.
    """
    if not body or not all(char in _DIGIT_VALUES for char in body):
        raise ValueError(f"Not a body of Crockford base-32 digits: {body!r}")
    base = len(ALPHABET)
    total = 0
    for position, char in enumerate(reversed(body)):
        value = _DIGIT_VALUES[char] * (2 if position % 2 == 0 else 1)
        total += value // base + value % base
    return ALPHABET[(base - total % base) % base]


def new_code(prefix: str) -> str:
    """Return a fresh random code for the issuer, in display form."""
    _require_valid_prefix(prefix)
    body = "".join(secrets.choice(ALPHABET) for _position in range(BODY_LENGTH))
    return _display(prefix, body, check_symbol(body))


def normalise(raw: str, *, prefix: str) -> str:
    """Return the display form of a typed code, or raise a CodeError."""
    _require_valid_prefix(prefix)
    cleaned = _SEPARATORS.sub("", raw.upper())
    # The prefix is stripped before mapping look-alikes, so that a prefix such
    # as "GOB" is not read as "G0B".
    rest = _without_prefix(cleaned, prefix).translate(_LOOKALIKES)
    body, check = rest[:-1], rest[-1]
    if not all(char in _DIGIT_VALUES for char in body) or check not in CHECK_SYMBOLS:
        raise MalformedCode(
            _("This code contains characters that are not used in certificate codes.")
        )
    if check_symbol(body) != check:
        raise ChecksumMismatch(
            _("The last character does not match: please check the code for a typo.")
        )
    return _display(prefix, body, check)


def is_well_formed(raw: str, *, prefix: str) -> bool:
    """Return whether normalise accepts the typed code, check character included."""
    try:
        normalise(raw, prefix=prefix)
    except CodeError:
        return False
    return True


def _without_prefix(cleaned: str, prefix: str) -> str:
    # Bodies may start with letters too, so the length, not the letters, tells
    # whether the user typed a prefix at all.
    typed_prefix, rest = cleaned[: -BODY_LENGTH - 1], cleaned[-BODY_LENGTH - 1 :]
    if len(cleaned) == BODY_LENGTH + 1 or typed_prefix == prefix:
        return rest
    if _PREFIX.fullmatch(typed_prefix) and not cleaned.startswith(prefix):
        raise MalformedCode(_("This code does not belong to this issuer."))
    raise MalformedCode(
        _("The code must have 16 characters after the prefix and a check character.")
    )


def _display(prefix: str, body: str, check: str) -> str:
    groups = [body[start : start + 4] for start in range(0, BODY_LENGTH, 4)]
    return "-".join([prefix, *groups, check])


def _require_valid_prefix(prefix: str) -> None:
    # A bad prefix is the caller's bug, not the user's, so it is no CodeError.
    if not _PREFIX.fullmatch(prefix):
        raise ValueError(f"An issuer prefix is 2-5 uppercase letters, not {prefix!r}")
