import pytest

from courses.models import CoursePage
from lms.models import Person


@pytest.fixture
def person(learner) -> Person:
    """The learner's identity: the holder of the certificates under test."""
    return Person.objects.create(
        user=learner,
        document_number="42388604",
        first_names="Rosa Elena",
        last_names="Quispe Huamán",
    )


@pytest.fixture
def yearly_course(course) -> CoursePage:
    """The course with certificates valid for twelve months."""
    CoursePage.objects.filter(pk=course.pk).update(validity_months=12)
    return CoursePage.objects.get(pk=course.pk)
