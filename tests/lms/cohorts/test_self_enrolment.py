"""Joining a cohort by its self-enrolment link or QR code."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lms.cohorts import roster
from lms.models import JoinedVia, Participant, Person
from tests.factories import PersonFactory, StaffMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def join_url(cohort) -> str:
    return reverse("cohorts:join", args=[cohort.join_token])


def test_the_link_shows_the_cohort_to_a_logged_in_user(learner_client, cohort):
    page = learner_client.get(join_url(cohort)).content.decode()
    assert cohort.course.title in page
    assert "Carmen Vásquez" in page
    assert "Jaén" in page
    assert cohort.starts_on.strftime("%d/%m/%Y") in page
    assert 'method="post"' in page


def test_anonymous_visitors_are_offered_to_log_in_or_sign_up_and_come_back(
    client, cohort
):
    page = client.get(join_url(cohort)).content.decode()
    back = f"?next=/grupos/unirse/{cohort.join_token}/"
    assert reverse("account_login") + back in page
    assert reverse("account_signup") + back in page


def test_an_anonymous_post_is_sent_to_log_in_and_joins_nobody(client, cohort):
    response = client.post(join_url(cohort))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert cohort.participants.count() == 0


def test_an_unknown_token_is_not_found(learner_client, cohort):
    url = reverse("cohorts:join", args=["no-such-token"])
    assert learner_client.get(url).status_code == 404
    assert learner_client.post(url).status_code == 404


def test_joining_enrols_the_user_in_the_course_and_opens_it(
    learner_client, learner, cohort
):
    response = learner_client.post(join_url(cohort))
    assert response.status_code == 302
    assert response.url == cohort.course.url
    participant = Participant.objects.get(cohort=cohort)
    assert participant.person == Person.objects.get(user=learner)
    assert participant.joined_via == JoinedVia.LINK
    assert participant.enrolment.course_id == cohort.course.pk


def test_joining_twice_keeps_one_place(learner_client, cohort, english):
    learner_client.post(join_url(cohort))
    response = learner_client.post(join_url(cohort), follow=True)
    assert "You are already in this cohort." in response.content.decode()
    assert cohort.participants.count() == 1
    page = learner_client.get(join_url(cohort)).content.decode()
    assert "You are in this cohort." in page


def test_staff_citizens_and_businesses_alike_may_join(client, cohort, units):
    staff = StaffMemberFactory(unit=units["a"], person=PersonFactory())
    staff.person.user = UserFactory(email=staff.email)
    staff.person.save()
    citizen = UserFactory()
    for user in (staff.person.user, citizen):
        client.force_login(user)
        client.post(join_url(cohort))
    people = set(cohort.participants.values_list("person", flat=True))
    assert people == {staff.person.pk, Person.objects.get(user=citizen).pk}


def test_a_closed_link_says_so_and_joins_nobody(learner_client, cohort, english):
    roster.set_self_enrolment(cohort=cohort, is_open=False)
    page = learner_client.get(join_url(cohort)).content.decode()
    assert "closed this cohort" in page
    response = learner_client.post(join_url(cohort))
    assert response.status_code == 200
    assert "closed this cohort" in response.content.decode()
    assert cohort.participants.count() == 0


def test_a_full_cohort_says_so_and_joins_nobody(
    learner_client, cohort, stranger, english
):
    cohort.capacity = 1
    cohort.save()
    roster.join_cohort(cohort=cohort, user=stranger, now=cohort.created_at)
    assert (
        "This cohort is full." in learner_client.get(join_url(cohort)).content.decode()
    )
    response = learner_client.post(join_url(cohort))
    assert "This cohort is full." in response.content.decode()
    assert cohort.participants.count() == 1


def test_a_trainer_whose_certification_lapsed_takes_nobody_by_the_link(
    learner_client, cohort, english
):
    cohort.trainer.approved_at = timezone.now() + timedelta(days=1)
    cohort.trainer.save()
    response = learner_client.post(join_url(cohort))
    assert "certification is not valid today" in response.content.decode()
    assert cohort.participants.count() == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL row locking with concurrent connections; "
    "set DATABASE_URL (CI does)",
)
@pytest.mark.parametrize("repeat", range(3))
def test_two_people_racing_for_the_last_place_get_one(cohort, repeat):
    cohort.capacity = 1
    cohort.save()
    users = [UserFactory(), UserFactory()]
    barrier = threading.Barrier(len(users))
    statuses: list[int] = []

    def join(user) -> None:
        client = Client()
        client.force_login(user)
        barrier.wait()
        try:
            statuses.append(client.post(join_url(cohort)).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=join, args=[user]) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200, 302]  # the loser sees that it is full
    assert cohort.participants.count() == 1
