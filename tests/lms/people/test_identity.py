import pytest
from django.core.exceptions import ValidationError

from lms.models import Person
from lms.people.identity import (
    DocumentType,
    mask_document_number,
    normalise_document_number,
)


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("42388604", "42388604"),
        (" 42 388 604 ", "42388604"),
        ("42388604-3", "42388604"),
        ("42388604H", "42388604"),
        ("05414828", "05414828"),  # leading zeros are part of the number
    ],
)
def test_a_dni_is_stored_as_its_eight_digits(raw, stored):
    assert normalise_document_number(DocumentType.DNI, raw) == stored


@pytest.mark.parametrize("raw", ["4238860", "4238860412", "4238860A", "ABCDEFGH", ""])
def test_a_malformed_dni_is_refused(raw):
    with pytest.raises(ValidationError):
        normalise_document_number(DocumentType.DNI, raw)


def test_foreigner_cards_and_passports_keep_letters_in_upper_case():
    assert (
        normalise_document_number(DocumentType.FOREIGNER_CARD, "e001234") == "E001234"
    )
    assert normalise_document_number(DocumentType.PASSPORT, "pe 123456") == "PE123456"
    with pytest.raises(ValidationError):
        normalise_document_number(DocumentType.PASSPORT, "12-3")


def test_only_the_last_three_digits_are_shown():
    assert mask_document_number("42388604") == "*****604"
    assert mask_document_number("") == ""


@pytest.mark.django_db
def test_two_people_cannot_share_a_document_but_many_may_lack_one():
    from django.db import IntegrityError, transaction

    Person.objects.create(document_number="42388604", first_names="A", last_names="B")
    Person.objects.create(document_number="", first_names="C", last_names="D")
    Person.objects.create(document_number="", first_names="E", last_names="F")
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(
            document_number="42388604", first_names="G", last_names="H"
        )
