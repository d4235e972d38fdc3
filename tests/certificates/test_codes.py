import re

import pytest

from certificates.codes import (
    ALPHABET,
    BODY_LENGTH,
    CHECK_SYMBOLS,
    ChecksumMismatch,
    CodeError,
    MalformedCode,
    check_symbol,
    is_well_formed,
    new_code,
    normalise,
)

BODY = "7K3F9QXM2HDPWZ4A"
# Worked by hand (Luhn mod 32): the digit values are
# 7 19 3 15 9 23 29 20 2 17 13 22 28 31 4 10; doubling every second one from
# the right and adding the base-32 digits of each product gives
# 7 7 3 30 9 15 29 9 2 3 13 13 28 31 4 20, which sum to 223 = 31 (mod 32),
# so the check value is 32 - 31 = 1, the symbol "1".
CODE = "GRC-7K3F-9QXM-2HDP-WZ4A-1"
DIGIT = "[0-9A-HJKMNP-TV-Z]"
FORMAT = re.compile(rf"GRC(-{DIGIT}{{4}}){{4}}-{DIGIT}")


def test_the_fixed_body_has_the_check_symbol_worked_out_by_hand():
    assert check_symbol(BODY) == "1"
    assert normalise(CODE, prefix="GRC") == CODE


def test_the_alphabets_are_crockfords():
    assert len(ALPHABET) == 32
    assert not set("ILOU") & set(ALPHABET)
    assert CHECK_SYMBOLS == ALPHABET
    assert BODY_LENGTH == 16


def test_a_new_code_has_the_display_format_and_the_prefix():
    code = new_code("GRC")
    assert FORMAT.fullmatch(code)
    assert code.startswith("GRC-")


def test_a_new_code_normalises_to_itself():
    code = new_code("GRC")
    assert normalise(code, prefix="GRC") == code
    assert is_well_formed(code, prefix="GRC")


def test_new_codes_do_not_repeat_and_use_only_the_alphabet():
    codes = {new_code("GRC") for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        body = code.replace("-", "")[3:-1]
        assert len(body) == BODY_LENGTH
        assert set(body) <= set(ALPHABET)
        assert FORMAT.fullmatch(code)


def test_a_new_code_takes_other_issuers_prefixes():
    assert new_code("AB").startswith("AB-")
    assert new_code("MINED").startswith("MINED-")


@pytest.mark.parametrize("prefix", ["", "G", "grc", "GRCXYZ", "GR1", "ÁRC"])
def test_a_bad_issuer_prefix_is_a_programming_error_not_a_code_error(prefix):
    with pytest.raises(ValueError) as raised:
        new_code(prefix)
    assert not isinstance(raised.value, CodeError)
    with pytest.raises(ValueError) as raised:
        normalise(CODE, prefix=prefix)
    assert not isinstance(raised.value, CodeError)


@pytest.mark.parametrize(
    "typed",
    [
        "grc-7k3f-9qxm-2hdp-wz4a-l",
        "GRC 7K3F 9QXM 2HDP WZ4A 1",
        "GRC7K3F9QXM2HDPWZ4A1",
        "GRC--7K3F--9QXM-2H-DP-WZ4A--1-",
        "  grc_7k3f.9qxm\t2hdp\nwz4a l ",
        "GRC-7K3F-9QXM-2HDP-WZ4A-1".replace("-", "\u2013"),
        "GRC\u00a07K3F\u00a09QXM\u00a02HDP\u00a0WZ4A\u00a01",
        "7K3F-9QXM-2HDP-WZ4A-1",
        "7k3f9qxm2hdpwz4al",
        "Grc-7K3F-9QXM-2HDP-WZ4A-1",
    ],
)
def test_forgiving_input_normalises_to_the_canonical_code(typed):
    assert normalise(typed, prefix="GRC") == CODE


def test_letters_mistaken_for_digits_are_read_as_the_digits():
    body = "0011001100110011"
    code = f"GRC-0011-0011-0011-0011-{check_symbol(body)}"
    assert normalise("GRC-OOIL-0oil-O0I1-o0l1-" + code[-1], prefix="GRC") == code


def test_a_check_character_typed_as_a_look_alike_letter_is_read_as_the_digit():
    assert check_symbol(BODY) == "1"
    assert normalise(f"{BODY}l", prefix="GRC") == CODE
    assert normalise(f"{BODY}I", prefix="GRC") == CODE


def test_a_prefix_with_look_alike_letters_is_not_read_as_digits():
    assert normalise("gob-7K3F-9QXM-2HDP-WZ4A-1", prefix="GOB") == (
        "GOB-7K3F-9QXM-2HDP-WZ4A-1"
    )


def test_a_body_that_starts_like_the_prefix_without_the_prefix_typed():
    body = "GRC0000000000000"
    code = f"GRC-GRC0-0000-0000-0000-{check_symbol(body)}"
    assert normalise(code[4:], prefix="GRC") == code
    assert normalise(code, prefix="GRC") == code


@pytest.mark.parametrize("position", range(BODY_LENGTH))
def test_every_single_character_substitution_in_the_body_is_caught(position):
    for other in ALPHABET.replace(BODY[position], ""):
        body = BODY[:position] + other + BODY[position + 1 :]
        with pytest.raises(ChecksumMismatch):
            normalise(f"GRC{body}1", prefix="GRC")


def test_every_wrong_check_character_is_caught():
    for other in CHECK_SYMBOLS.replace("1", ""):
        with pytest.raises(ChecksumMismatch):
            normalise(f"GRC{BODY}{other}", prefix="GRC")


@pytest.mark.parametrize("position", range(BODY_LENGTH - 1))
def test_swapping_two_adjacent_different_characters_is_caught(position):
    for body in (BODY, "0123456789ABCDEF", "GHJKMNPQRSTVWXYZ"):
        swapped = (
            body[:position] + body[position + 1] + body[position] + body[position + 2 :]
        )
        assert swapped != body
        with pytest.raises(ChecksumMismatch):
            normalise(f"{swapped}{check_symbol(body)}", prefix="GRC")


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "GRC",
        "GRC-7K3F-9QXM-2HDP-WZ4A",
        "GRC-7K3F-9QXM-2HDP-WZ4-Y",
        "7K3F-9QXM-2HDP-WZ4A-YY",
        "GRC-7K3F-9QXM-2HDP-WZ4A-7-Y",
        "GRCX-7K3F-9QXM-2HDP-WZ4A-Y",
    ],
)
def test_a_code_of_the_wrong_length_is_malformed(typed, english):
    with pytest.raises(MalformedCode, match="must have 16 characters"):
        normalise(typed, prefix="GRC")
    assert not is_well_formed(typed, prefix="GRC")


@pytest.mark.parametrize(
    "typed",
    [
        "GRC-7K3F-9QXM-2HDP-WZ4U-Y",
        "GRC-7K3F-9QXM-2HDP-WZ4*-Y",
        "GRC-7K3F-9QXM-2HDP-WZ4#-Y",
        "GRC-7K3F-9QXM-2HDP-WZ4Ñ-Y",
        "GRC-7K3F-9QXM-2HDP-WZ4A-#",
        "GRC-7K3F-9QXM-2HDP-WZ4A-$",
        "GRC-7K3F-9QXM-2HDP-WZ4A-U",
        "GRC-7K3F-9QXM-2HDP-WZ4A-Ñ",
    ],
)
def test_a_code_with_foreign_characters_is_malformed(typed, english):
    with pytest.raises(MalformedCode, match="characters that are not used"):
        normalise(typed, prefix="GRC")
    assert not is_well_formed(typed, prefix="GRC")


@pytest.mark.parametrize(
    "typed",
    ["ABC-7K3F-9QXM-2HDP-WZ4A-Y", "gob7k3f9qxm2hdpwz4ay", "GR-7K3F-9QXM-2HDP-WZ4A-Y"],
)
def test_another_issuers_code_is_malformed(typed, english):
    with pytest.raises(MalformedCode, match="does not belong to this issuer"):
        normalise(typed, prefix="GRC")
    assert not is_well_formed(typed, prefix="GRC")


def test_a_checksum_mismatch_says_it_is_probably_a_typo(english):
    with pytest.raises(ChecksumMismatch, match="check the code for a typo"):
        normalise("GRC-7K3F-9QXM-2HDP-WZ4B-1", prefix="GRC")


def test_a_mistyped_code_is_not_well_formed_even_with_the_right_shape():
    assert not is_well_formed("GRC-7K3F-9QXM-2HDP-WZ4B-1", prefix="GRC")
    assert is_well_formed("grc 7k3f 9qxm 2hdp wz4a l", prefix="GRC")


def test_code_errors_are_value_errors():
    assert issubclass(MalformedCode, CodeError)
    assert issubclass(ChecksumMismatch, CodeError)
    assert issubclass(CodeError, ValueError)


def test_check_characters_always_come_from_the_alphabet():
    assert {new_code("GRC")[-1] for _ in range(2000)} <= set(ALPHABET)


def test_only_a_swap_of_zero_and_z_goes_unnoticed():
    """The one blind spot of Luhn mod 32, as 09/90 is for Luhn mod 10."""
    assert check_symbol("0Z" + "0" * 14) == check_symbol("Z0" + "0" * 14)


@pytest.mark.parametrize("body", ["", "7K3F9QXM2HDPWZ4U", "7k3f9qxm2hdpwz4a", "ABC-D"])
def test_check_symbol_refuses_anything_but_canonical_digits(body):
    with pytest.raises(ValueError):
        check_symbol(body)
