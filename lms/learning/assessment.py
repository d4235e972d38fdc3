"""Starting, submitting and scoring final-assessment attempts."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from courses import quizzes
from courses.models import CoursePage, ResultReveal
from lms.learning.completions import record_completion
from lms.learning.models import (
    Attempt,
    Completion,
    Enrolment,
    ExtraAttempt,
    renewal_window,
)
from lms.learning.progress import progress_for
from lms.learning.signals import passed_in_class, taught_in_class
from lms.lib.audit import audit
from lms.people.models import User


class AssessmentError(Exception):
    """A request the rules refuse; the message is shown to the learner."""


def attempts_left(*, course: CoursePage, where: Standing) -> int:
    """Return the attempts the learner may still start: the course's and granted."""
    return max(course.max_attempts + where.extra_attempts - where.attempts_used, 0)


@dataclass(frozen=True)
class Standing:
    """Where a learner stands towards a course's assessment on a given day."""

    current: Completion | None  # a completion that still counts
    lapsed: Completion | None  # the latest one, once its validity has run out
    attempts: tuple[Attempt, ...]  # every attempt, in order
    attempts_used: int  # attempts since the latest completion, if any
    renewable: bool = False  # the current one ends within the renewal window
    extra_attempts: int = 0  # granted by staff since the latest completion


def standing(
    completions: Sequence[Completion],
    attempts: Sequence[Attempt],
    *,
    today: date,
    extra: Sequence[ExtraAttempt] = (),
) -> Standing:
    """Summarise completions, attempts and extra attempts, in the order they happened.

    Attempts, and the extra ones granted, are counted afresh after each
    completion, so a learner renewing a lapsed course has the course's full
    number of attempts again. A completion about to run out may be renewed
    early, within the renewal window, so staff can meet a renewal deadline
    without a gap.
    """
    latest = list(completions)[-1] if completions else None
    since = latest.completed_at if latest else None
    used = sum(1 for attempt in attempts if since is None or attempt.started_at > since)
    granted = sum(1 for grant in extra if since is None or grant.granted_at > since)
    if latest and latest.is_current(today=today):
        ends = latest.valid_until()
        renewable = ends is not None and today > ends - renewal_window()
        return Standing(latest, None, tuple(attempts), used, renewable, granted)
    return Standing(None, latest, tuple(attempts), used, extra_attempts=granted)


def standing_for(enrolment: Enrolment, *, today: date) -> Standing:
    return standing(
        list(enrolment.completions.order_by("completed_at")),
        list(enrolment.attempts.order_by("number")),
        today=today,
        extra=list(enrolment.extra_attempts.all()),
    )


def result_reveals(attempt: Attempt, *, where: Standing, attempts_left: int) -> str:
    """Return what the attempt's result may show (a ResultReveal value).

    The course's setting holds while the learner may still try again, so a
    retake cannot be memorised; once they have passed, or have no attempts
    left, every correct option is shown.
    """
    passed = attempt.passed or (where.current is not None and not where.renewable)
    if passed or not attempts_left:
        return ResultReveal.ANSWERS
    return attempt.enrolment.course.result_reveals


def out_of_attempts(
    enrolments: QuerySet[Enrolment], *, today: date
) -> list[tuple[Enrolment, Standing]]:
    """Return those of the enrolments whose assessment is out of attempts.

    Those are the ones another attempt may be granted for: not completed (or
    due for renewal), no attempt open, and every attempt used. Each comes
    with its standing, in the order of `enrolments`.
    """
    enrolments = (
        # An enrolment with fewer attempts than its course allows has some
        # left, so it is not loaded: the integrity office's list reads every
        # learner's enrolments. The rule itself is _grant_refusal's.
        enrolments.alias(attempts_made=Count("attempts"))
        .filter(attempts_made__gte=F("course__max_attempts"))
        .select_related("course")
        .defer("course__question_bank")
        .prefetch_related(
            Prefetch("completions", Completion.objects.order_by("completed_at")),
            Prefetch(
                "attempts",
                # Their question snapshots are not needed to count them.
                Attempt.objects.defer("questions", "answers").order_by("number"),
            ),
            "extra_attempts",
        )
    )
    stuck = []
    for enrolment in enrolments:
        where = standing(
            enrolment.completions.all(),
            enrolment.attempts.all(),
            today=today,
            extra=enrolment.extra_attempts.all(),
        )
        if _grant_refusal(enrolment, where) is None:
            stuck.append((enrolment, where))
    return stuck


def grant_extra_attempt(
    *, enrolment: Enrolment, reason: str, by: User, now: datetime
) -> ExtraAttempt:
    """Let a learner who has used every attempt take the assessment once more.

    Who granted it and why stay on record, and the grant is audited.
    """
    if not reason.strip():
        raise AssessmentError(_("Say why another attempt is granted."))
    with transaction.atomic():
        # One grant at a time per enrolment: a double click grants once.
        enrolment = (
            Enrolment.objects.select_for_update()
            .select_related("course")
            .get(pk=enrolment.pk)
        )
        refusal = _grant_refusal(
            enrolment, standing_for(enrolment, today=timezone.localdate(now))
        )
        if refusal:
            raise AssessmentError(refusal)
        grant = ExtraAttempt.objects.create(
            enrolment=enrolment, granted_at=now, granted_by=by, reason=reason.strip()
        )
        transaction.on_commit(
            partial(
                audit,
                "extra_attempt_granted",
                user=by,
                extra_attempt_id=grant.pk,
                enrolment_id=enrolment.pk,
                account_id=enrolment.user_id,
                course_id=enrolment.course_id,
            )
        )
    return grant


def _grant_refusal(enrolment: Enrolment, where: Standing) -> str | None:
    """Return why no attempt may be granted for the enrolment now, or None."""
    if where.current and not where.renewable:
        return _("The person has already completed this course.")
    if any(attempt.is_open for attempt in where.attempts):
        return _("The person has an attempt in progress.")
    if attempts_left(course=enrolment.course, where=where):
        return _("The person still has attempts left.")
    return None


def start_attempt(
    *, enrolment: Enrolment, now: datetime, rng: random.Random | None = None
) -> Attempt:
    """Return the learner's open attempt, or draw a new one if the rules allow."""
    open_attempt = enrolment.attempts.filter(submitted_at=None).first()
    if open_attempt:
        return open_attempt
    _check_can_start(enrolment, today=timezone.localdate(now))
    course = enrolment.course
    drawn = quizzes.draw(
        course.questions(), course.questions_per_attempt, rng or random.SystemRandom()
    )
    try:
        with transaction.atomic():
            return Attempt.objects.create(
                enrolment=enrolment,
                number=enrolment.attempts.count() + 1,
                questions=[question.to_dict() for question in drawn],
                pass_mark=course.pass_mark,
                started_at=now,
            )
    except IntegrityError:
        # Another tab started one at the same moment: continue that one.
        open_attempt = enrolment.attempts.filter(submitted_at=None).first()
        if open_attempt is None:
            raise AssessmentError(
                _("The assessment could not be started. Please try again.")
            ) from None
        return open_attempt


def _check_can_start(enrolment: Enrolment, *, today: date) -> None:
    course = enrolment.course
    where = standing_for(enrolment, today=today)
    if where.current and not where.renewable:
        raise AssessmentError(_("You have already completed this course."))
    if (
        not _in_class(enrolment, today=today)
        and not progress_for(enrolment).all_lessons_done
    ):
        raise AssessmentError(_("Read every lesson before taking the assessment."))
    if not attempts_left(course=course, where=where):
        allowed = course.max_attempts + where.extra_attempts
        raise AssessmentError(
            ngettext(
                "You have used your only attempt at this assessment.",
                "You have used all %(count)d attempts at this assessment.",
                allowed,
            )
            % {"count": allowed}
        )
    if not course.question_bank:
        raise AssessmentError(_("This course has no assessment yet."))


def _in_class(enrolment: Enrolment, *, today: date) -> bool:
    """Whether the learner takes the course in class, not yet completed there.

    A cohort's lessons are taught in class, where the online reading
    progress is not kept, so its participants may take the assessment online
    without having read the lessons here (the rule is the cohorts').
    """
    answers = taught_in_class.send(sender=Enrolment, enrolment=enrolment, today=today)
    return any(answer for _receiver, answer in answers)


def submit_attempt(
    *, attempt: Attempt, submitted: dict[str, list[str]], now: datetime
) -> Attempt:
    """Score the attempt once; record the completion if it passes.

    The attempt is closed by a conditional UPDATE, so of two simultaneous
    submissions (two tabs, a double click) exactly one is scored. A passed
    attempt of a cohort participant completes the course only under the
    cohort's rule, which also asks for attendance: their cohort is evaluated.
    """
    if not attempt.is_open:
        raise AssessmentError(_("This attempt has already been submitted."))
    questions = attempt.drawn_questions()
    try:
        answers = quizzes.parse_answers(questions, submitted)
    except quizzes.InvalidAnswers as error:
        raise AssessmentError(str(error)) from None
    result = quizzes.score(questions, answers)
    passed = result.percent >= attempt.pass_mark
    with transaction.atomic():
        closed = Attempt.objects.filter(pk=attempt.pk, submitted_at=None).update(
            submitted_at=now,
            answers={qid: sorted(ids) for qid, ids in answers.items()},
            score=result.percent,
            passed=passed,
        )
        if not closed:
            raise AssessmentError(_("This attempt has already been submitted."))
        if passed:
            _complete(attempt, score=result.percent, now=now)
    attempt.refresh_from_db()
    return attempt


def _complete(attempt: Attempt, *, score: int, now: datetime) -> None:
    """Record the completion the passed attempt earns, unless a class rule does."""
    answers = passed_in_class.send(sender=Attempt, attempt=attempt, now=now)
    if not any(answer for _receiver, answer in answers):
        record_completion(
            enrolment=attempt.enrolment, attempt=attempt, score=score, now=now
        )
