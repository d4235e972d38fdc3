"""Who learns what: enrolments, lesson progress, attempts, completions."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import CoursePage, LessonPage
from courses.quizzes import Question
from lms.people.models import User


def renewal_window() -> timedelta:
    """How long before `renew_by` the next cycle opens and a retake is allowed."""
    return timedelta(days=settings.RENEWAL_WINDOW_DAYS)


class EnrolmentQuerySet(models.QuerySet):
    def for_user(self, user) -> EnrolmentQuerySet:
        return self.filter(user=user) if user.is_authenticated else self.none()


class Enrolment(models.Model):
    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=_("learner"),
    )
    # PROTECT: a course with learners' history cannot vanish with a page deletion.
    course = models.ForeignKey(
        CoursePage,
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=_("course"),
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"], name="unique_enrolment_per_course"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.course}"


class LessonProgress(models.Model):
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="+")
    completed_at = models.DateTimeField(_("completed at"))

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "lesson"], name="unique_progress_per_lesson"
            )
        ]


class Attempt(models.Model):
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="attempts"
    )
    number = models.PositiveSmallIntegerField(_("attempt number"))
    # A snapshot of the drawn questions, correct answers included: scoring uses
    # it, so later edits to the bank never change an attempt already started.
    questions = models.JSONField(_("questions"))
    answers = models.JSONField(_("answers"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"))
    # Kept from the start so a later change to the course never alters the bar.
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("score (%)"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "number"], name="unique_attempt_number"
            ),
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=Q(submitted_at__isnull=True),
                name="one_open_attempt_per_enrolment",
            ),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True)
                | Q(score__isnull=False, passed__isnull=False),
                name="submitted_attempt_is_scored",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment} #{self.number}"

    def get_absolute_url(self) -> str:
        if self.is_open:
            return reverse("lms:attempt", args=[self.pk])
        return reverse("lms:attempt_result", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.submitted_at is None

    def drawn_questions(self) -> list[Question]:
        return [Question.from_dict(data) for data in self.questions]

    def chosen_answers(self) -> dict[str, frozenset[str]]:
        return {qid: frozenset(ids) for qid, ids in (self.answers or {}).items()}


class ExtraAttempt(models.Model):
    """One more attempt at a course's assessment, granted to a learner by staff.

    Counted like the course's own attempts, from the latest completion on;
    who granted it, when and why stay on record.
    """

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="extra_attempts"
    )
    granted_at = models.DateTimeField(_("granted at"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("granted by"),
    )
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("extra attempt")
        verbose_name_plural = _("extra attempts")
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""), name="extra_attempt_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment} +1"


class Completion(models.Model):
    """The record that a learner finished a course; written once, never edited.

    A course with a validity period can be completed again once the previous
    completion has run out, so an enrolment may gather several over the years.
    """

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="completions"
    )
    # Null for a completion in a trainer-led cohort whose test was on paper.
    attempt = models.OneToOneField(
        Attempt, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField(_("completed at"))
    score = models.PositiveSmallIntegerField(_("score (%)"))
    # Set when the certificate it earned is revoked: from then on it counts
    # for nothing (no requirement met, no trainer qualified), but it stays.
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("completion")
        verbose_name_plural = _("completions")

    def __str__(self) -> str:
        return str(self.enrolment)

    def valid_until(self) -> date | None:
        """Return the last day this completion counts, or None if it never ends."""
        return self.enrolment.course.validity_ends(
            timezone.localdate(self.completed_at)
        )

    def is_current(self, *, today: date) -> bool:
        if self.revoked_at:
            return False
        ends = self.valid_until()
        return ends is None or today <= ends
