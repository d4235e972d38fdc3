import pytest
from django.urls import reverse
from django.utils import timezone

from lms.learning.progress import complete_lesson
from lms.models import Completion, Enrolment
from tests.factories import CoursePageFactory, LessonPageFactory

pytestmark = pytest.mark.django_db

# Session, user (whether they are staff is kept in the session), enrolments with
# course, their completions, lessons, progress, the site (twice, for page
# URLs), the learner's places in trainers' cohorts, whether
# they are a certified trainer, their training requirements and their
# certificates.
MY_COURSES_QUERIES = 12


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("lms:my_courses"))
    assert response.url.startswith(reverse("account_login"))


def test_it_lists_only_the_learners_own_courses_with_progress(
    learner_client, enrolment, lessons, stranger, catalogue
):
    other = CoursePageFactory(parent=catalogue, title="Curso ajeno")
    Enrolment.objects.create(user=stranger, course=other)
    complete_lesson(enrolment=enrolment, lesson=lessons[0], now=timezone.now())
    html = learner_client.get(reverse("lms:my_courses")).content.decode()
    assert enrolment.course.title in html
    assert "Curso ajeno" not in html
    assert 'aria-valuenow="33"' in html


def test_a_completed_course_shows_its_status_and_score(learner_client, lessons_read):
    Completion.objects.create(
        enrolment=lessons_read, completed_at=timezone.now(), score=87
    )
    html = learner_client.get(reverse("lms:my_courses")).content.decode()
    assert "87%" in html
    assert timezone.localdate().strftime("%d/%m/%Y") in html


def test_an_empty_list_points_to_the_catalogue(learner_client):
    html = learner_client.get(reverse("lms:my_courses")).content.decode()
    assert 'href="/"' in html


def test_my_courses_costs_the_same_queries_for_one_or_many_courses(
    learner_client, learner, catalogue, enrolment, django_assert_max_num_queries
):
    with django_assert_max_num_queries(MY_COURSES_QUERIES):
        learner_client.get(reverse("lms:my_courses"))
    for n in range(12):
        course = CoursePageFactory(parent=catalogue, title=f"Curso extra {n}")
        lesson = LessonPageFactory(parent=course)
        extra = Enrolment.objects.create(user=learner, course=course)
        complete_lesson(enrolment=extra, lesson=lesson, now=timezone.now())
    with django_assert_max_num_queries(MY_COURSES_QUERIES):
        response = learner_client.get(reverse("lms:my_courses"))
    assert len(response.context["rows"]) == 13
