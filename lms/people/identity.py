"""Peruvian identity documents: which ones, how to check them, how to mask them."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.pe import ruc as stdnum_ruc


class DocumentType(models.TextChoices):
    """Codes of SUNAT's Catálogo 06, which Peruvian data sets and forms share."""

    DNI = "1", _("DNI")
    FOREIGNER_CARD = "4", _("Foreigner's card (CE)")
    PASSPORT = "7", _("Passport")


# The DNI's optional 9th check character is accepted and dropped: RENIEC does
# not publish the algorithm, and some real DNIs fail the commonly used one.
DNI_PATTERN = re.compile(r"^(\d{8})(?:-?[0-9A-K])?$")
# Carné de extranjería and passport numbers vary in shape; only the character
# set and length are checked.
ALPHANUMERIC_PATTERN = re.compile(r"^[A-Z0-9]{6,12}$")
VISIBLE_DIGITS = 3


def normalise_document_number(document_type: str, raw: str) -> str:
    """Return the number as stored, or raise ValidationError saying what is wrong."""
    number = re.sub(r"[\s.]", "", raw).upper()
    if document_type == DocumentType.DNI:
        match = DNI_PATTERN.match(number)
        if not match:
            raise ValidationError(_("A DNI has 8 digits."), code="invalid_dni")
        return match.group(1)
    if not ALPHANUMERIC_PATTERN.match(number):
        raise ValidationError(
            _("The document number must have 6 to 12 letters or digits."),
            code="invalid_document",
        )
    return number


def mask_document_number(number: str) -> str:
    """Show only the last digits, as public pages may (Ley 29733)."""
    if not number:
        return ""
    return "*" * (len(number) - VISIBLE_DIGITS) + number[-VISIBLE_DIGITS:]


def normalise_ruc(raw: str) -> str:
    """Return a company's RUC as stored (11 digits), or say what is wrong.

    python-stdnum checks the length, the taxpayer-type prefix (10 natural
    person, 15, 17, 20 legal entity) and SUNAT's mod-11 check digit. A RUC
    that passes may still not exist: only SUNAT's register knows that.
    """
    try:
        return stdnum_ruc.validate(raw)
    except stdnum_errors.InvalidLength:
        message, code = _("A RUC has 11 digits."), "ruc_length"
    except stdnum_errors.InvalidFormat:
        message, code = _("A RUC has only digits."), "ruc_format"
    except stdnum_errors.InvalidComponent:
        message = _("A RUC starts with 10 (a person), 20 (a company), 15 or 17.")
        code = "ruc_prefix"
    except stdnum_errors.InvalidChecksum:
        message = _(
            "The last digit of this RUC does not match the others: check it "
            "was typed correctly."
        )
        code = "ruc_check_digit"
    raise ValidationError(message, code=code)
