"""What a participant of a trainer's cohort, and a trainer, see on their own pages."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from lms.learning.assessment import start_attempt
from lms.learning.progress import enrol
from lms.models import Completion, JoinedVia, Participant, Person
from tests.lms.learning.test_attempt_views import answers_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def place(cohort, learner, course):
    return Participant.objects.create(
        cohort=cohort,
        person=Person.objects.for_user(learner),
        enrolment=enrol(user=learner, course=course),
        joined_via=JoinedVia.LINK,
        joined_at=timezone.now(),
    )


def test_my_courses_names_the_group_and_its_trainer(learner_client, place, english):
    html = learner_client.get(reverse("lms:my_courses")).content.decode()

    assert place.cohort.name in html
    assert place.cohort.trainer.person.full_name in html
    assert "Jaén" in html
    assert reverse("cohorts:dashboard") not in html


def test_a_trainer_finds_their_groups_from_my_courses(client, trainer_user, trainer):
    client.force_login(trainer_user)

    html = client.get(reverse("lms:my_courses")).content.decode()

    assert reverse("cohorts:dashboard") in html


def test_a_pass_without_enough_attendance_does_not_say_completed(
    learner_client, place, english
):
    attempt = start_attempt(enrolment=place.enrolment, now=timezone.now())
    url = reverse("lms:attempt", args=[attempt.pk])

    response = learner_client.post(url, answers_post(attempt))
    html = learner_client.get(response.url).content.decode()

    assert not Completion.objects.filter(enrolment=place.enrolment).exists()
    assert "you have completed the course" not in html
    assert "once your trainer has recorded enough attendance" in html
