"""Enrolment and reading progress through a course's lessons."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from courses.models import CoursePage, LessonPage
from lms.learning.models import Enrolment, LessonProgress


@dataclass(frozen=True)
class CourseProgress:
    """Where a learner stands in a course's published lessons."""

    lessons: tuple[LessonPage, ...]
    done: frozenset[int]

    @property
    def done_count(self) -> int:
        return sum(1 for lesson in self.lessons if lesson.pk in self.done)

    @property
    def percent(self) -> int:
        return self.done_count * 100 // len(self.lessons) if self.lessons else 100

    @property
    def all_lessons_done(self) -> bool:
        return self.done_count == len(self.lessons)

    def resume_lesson(self) -> LessonPage | None:
        """Return the first lesson not yet read, where the learner left off."""
        return next((ls for ls in self.lessons if ls.pk not in self.done), None)

    def neighbours(
        self, lesson: LessonPage
    ) -> tuple[LessonPage | None, LessonPage | None]:
        """Return the lessons before and after `lesson` in reading order."""
        ids = [each.pk for each in self.lessons]
        index = ids.index(lesson.pk)
        previous = self.lessons[index - 1] if index > 0 else None
        following = self.lessons[index + 1] if index + 1 < len(self.lessons) else None
        return previous, following


def enrol(*, user, course: CoursePage) -> Enrolment:
    """Enrol the user in the course; enrolling twice returns the same enrolment."""
    enrolment, _created = Enrolment.objects.get_or_create(user=user, course=course)
    return enrolment


def complete_lesson(*, enrolment: Enrolment, lesson: LessonPage, now: datetime) -> None:
    LessonProgress.objects.get_or_create(
        enrolment=enrolment, lesson=lesson, defaults={"completed_at": now}
    )


def progress_for(enrolment: Enrolment) -> CourseProgress:
    return progress_for_many([enrolment])[enrolment.pk]


def progress_for_many(enrolments: Sequence[Enrolment]) -> dict[int, CourseProgress]:
    """Return each enrolment's progress in two queries, whatever their number."""
    if not enrolments:
        return {}
    courses = {enrolment.course for enrolment in enrolments}
    within_courses = Q()
    for course in courses:
        within_courses |= Q(path__startswith=course.path, depth__gt=course.depth)
    course_by_path = {course.path: course for course in courses}
    path_lengths = {len(path) for path in course_by_path}
    lessons_by_course = defaultdict(list)
    lessons = LessonPage.objects.live().filter(within_courses).defer_streamfields()
    for lesson in lessons.order_by("path"):
        owner = next(
            course_by_path[lesson.path[:length]]
            for length in path_lengths
            if lesson.path[:length] in course_by_path
        )
        lessons_by_course[owner.pk].append(lesson)
    done = defaultdict(set)
    for enrolment_id, lesson_id in LessonProgress.objects.filter(
        enrolment__in=enrolments
    ).values_list("enrolment_id", "lesson_id"):
        done[enrolment_id].add(lesson_id)
    return {
        enrolment.pk: CourseProgress(
            tuple(lessons_by_course[enrolment.course_id]),
            frozenset(done[enrolment.pk]),
        )
        for enrolment in enrolments
    }
