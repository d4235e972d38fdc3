"""The learner's pages: thin wrappers around the rules of lms.learning."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.models import CoursePage, LessonPage
from courses.quizzes import score
from lms.cohorts.models import Participant
from lms.learning import assessment
from lms.learning import progress as learning_progress
from lms.learning.models import Attempt, Completion, Enrolment
from lms.learning.signals import certificates_by_course
from lms.people.models import User
from lms.staff.models import StaffMember
from lms.staff.obligations import obligations_for
from lms.staff.scopes import managers_of
from lms.trainers.models import TrainerCertification


def _live_course(course_id: int) -> CoursePage:
    return get_object_or_404(CoursePage.objects.live().public(), pk=course_id)


def _live_course_of(lesson: LessonPage) -> CoursePage:
    """Return the lesson's course; a lesson of an unpublished course is a 404."""
    course = lesson.course()
    if not course.live:
        raise Http404
    return course


def _get_enrolment_for_user(request: HttpRequest, course: CoursePage) -> Enrolment:
    return get_object_or_404(
        Enrolment.objects.for_user(request.user).select_related("course"), course=course
    )


def _get_attempt_for_user(request: HttpRequest, attempt_id: int) -> Attempt:
    """Return the user's own attempt on a live course; anyone else's is a 404."""
    return get_object_or_404(
        Attempt.objects.select_related("enrolment__course"),
        pk=attempt_id,
        enrolment__user=request.user,
        enrolment__course__live=True,
    )


def course(request: HttpRequest, page: CoursePage) -> HttpResponse:
    """Serve a course page with the learner's enrolment, progress and attempts."""
    context = page.get_context(request)
    if request.user.is_authenticated:
        enrolment = Enrolment.objects.for_user(request.user).filter(course=page).first()
        if enrolment:
            enrolment.course = page  # already at hand: spare a query
            context.update(learning_context(enrolment))
    return TemplateResponse(request, page.get_template(request), context)


def learning_context(enrolment: Enrolment) -> dict:
    where = assessment.standing_for(enrolment, today=timezone.localdate())
    certificate = None
    if where.current:
        certificate = _certificates_by_course(enrolment.user_id).get(
            enrolment.course_id
        )
    return {
        "certificate": certificate,
        "enrolment": enrolment,
        "progress": learning_progress.progress_for(enrolment),
        "attempts": where.attempts,
        "open_attempt": next((each for each in where.attempts if each.is_open), None),
        "attempts_left": assessment.attempts_left(course=enrolment.course, where=where),
        "completion": where.current,
        "renewable": where.renewable,
        "lapsed_completion": where.lapsed,
        "standing": where,
    }


def lesson(request: HttpRequest, page: LessonPage) -> HttpResponse:
    """Serve a lesson to an enrolled learner, with previous/next and progress."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    course = _live_course_of(page)
    enrolment = Enrolment.objects.for_user(request.user).filter(course=course).first()
    if enrolment is None:
        messages.info(request, _("Enrol in the course to read its lessons."))
        return redirect(course.url)
    enrolment.course = course  # already at hand: spare a query
    progress = learning_progress.progress_for(enrolment)
    previous, following = progress.neighbours(page)
    context = page.get_context(request)
    context.update(
        course=course,
        progress=progress,
        previous_lesson=previous,
        next_lesson=following,
        is_done=page.pk in progress.done,
    )
    return TemplateResponse(request, page.get_template(request), context)


@require_POST
@login_required
def enrol(request: HttpRequest, course_id: int) -> HttpResponse:
    course = _live_course(course_id)
    enrolment = learning_progress.enrol(user=request.user, course=course)
    next_lesson = learning_progress.progress_for(enrolment).resume_lesson()
    return redirect(next_lesson.url if next_lesson else course.url)


@require_POST
@login_required
def complete_lesson(request: HttpRequest, lesson_id: int) -> HttpResponse:
    page = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    course = _live_course_of(page)
    enrolment = _get_enrolment_for_user(request, course)
    learning_progress.complete_lesson(
        enrolment=enrolment, lesson=page, now=timezone.now()
    )
    following = learning_progress.progress_for(enrolment).neighbours(page)[1]
    if following:
        return redirect(following.url)
    return redirect("lms:assessment", course_id=course.pk)


@login_required
def assessment_overview(request: HttpRequest, course_id: int) -> HttpResponse:
    """Show the assessment rules; a POST starts (or resumes) an attempt."""
    course = _live_course(course_id)
    enrolment = _get_enrolment_for_user(request, course)
    if request.method == "POST":
        try:
            attempt = assessment.start_attempt(enrolment=enrolment, now=timezone.now())
        except assessment.AssessmentError as error:
            messages.error(request, str(error))
        else:
            return redirect(attempt)
    context = learning_context(enrolment)
    return render(request, "lms/assessment.html", {"course": course, **context})


@login_required
def attempt(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """Show an open attempt's questions (never their answers) or score a POST."""
    attempt = _get_attempt_for_user(request, attempt_id)
    if not attempt.is_open:
        if request.method == "POST":
            messages.error(request, _("This attempt has already been submitted."))
        return redirect(attempt)
    submitted = {}
    if request.method == "POST":
        submitted = {
            key.removeprefix("q-"): request.POST.getlist(key)
            for key in request.POST
            if key.startswith("q-")
        }
        try:
            attempt = assessment.submit_attempt(
                attempt=attempt, submitted=submitted, now=timezone.now()
            )
        except assessment.AssessmentError as error:
            messages.error(request, str(error))
            attempt.refresh_from_db()
        if not attempt.is_open:  # scored now, or by another tab meanwhile
            return redirect(attempt)
    return render(
        request,
        "lms/attempt.html",
        {
            "attempt": attempt,
            "course": attempt.enrolment.course,
            "questions": attempt.drawn_questions(),
            "submitted": submitted,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def attempt_result(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = _get_attempt_for_user(request, attempt_id)
    if attempt.is_open:
        return redirect(attempt)
    result = score(attempt.drawn_questions(), attempt.chosen_answers())
    enrolment = attempt.enrolment
    context = learning_context(enrolment)
    where, left = context.pop("standing"), context["attempts_left"]
    return render(
        request,
        "lms/attempt_result.html",
        {
            "attempt": attempt,
            "course": enrolment.course,
            "result": result,
            # In a trainer's cohort a pass completes the course only with
            # enough attendance, so a passed attempt may not count yet.
            "counted": Completion.objects.filter(attempt=attempt).exists(),
            "reveals": assessment.result_reveals(
                attempt, where=where, attempts_left=left
            ),
            **({} if left else _who_can_grant(request.user)),
            **context,
        },
    )


def _who_can_grant(user) -> dict:
    """Say who may grant the learner another attempt: their HR or integrity.

    HR grants to staff of its units only; a citizen, a company's
    representative or someone who has left staff asks the integrity office.
    """
    records = StaffMember.objects.filter(person__user=user).select_related("unit")
    record = records.first()
    active = record is not None and record.is_active(today=timezone.localdate())
    unit = record.unit if active else None
    people = managers_of(unit).order_by("first_name", "last_name", "email")
    return {"who_can_grant": list(people), "hr_can_grant": unit is not None}


@login_required
def my_courses(request: HttpRequest) -> HttpResponse:
    """Lead with the requirements the learner must meet, then their courses."""
    today = timezone.localdate()
    rows = _course_rows(request.user, today=today)
    obligations = obligations_for(
        request.user,
        today=today,
        enrolments={enrolment.course_id: enrolment for enrolment, *_ in rows},
    )
    certificates = _certificates_by_course(request.user.pk)
    is_trainer = TrainerCertification.objects.for_user(request.user).active().exists()
    context = {
        "obligations": obligations,
        # Courses whose renewal the learner's institution requires now.
        "required_courses": {
            each.course.pk for each in obligations if each.is_renewal and each.is_open
        },
        "rows": rows,
        "in_progress": [row for row in rows if not row[2].current],
        "completed": [
            (*row, certificates.get(row[0].course_id)) for row in rows if row[2].current
        ],
        "renewable": [row for row in rows if row[2].renewable],
        "is_trainer": is_trainer,
    }
    return render(request, "lms/my_courses.html", context)


def _course_rows(user: User, *, today: date) -> list[tuple]:
    """Return (enrolment, progress, standing, cohort) of each course, newest first."""
    enrolments = list(
        Enrolment.objects.for_user(user)
        .select_related("course")
        .defer("course__question_bank")  # answers are not needed to list courses
        .prefetch_related(
            Prefetch("completions", Completion.objects.order_by("completed_at"))
        )
        .order_by("-enrolled_at")
    )
    progress = learning_progress.progress_for_many(enrolments)
    groups = {
        place.enrolment_id: place.cohort
        for place in Participant.objects.filter(enrolment__in=enrolments)
        .select_related("cohort__trainer__person")
        .order_by("joined_at")
    }
    return [
        (
            enrolment,
            progress[enrolment.pk],
            assessment.standing(enrolment.completions.all(), [], today=today),
            groups.get(enrolment.pk),
        )
        for enrolment in enrolments
    ]


def _certificates_by_course(user_id: int) -> dict[int, Any]:
    """Return the account's own certificate in force for each course.

    certificates answers (lms.learning.signals.certificates_by_course), in one query.
    A course missing here while completed has its certificate still being
    issued: pages say it is being prepared.
    """
    found: dict[int, Any] = {}
    for _receiver, answer in certificates_by_course.send(sender=User, user_id=user_id):
        found.update(answer)
    return found
