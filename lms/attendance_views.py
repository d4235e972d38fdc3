"""Trainers' attendance pages: the phone sheet, the printed sheet, paper results.

Only the cohort's own trainer, while she may act as a trainer today
(`lms.cohort_views.trainer_required`), reaches them: any other cohort is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from lms import attendance
from lms.attendance_forms import PaperResultsForm, SessionAttendanceForm
from lms.cohort_views import trainer_required
from lms.cohorts import cohort_for_trainer
from lms.models import (
    Attendance,
    Cohort,
    Completion,
    Participant,
    TrainerCertification,
)


def _participants(cohort: Cohort) -> list[Participant]:
    return list(cohort.participants.select_related("person"))


def _saved(request: HttpRequest, text: str, completions: list[Completion]) -> None:
    if completions:
        text += " " + ngettext(
            "%(count)d participant completed the course.",
            "%(count)d participants completed the course.",
            len(completions),
        ) % {"count": len(completions)}
    messages.success(request, text)


@trainer_required
@require_http_methods(["GET", "HEAD", "POST"])
def session_sheet(
    request: HttpRequest,
    certification: TrainerCertification,
    cohort_id: int,
    session_id: int,
) -> HttpResponse:
    """Take or correct one session's attendance, on a phone."""
    cohort = cohort_for_trainer(certification, cohort_id)
    session = get_object_or_404(
        cohort.sessions.select_related("recorded_by"), pk=session_id
    )
    participants = _participants(cohort)
    present = session.attendance.filter(present=True)
    ticked = list(present.values_list("participant_id", flat=True))
    form = SessionAttendanceForm(
        request.POST if request.method == "POST" else None,
        participants=participants,
        initial={"present": ticked},
    )
    refusal = attendance.recording_refusal(session, today=timezone.localdate())
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            completions = attendance.record_attendance(
                session=session,
                present=form.cleaned_data["present"],
                by=request.user,
                now=timezone.now(),
            )
        except attendance.AttendanceError as error:
            form.add_error(None, str(error))
        else:
            text = _("Attendance of session %(number)d saved.") % {
                "number": session.number
            }
            _saved(request, text, completions)
            return redirect("cohorts:detail", cohort_id=cohort.pk)
    context = {"cohort": cohort, "session": session, "form": form, "refusal": refusal}
    status = 400 if request.method == "POST" else 200
    return render(
        request, "lms/trainer/attendance_session.html", context, status=status
    )


@trainer_required
@require_GET
def sheet_pdf(
    request: HttpRequest, certification: TrainerCertification, cohort_id: int
) -> HttpResponse:
    """Return the attendance sheet to print, for places without a connection."""
    cohort = cohort_for_trainer(certification, cohort_id)
    results_url = reverse("attendance:paper", args=[cohort.pk])
    pdf = attendance.attendance_sheet_pdf(
        cohort=cohort,
        sessions=list(cohort.sessions.all()),
        participants=_participants(cohort),
        results_url=request.build_absolute_uri(results_url),
        today=timezone.localdate(),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    # No names in the file name: it shows in download lists.
    response["Content-Disposition"] = f'inline; filename="asistencia-{cohort.pk}.pdf"'
    return response


@trainer_required
@require_http_methods(["GET", "HEAD", "POST"])
def paper_results(
    request: HttpRequest, certification: TrainerCertification, cohort_id: int
) -> HttpResponse:
    """Type in the paper sheet: attendance of several sessions and test scores."""
    cohort = cohort_for_trainer(certification, cohort_id)
    sessions = list(cohort.sessions.all())
    today = timezone.localdate()
    refusals = {s.pk: attendance.recording_refusal(s, today=today) for s in sessions}
    present = Attendance.objects.filter(session__cohort=cohort, present=True)
    form = PaperResultsForm(
        request.POST if request.method == "POST" else None,
        participants=_participants(cohort),
        sessions=sessions,
        refusals=refusals,
        present=set(present.values_list("session_id", "participant_id")),
    )
    if request.method == "POST" and form.is_valid():
        attended, scores = form.results()
        try:
            completions = attendance.record_paper_results(
                cohort=cohort,
                attended=attended,
                scores=scores,
                by=request.user,
                now=timezone.now(),
            )
        except attendance.AttendanceError as error:
            form.add_error(None, str(error))
        else:
            _saved(request, _("The paper sheet's results are saved."), completions)
            return redirect("cohorts:detail", cohort_id=cohort.pk)
    context = {
        "cohort": cohort,
        "form": form,
        "columns": [(session, refusals[session.pk]) for session in sessions],
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "lms/trainer/attendance_paper.html", context, status=status)
