"""The trainer's pages (dashboard, cohorts, participant lists) and the join link."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lms.cohorts import attendance, participant_lists, roster
from lms.cohorts.completion import with_present_count
from lms.cohorts.forms import (
    CohortForm,
    PaperResultsForm,
    ParticipantListForm,
    SessionAttendanceForm,
    SessionFormSet,
)
from lms.cohorts.models import Attendance, Cohort, Participant
from lms.cohorts.participant_lists import PARTICIPANT_LIST, ListedPerson
from lms.cohorts.roster import cohort_for_trainer
from lms.learning.models import Completion
from lms.lib.qr import qr_svg
from lms.lib.spreadsheets import RowError
from lms.lib.uploads import limit_upload
from lms.people.models import User
from lms.trainers import registry
from lms.trainers.models import TrainerCertification

TICKET_SALT = "lms.cohort_participants"


TICKET_MAX_AGE = 24 * 60 * 60


TrainerView = Callable[..., HttpResponse]


def trainer_required(view: TrainerView) -> TrainerView:
    """Let in only who may act as a trainer today, passing the view their certification.

    Every trainer page and action goes through here, so the one rule
    (`lms.trainers.registry.acting_certification`) decides; a view with a cohort
    finds it with `roster.cohort_for_trainer` under that certification.
    """

    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        certification = registry.acting_certification(
            request.user, today=timezone.localdate()
        )
        if certification is None:
            return refused(request, _refusal(request.user))
        return view(request, certification, *args, **kwargs)

    return wrapped


def _refusal(user: User) -> str:
    if TrainerCertification.objects.for_user(user).active().exists():
        return _(
            "Your trainer certification is not valid today, so you cannot use "
            "the trainer's pages. Renew the trainer course."
        )
    return _(
        "These pages are for certified integrity trainers. Complete "
        "the trainer course; the integrity office then approves you."
    )


def refused(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "lms/trainer/refused.html", {"reason": reason}, status=403)


@trainer_required
def dashboard(
    request: HttpRequest, certification: TrainerCertification
) -> HttpResponse:
    return render(
        request,
        "lms/trainer/dashboard.html",
        {
            "certification": certification,
            "cohorts": roster.with_figures(
                Cohort.objects.filter(trainer=certification)
            ),
        },
    )


@trainer_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, certification: TrainerCertification) -> HttpResponse:
    return _cohort_form(request, Cohort(trainer=certification))


@trainer_required
@require_http_methods(["GET", "POST"])
def edit(
    request: HttpRequest, certification: TrainerCertification, cohort_id: int
) -> HttpResponse:
    return _cohort_form(request, roster.cohort_for_trainer(certification, cohort_id))


def _cohort_form(request: HttpRequest, cohort: Cohort) -> HttpResponse:
    """Show or save the cohort with its sessions, all of it or nothing."""
    data = request.POST if request.method == "POST" else None
    form = CohortForm(data, instance=cohort)
    # The sessions are checked against the dates the cohort's form cleaned.
    valid = form.is_valid()
    sessions = SessionFormSet(data, instance=form.instance)
    if not (sessions.is_valid() and valid):
        return render(
            request,
            "lms/trainer/cohort_form.html",
            {"form": form, "sessions": sessions, "cohort": cohort},
        )
    cohort = roster.save_cohort(
        cohort=form.save(commit=False),
        sessions=sessions.save(commit=False),
        removed=sessions.deleted_objects,
        now=timezone.now(),
    )
    messages.success(request, _("Cohort saved."))
    return redirect("cohorts:detail", cohort.pk)


@trainer_required
def detail(
    request: HttpRequest, certification: TrainerCertification, cohort_id: int
) -> HttpResponse:
    cohort = roster.cohort_for_trainer(certification, cohort_id)
    return _render_detail(request, cohort, ParticipantListForm())


def _render_detail(
    request: HttpRequest,
    cohort: Cohort,
    list_form: ParticipantListForm,
    list_errors: list[RowError] = (),
) -> HttpResponse:
    sessions = list(with_present_count(cohort.sessions.all()))
    return render(
        request,
        "lms/trainer/cohort_detail.html",
        {
            "cohort": cohort,
            "sessions": sessions,
            "sessions_recorded": sum(1 for s in sessions if s.recorded_at),
            "participants": roster.participants_of(cohort),
            "join_url": roster.join_url(cohort),
            "list_form": list_form,
            "list_errors": list_errors,
        },
    )


@limit_upload(PARTICIPANT_LIST.bytes)
@trainer_required
@require_POST
def add_participants(
    request: HttpRequest, certification: TrainerCertification, cohort_id: int
) -> HttpResponse:
    """Check a pasted or uploaded list and preview what confirming it would do."""
    cohort = roster.cohort_for_trainer(certification, cohort_id)
    form = ParticipantListForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_detail(request, cohort, form)
    people, errors = participant_lists.parse_list(form.cleaned_data["sheet"])
    # The readable rows are matched too, so that every error shows at once.
    plan = roster.plan_participants(cohort=cohort, people=people)
    errors = sorted([*errors, *plan.errors], key=lambda error: error.row or 0)
    if errors:
        return _render_detail(request, cohort, form, errors)
    return render(
        request,
        "lms/trainer/participants_preview.html",
        {"cohort": cohort, "plan": plan, "ticket": _ticket(request, cohort, people)},
    )


@trainer_required
@require_POST
def confirm_participants(
    request: HttpRequest, certification: TrainerCertification, cohort_id: int
) -> HttpResponse:
    cohort = roster.cohort_for_trainer(certification, cohort_id)
    people = _people_in_ticket(request, cohort)
    if people is None:
        messages.error(request, _("The list has expired; send it again."))
        return redirect("cohorts:detail", cohort.pk)
    plan = roster.add_participants(cohort=cohort, people=people, now=timezone.now())
    if plan.errors:
        form = ParticipantListForm()
        return _render_detail(request, cohort, form, plan.errors)
    messages.success(
        request,
        _(
            "%(enrolled)s people enrolled, %(invited)s of them invited by email "
            "to open their account; %(already)s were already in the cohort."
        )
        % {
            "enrolled": len(plan.places),
            "invited": len(plan.invite),
            "already": len(plan.already),
        },
    )
    return redirect("cohorts:detail", cohort.pk)


def _ticket(request: HttpRequest, cohort: Cohort, people: list[ListedPerson]) -> str:
    """Sign the checked list, for this trainer and cohort, for the confirmation."""
    return signing.dumps(
        [person.as_dict() for person in people],
        salt=f"{TICKET_SALT}:{cohort.pk}:{request.user.pk}",
        compress=True,
    )


def _people_in_ticket(
    request: HttpRequest, cohort: Cohort
) -> list[ListedPerson] | None:
    try:
        rows = signing.loads(
            request.POST.get("ticket", ""),
            salt=f"{TICKET_SALT}:{cohort.pk}:{request.user.pk}",
            max_age=TICKET_MAX_AGE,
        )
    except signing.BadSignature:
        return None
    return [ListedPerson(**row) for row in rows]


@trainer_required
@require_POST
def self_enrolment(
    request: HttpRequest, certification: TrainerCertification, cohort_id: int
) -> HttpResponse:
    """Open or close the cohort's self-enrolment link."""
    cohort = roster.cohort_for_trainer(certification, cohort_id)
    is_open = request.POST.get("open") == "1"
    roster.set_self_enrolment(cohort=cohort, is_open=is_open)
    if is_open:
        messages.success(request, _("The self-enrolment link is open."))
    else:
        messages.success(request, _("The self-enrolment link is closed."))
    return redirect("cohorts:detail", cohort.pk)


@trainer_required
def qr(
    request: HttpRequest, certification: TrainerCertification, cohort_id: int
) -> HttpResponse:
    """Show the join link as a large QR code, for the classroom's screen."""
    cohort = roster.cohort_for_trainer(certification, cohort_id)
    url = roster.join_url(cohort)
    return render(
        request,
        "lms/trainer/cohort_qr.html",
        # The SVG is drawn here from the cohort's own link, not from input.
        {"cohort": cohort, "join_url": url, "qr": mark_safe(qr_svg(url))},
    )


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponse:
    """Show the cohort the link leads to and, on POST, give the user a place."""
    cohort = get_object_or_404(
        Cohort.objects.select_related("course", "trainer__person"), join_token=token
    )
    if request.method == "GET":
        return _render_join(request, cohort)
    if not request.user.is_authenticated:
        return redirect_to_login(request.path)
    try:
        _place, is_new = roster.join_cohort(
            cohort=cohort, user=request.user, now=timezone.now()
        )
    except roster.JoinError as error:
        return _render_join(request, cohort, error=str(error))
    if is_new:
        messages.success(
            request, _("You joined the cohort %(name)s.") % {"name": cohort.name}
        )
    else:
        messages.info(request, _("You are already in this cohort."))
    return redirect(cohort.course.url or "lms:my_courses")


def _render_join(request: HttpRequest, cohort: Cohort, error: str = "") -> HttpResponse:
    place = None
    if request.user.is_authenticated:
        place = cohort.participants.filter(person__user=request.user).first()
    return render(
        request,
        "lms/trainer/cohort_join.html",
        {
            "cohort": cohort,
            "place": place,
            "full": roster.is_full(cohort),
            "error": error,
        },
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
