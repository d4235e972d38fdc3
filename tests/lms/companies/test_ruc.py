"""RUC validation: length, taxpayer-type prefix and SUNAT's check digit.

The numbers are the worked examples of shared/DOMAIN.md (python-stdnum's
doctests, validate-ruc's cases and one derived from a DNI).
"""

import pytest
from django.core.exceptions import ValidationError

from lms.people.identity import normalise_ruc


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("20512333797", "20512333797"),  # a company; check digit 7
        ("10054148289", "10054148289"),  # a person, DNI 05414828
        ("10441348521", "10441348521"),  # 11 - 0 = 11 gives the digit 1
        ("20554133470", "20554133470"),  # 11 - 1 = 10 gives the digit 0
        ("10101174102", "10101174102"),  # "10" + DNI 10117410 + check digit
        (" 20512333797 ", "20512333797"),  # spaces around a pasted number
    ],
)
def test_valid_rucs_are_stored_as_their_eleven_digits(raw, stored):
    assert normalise_ruc(raw) == stored


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("20512333798", "ruc_check_digit"),  # last digit changed
        ("20554133471", "ruc_check_digit"),
        ("10441348520", "ruc_check_digit"),
        ("30101174102", "ruc_prefix"),  # no such taxpayer type
        ("16101174105", "ruc_prefix"),  # no longer issued
        ("11101174102", "ruc_prefix"),
        ("2051233379", "ruc_length"),  # ten digits
        ("205123337971", "ruc_length"),  # twelve
        ("", "ruc_length"),
        ("2051233379A", "ruc_format"),
    ],
)
def test_a_wrong_ruc_is_refused_saying_why(raw, code):
    with pytest.raises(ValidationError) as refused:
        normalise_ruc(raw)
    assert refused.value.code == code


def test_the_message_says_what_to_check(english):
    with pytest.raises(ValidationError) as refused:
        normalise_ruc("20512333798")
    assert "last digit" in refused.value.messages[0]
