import pytest
from django.urls import reverse

from lms.models import Enrolment, LessonProgress
from tests.factories import LessonPageFactory

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_log_in(client, lessons):
    response = client.get(lessons[0].url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_learner_not_enrolled_is_sent_to_the_course_page(
    learner_client, course, lessons
):
    response = learner_client.get(lessons[0].url)
    assert response.status_code == 302
    assert response.url == course.url


def test_an_enrolled_learner_reads_the_lesson_with_navigation(
    learner_client, enrolment, lessons
):
    response = learner_client.get(lessons[1].url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Contenido de Lección dos" in html
    assert f'href="{lessons[0].url}" rel="prev"' in html
    assert reverse("lms:complete_lesson", args=[lessons[1].pk]) in html


def test_marking_a_lesson_read_moves_to_the_next_across_modules(
    learner_client, enrolment, lessons
):
    response = learner_client.post(reverse("lms:complete_lesson", args=[lessons[1].pk]))
    assert response.url == lessons[2].url
    assert LessonProgress.objects.filter(
        enrolment=enrolment, lesson=lessons[1]
    ).exists()


def test_the_last_lesson_leads_to_the_assessment(
    learner_client, enrolment, course, lessons
):
    response = learner_client.post(
        reverse("lms:complete_lesson", args=[lessons[-1].pk])
    )
    assert response.url == reverse("lms:assessment", args=[course.pk])


def test_marking_a_lesson_twice_records_it_once(learner_client, enrolment, lessons):
    url = reverse("lms:complete_lesson", args=[lessons[0].pk])
    learner_client.post(url)
    learner_client.post(url)
    assert LessonProgress.objects.filter(enrolment=enrolment).count() == 1


def test_a_stranger_cannot_mark_lessons_of_a_course_they_are_not_in(
    client, stranger, enrolment, lessons
):
    client.force_login(stranger)
    response = client.post(reverse("lms:complete_lesson", args=[lessons[0].pk]))
    assert response.status_code == 404
    assert not LessonProgress.objects.exists()


def test_a_draft_lesson_is_not_served(learner_client, enrolment, course):
    draft = LessonPageFactory(parent=course, title="Borrador", live=False)
    assert (
        learner_client.get(draft.url or f"/{course.slug}/{draft.slug}/").status_code
        == 404
    )
    response = learner_client.post(reverse("lms:complete_lesson", args=[draft.pk]))
    assert response.status_code == 404


def test_lessons_of_an_unpublished_course_are_not_served(
    learner_client, enrolment, course, lessons
):
    course.unpublish()
    assert learner_client.get(lessons[0].url).status_code == 404


# Wagtail's routing (the site, the page in one query and its specific type),
# the session and user (whether they are staff is kept in the session), view
# restrictions, the menu (kept in
# the session after the first page), then course, enrolment, lessons,
# progress. A learner gets no userbar, whose permission checks cost three.
LESSON_PAGE_QUERIES = 13


def test_a_lesson_page_costs_the_same_queries_for_a_long_course(
    learner_client, enrolment, course, lessons, django_assert_max_num_queries
):
    with django_assert_max_num_queries(LESSON_PAGE_QUERIES):
        learner_client.get(lessons[0].url)
    for n in range(30):
        LessonPageFactory(parent=course, title=f"Extra {n}")
    with django_assert_max_num_queries(LESSON_PAGE_QUERIES):
        learner_client.get(lessons[0].url)


def test_enrolling_twice_keeps_one_enrolment(learner_client, course, lessons, learner):
    url = reverse("lms:enrol", args=[course.pk])
    first = learner_client.post(url)
    learner_client.post(url)
    assert first.url == lessons[0].url
    assert Enrolment.objects.filter(user=learner, course=course).count() == 1


def test_enrolling_needs_a_post(learner_client, course):
    assert learner_client.get(reverse("lms:enrol", args=[course.pk])).status_code == 405


def test_anonymous_visitors_cannot_enrol(client, course):
    response = client.post(reverse("lms:enrol", args=[course.pk]))
    assert response.status_code == 302
    assert not Enrolment.objects.exists()


def test_a_draft_course_cannot_be_enrolled_in(learner_client, course):
    course.unpublish()
    assert (
        learner_client.post(reverse("lms:enrol", args=[course.pk])).status_code == 404
    )
    assert not Enrolment.objects.exists()


def test_a_lesson_behind_a_group_restriction_stays_closed_to_other_learners(
    learner_client, enrolment, course, lessons
):
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.create(name="Alta dirección"))
    response = learner_client.get(lessons[0].url)
    assert response.status_code in (302, 403)
    assert "Contenido de Lección uno" not in response.content.decode()


def test_lesson_forms_refuse_a_request_without_csrf_token(learner, enrolment, lessons):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    response = client.post(reverse("lms:complete_lesson", args=[lessons[0].pk]))
    assert response.status_code == 403
    assert not LessonProgress.objects.exists()
