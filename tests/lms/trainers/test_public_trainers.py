"""The public list of certified trainers, and each trainer's consent to it.

Anyone may read the list; it names only trainers who agreed and are
certified today, with their institution, and nothing else about them.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from lms.models import Completion, Person, Province, TrainerCertification
from lms.trainers import registry
from tests.factories import UserFactory, certified_trainer

pytestmark = pytest.mark.django_db

LIST = reverse("trainers:list")
LISTING = reverse("trainers:listing")


def new_trainer(course, officer, name: str, **fields) -> TrainerCertification:
    user = UserFactory(first_name=name, last_name="Formador")
    return certified_trainer(
        user,
        course,
        approved_by=officer,
        approved_at=timezone.now() - timedelta(days=5),
        **fields,
    )


@pytest.fixture
def unlisted(trainer_course, integrity_officer):
    return new_trainer(
        trainer_course,
        integrity_officer,
        "Reservado",
        province=Province.CUTERVO,
        listed=False,
    )


@pytest.fixture
def lapsed(trainer_course, integrity_officer):
    """A listed trainer whose only qualification ran out long ago."""
    certification = new_trainer(
        trainer_course, integrity_officer, "Vencido", province=Province.CUTERVO
    )
    Completion.objects.filter(pk=certification.qualification_id).update(
        completed_at=timezone.now() - timedelta(days=800)
    )
    return certification


@pytest.fixture
def withdrawn(trainer_course, integrity_officer):
    certification = new_trainer(
        trainer_course, integrity_officer, "Retirado", province=Province.CUTERVO
    )
    registry.withdraw_trainer(
        certification=certification,
        reason="Renunció.",
        by=integrity_officer,
        now=timezone.now(),
    )
    return certification


def test_anyone_sees_listed_trainers_valid_today_by_province(
    client, trainer, other_trainer, unlisted, lapsed, withdrawn, english
):
    response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Carmen Vásquez" in html and "Universidad Nacional de Jaén" in html
    assert "Otto" in html and "Universidad Nacional Autónoma de Chota" in html
    for hidden in ["Reservado", "Vencido", "Retirado"]:
        assert hidden not in html
    groups = dict(response.context["provinces"])
    assert groups["Jaén"] == [trainer]
    assert groups["Chota"] == [other_trainer]
    assert groups["Cutervo"] == []
    assert response.context["total"] == 2


def test_every_province_is_shown_in_order_with_its_count(client, trainer, english):
    response = client.get(LIST)
    html = response.content.decode()
    labels = [label for label, _listed in response.context["provinces"]]
    assert labels == Province.labels
    headings = [html.index(f"<h2>{label}</h2>") for label in labels]
    assert headings == sorted(headings)
    assert "Jaén (1)" in html and "Cajamarca (0)" in html
    assert html.count("No certified trainer yet.") == 12


def test_the_list_never_shows_a_document_or_an_email(client, trainer, trainer_user):
    Person.objects.filter(pk=trainer.person_id).update(document_number="41234567")
    html = client.get(LIST).content.decode()
    assert "Carmen Vásquez" in html
    assert "41234567" not in html and "*567" not in html
    assert trainer_user.email not in html


def test_the_site_footer_links_to_the_list(client):
    assert f'href="{LIST}"' in client.get(LIST).content.decode()


# The queries of the list, one each: the listed trainers (people and
# qualifications joined), their enrolments, and their completions.
LIST_QUERIES = 3


def test_the_list_costs_the_same_queries_for_few_and_many_trainers(
    client, trainer_course, integrity_officer, django_assert_max_num_queries
):
    for number in range(2):
        new_trainer(trainer_course, integrity_officer, f"Primero {number}")
    with django_assert_max_num_queries(LIST_QUERIES):
        client.get(LIST)
    for number in range(20):
        province = Province.values[number % len(Province.values)]
        new_trainer(
            trainer_course, integrity_officer, f"Luego {number}", province=province
        )
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(LIST)
    assert response.context["total"] == 22


# Consent


def test_a_trainer_sees_whether_they_are_listed(client, trainer, trainer_user, english):
    client.force_login(trainer_user)
    html = client.get(LISTING).content.decode()
    assert "You appear on the public list." in html
    assert "Stop appearing on the public list" in html


def test_a_trainer_withdraws_and_gives_agreement_again(client, trainer, trainer_user):
    client.force_login(trainer_user)
    response = client.post(LISTING, {"listed": "false"})
    assert response.status_code == 302 and response.url == LISTING
    trainer.refresh_from_db()
    assert trainer.listed_publicly is False
    assert "Carmen" not in client.get(LIST).content.decode()
    client.post(LISTING, {"listed": "true"})
    trainer.refresh_from_db()
    assert trainer.listed_publicly is True
    assert "Carmen" in client.get(LIST).content.decode()


def test_a_post_without_an_answer_withdraws_agreement(client, trainer, trainer_user):
    client.force_login(trainer_user)
    client.post(LISTING, {})
    trainer.refresh_from_db()
    assert trainer.listed_publicly is False


def test_a_lapsed_trainer_is_told_they_do_not_appear(client, lapsed, english):
    client.force_login(lapsed.person.user)
    html = client.get(LISTING).content.decode()
    assert "your trainer qualification is not current today" in html


def test_no_one_changes_another_trainers_agreement(
    client, trainer, other_trainer, stranger
):
    for user in [stranger, other_trainer.person.user]:
        client.force_login(user)
        client.post(LISTING, {"listed": "false"})
    trainer.refresh_from_db()
    assert trainer.listed_publicly is True
    client.force_login(stranger)
    assert client.get(LISTING).status_code == 404
    assert client.post(LISTING, {"listed": "false"}).status_code == 404


def test_a_withdrawn_trainer_has_no_agreement_to_give(client, withdrawn):
    client.force_login(withdrawn.person.user)
    assert client.post(LISTING, {"listed": "true"}).status_code == 404
    withdrawn.refresh_from_db()
    assert withdrawn.listed_publicly is True  # untouched, and off the list anyway
    assert not TrainerCertification.objects.listed().filter(pk=withdrawn.pk).exists()


def test_the_agreement_page_needs_a_login(client, trainer):
    response = client.post(LISTING, {"listed": "false"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    trainer.refresh_from_db()
    assert trainer.listed_publicly is True
