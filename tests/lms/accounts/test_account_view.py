import pytest
from django.urls import reverse

from lms.models import Person
from tests.factories import StaffMemberFactory, with_mfa

pytestmark = pytest.mark.django_db

URL = "/mi-cuenta/"


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get(URL).url.startswith(reverse("account_login"))


def test_it_shows_the_persons_data_and_where_to_change_the_rest(learner_client, person):
    html = learner_client.get(reverse("accounts:account")).content.decode()
    assert reverse("accounts:account") == URL
    assert 'value="Rosa Elena"' in html and "DNI *****604" in html
    assert "42388604" not in html
    for url in (
        reverse("account_change_password"),
        reverse("account_email"),
        reverse("mfa_activate_totp"),
        reverse("accounts:data_json"),
        reverse("accounts:data_pdf"),
        reverse("accounts:erase"),
    ):
        assert f'href="{url}"' in html, url


def test_a_public_servant_is_offered_to_ask_for_an_extension(
    learner_client, person, units
):
    extensions = f'href="{reverse("lms:extension_requests")}"'
    assert extensions not in learner_client.get(URL).content.decode()
    StaffMemberFactory(person=person, unit=units["a1"])
    assert extensions in learner_client.get(URL).content.decode()


def test_with_a_second_factor_it_offers_to_replace_it(learner_client, learner, person):
    with_mfa(learner)
    html = learner_client.get(URL).content.decode()
    assert f'href="{reverse("mfa_index")}"' in html
    assert "Reemplazar el segundo factor" in html


def test_the_person_corrects_names_and_title_form(learner_client, learner, person):
    response = learner_client.post(
        URL,
        {
            "first_names": " Rosa Elvira ",
            "last_names": "Quispe Huamán",
            "title_form": "feminine",
            "document_number": "11111111",
        },
    )
    assert response.url == URL
    person.refresh_from_db()
    learner.refresh_from_db()
    assert (person.first_names, person.title_form) == ("Rosa Elvira", "feminine")
    assert learner.get_full_name() == "Rosa Elvira Quispe Huamán"
    # The document is the integrity officer's to change, whatever is posted.
    assert person.document_number == "42388604"


def test_blank_names_are_refused_in_spanish_and_nothing_is_saved(
    learner_client, person
):
    response = learner_client.post(
        URL, {"first_names": "", "last_names": "X", "title_form": "masculine"}
    )
    assert "Este campo es necesario" in response.content.decode()
    person.refresh_from_db()
    assert (person.last_names, person.title_form) == ("Quispe Huamán", "neutral")


def test_each_person_edits_only_their_own_data(client, stranger, person):
    client.force_login(stranger)
    client.post(
        URL, {"first_names": "Intruso", "last_names": "X", "title_form": "masculine"}
    )
    person.refresh_from_db()
    assert person.first_names == "Rosa Elena"
    assert Person.objects.get(user=stranger).first_names == "Intruso"
