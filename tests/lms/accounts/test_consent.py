import pytest
from django.urls import reverse

from lms.accounts.privacy import PRIVACY_NOTICE_VERSION
from lms.models import Consent, Person, User
from tests.factories import SIGNUP
from tests.lms.accounts.conftest import NOON

pytestmark = pytest.mark.django_db


def test_signing_up_records_the_consent_with_its_date_and_version(client, at_noon):
    client.post(reverse("account_signup"), SIGNUP)
    [consent] = Consent.objects.all()
    assert consent.user == User.objects.get(email="rosa.quispe@example.pe")
    assert consent.notice_version == PRIVACY_NOTICE_VERSION
    assert consent.given_at == NOON


def test_without_consent_no_account_and_no_record_is_made(client):
    response = client.post(reverse("account_signup"), {**SIGNUP, "privacy_consent": ""})
    assert "Se necesita su consentimiento" in response.content.decode()
    assert not User.objects.exists() and not Consent.objects.exists()


def test_the_sign_up_form_links_to_the_privacy_notice(client):
    html = client.get(reverse("account_signup")).content.decode()
    assert f'href="{reverse("accounts:privacy")}"' in html


def test_the_title_form_chosen_at_sign_up_is_kept(client):
    client.post(reverse("account_signup"), {**SIGNUP, "title_form": "feminine"})
    assert Person.objects.get().title_form == "feminine"


def test_without_a_choice_titles_read_without_gender(client):
    client.post(reverse("account_signup"), SIGNUP)
    assert Person.objects.get().title_form == "neutral"


def test_the_privacy_notice_is_public_and_says_who_what_why_how_long(client):
    html = client.get(reverse("accounts:privacy")).content.decode()
    assert reverse("accounts:privacy") == "/privacidad/"
    for said in (
        "Gobierno Regional de Cajamarca",
        "Ley 29733",
        "ARCO",
        "Por cuánto tiempo",
        "Quién ve",
        PRIVACY_NOTICE_VERSION,
    ):
        assert said in html, said
