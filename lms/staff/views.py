"""Extension requests: the unit head's and the learner's request, HR's list.

Who reaches what goes through lms.staff.scopes: a person outside the user's units
is 404; a unit head may ask but not answer, HR answers but has its own
"Extend the due date" instead of asking.
"""

from __future__ import annotations

from django.contrib import messages as site_messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from wagtail.admin import messages
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import log

from lms.learning.assessment import (
    AssessmentError,
    grant_extra_attempt,
    out_of_attempts,
)
from lms.learning.models import Enrolment
from lms.staff import invitations
from lms.staff.assignments import AssignmentError, extend_due_date, waive
from lms.staff.extension_requests import (
    ExtensionRequestError,
    deny_extension,
    grant_extension,
    request_extension,
)
from lms.staff.forms import (
    DenyForm,
    ExtendDueDateForm,
    ExtensionRequestForm,
    GrantAttemptForm,
    GrantForm,
    LearnerExtensionRequestForm,
    WaiveForm,
)
from lms.staff.models import (
    Assignment,
    AssignmentStatus,
    DueDateExtension,
    ExtensionRequest,
    Role,
    StaffMember,
)
from lms.staff.policies import cached_scope
from lms.staff.scopes import MANAGE_ROLES, Scope, staff_for_user

INDEX = "lms_extension_requests"


ADMIN_TEMPLATE = "lms/admin/extension_requests/index.html"


LEARNER_TEMPLATE = "lms/extension_requests.html"


PAGE_SIZE = 25


HEADS = (Role.UNIT_HEAD,)


@require_POST
def ask(request: HttpRequest, staff_id: int, assignment_id: int) -> HttpResponse:
    """Ask HR, as the person's unit head, for a later due date."""
    staff = staff_for_user(request.user, staff_id)
    if not cached_scope(request.user, HEADS).covers(staff.unit):
        raise PermissionDenied
    assignment = get_object_or_404(Assignment, pk=assignment_id, staff=staff)
    form = ExtensionRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        try:
            request_extension(
                assignment=assignment,
                by=request.user,
                now=timezone.now(),
                **form.cleaned_data,
            )
        except ExtensionRequestError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("Extension requested: HR will answer you by e-mail.")
            )
    return redirect("lms_staff_detail", staff.pk)


class RequestPaginator(WagtailPaginator):
    # Named by its model in the "Page 1 of 2" line, not "items".
    model = ExtensionRequest


def answering_scope(request: HttpRequest) -> Scope:
    """Return the units whose requests the user answers; none at all is 403."""
    scope = cached_scope(request.user, MANAGE_ROLES)
    if scope.is_empty:
        raise PermissionDenied
    return scope


@require_GET
def index(request: HttpRequest) -> TemplateResponse:
    """List the requests of the user's units, those waiting first."""
    scope = answering_scope(request)
    requests = (
        ExtensionRequest.objects.filter(scope.q("assignment__staff__unit__"))
        .pending_first()
        .select_related(
            "assignment__staff__person",
            "assignment__staff__unit",
            "assignment__requirement",
            "requested_by",
            "answered_by",
        )
    )
    paginator = RequestPaginator(requests, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("p"))
    title = _("Extension requests")
    context = {
        "page": page,
        "elided_page_range": paginator.get_elided_page_range(page.number),
        "deny_form": DenyForm(),
        "grant_form": GrantForm(),
        "header_title": title,
        "header_icon": "calendar-alt",
        "breadcrumbs_items": [
            *WagtailAdminTemplateMixin.breadcrumbs_items,
            {"url": "", "label": title},
        ],
    }
    return TemplateResponse(request, ADMIN_TEMPLATE, context)


def request_to_answer(request: HttpRequest, request_id: int) -> ExtensionRequest:
    """Return the request if its person is in the user's units, else 404."""
    scope = answering_scope(request)
    return get_object_or_404(
        ExtensionRequest.objects.filter(scope.q("assignment__staff__unit__")),
        pk=request_id,
    )


@require_POST
def grant(request: HttpRequest, request_id: int) -> HttpResponse:
    extension_request = request_to_answer(request, request_id)
    form = GrantForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect(INDEX)
    try:
        grant_extension(
            request=extension_request,
            by=request.user,
            now=timezone.now(),
            **form.cleaned_data,
        )
    except ExtensionRequestError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Extension granted; the asker is told by e-mail."))
    return redirect(INDEX)


@require_POST
def deny(request: HttpRequest, request_id: int) -> HttpResponse:
    extension_request = request_to_answer(request, request_id)
    form = DenyForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect(INDEX)
    try:
        deny_extension(
            request=extension_request,
            answer=form.cleaned_data["reason"],
            by=request.user,
            now=timezone.now(),
        )
    except ExtensionRequestError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Extension denied; the asker is told by e-mail."))
    return redirect(INDEX)


@login_required
def my_requests(request: HttpRequest) -> HttpResponse:
    """List the learner's pending training and requests, and ask for one."""
    today = timezone.localdate()
    assignments = (
        Assignment.objects.open()
        .latest_cycles()
        .filter(staff__person__user=request.user)
        .with_status(today=today)
        .select_related("requirement__course")
        .order_by("due_on", "pk")
    )
    form = LearnerExtensionRequestForm(
        request.POST or None,
        assignments=assignments.exclude(extension_requests__status="pending"),
    )
    if form.is_valid():
        try:
            request_extension(by=request.user, now=timezone.now(), **form.cleaned_data)
        except ExtensionRequestError as error:
            form.add_error(None, str(error))
        else:
            site_messages.success(
                request,
                _("Your request was sent to HR, who will answer you by e-mail."),
            )
            return redirect("lms:extension_requests")
    requests = (
        ExtensionRequest.objects.filter(assignment__staff__person__user=request.user)
        .select_related(
            "assignment__requirement", "assignment__staff__person", "requested_by"
        )
        .order_by("-requested_at", "-pk")
    )
    context = {
        "assignments": [
            (assignment, AssignmentStatus(assignment.status).label)
            for assignment in assignments
        ],
        "requests": requests,
        "form": form,
    }
    return TemplateResponse(request, LEARNER_TEMPLATE, context)


@require_POST
def invite(request: HttpRequest, staff_id: int) -> HttpResponse:
    staff = staff_for_user(request.user, staff_id, manage=True)
    try:
        invitations.invite(staff=staff, by=request.user, now=timezone.now())
    except invitations.InvitationError as error:
        site_messages.error(request, str(error))
    else:
        site_messages.success(
            request, _("Invitation sent to %(email)s.") % {"email": staff.email}
        )
    return redirect("lms_staff_detail", staff.pk)


def accept_invitation(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    staff = invitations.staff_for_link(uidb64, token)
    if staff is None:
        return unavailable(request, _("This invitation link is not valid."))
    if invitations.email_has_account(staff.email):
        return unavailable(request, _("An account with this email already exists."))
    form = SetPasswordForm(invitations.new_account(staff), request.POST or None)
    if not form.is_valid():
        return render(
            request, "lms/invitation_accept.html", {"form": form, "staff": staff}
        )
    try:
        user = invitations.accept_invitation(
            staff=staff, password=form.cleaned_data["new_password1"]
        )
    except invitations.InvitationError as error:
        return unavailable(request, str(error))
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    site_messages.success(request, _("Welcome! Your account is ready."))
    return redirect("lms:my_courses")


def unavailable(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "lms/invitation_unavailable.html", {"reason": reason})


DETAIL_TEMPLATE = "lms/admin/staff/detail.html"


def staff_detail(request: HttpRequest, staff_id: int) -> TemplateResponse:
    staff = staff_for_user(request.user, staff_id)
    today = timezone.localdate()
    assignments = (
        Assignment.objects.filter(staff=staff)
        .with_status(today=today)
        .select_related("requirement__course", "waived_by")
        .prefetch_related(
            Prefetch(
                "extensions",
                queryset=DueDateExtension.objects.select_related("extended_by"),
            ),
            Prefetch(
                "extension_requests",
                queryset=ExtensionRequest.objects.select_related(
                    "requested_by", "answered_by"
                ).order_by("requested_at", "pk"),
            ),
        )
        .order_by("requirement__name", "-cycle")
    )
    can_manage = cached_scope(request.user, MANAGE_ROLES).covers(staff.unit)
    # HR extends the date itself; a unit head, who only reads, asks HR to.
    can_request = not can_manage and cached_scope(
        request.user, (Role.UNIT_HEAD,)
    ).covers(staff.unit)
    stuck = []
    if can_manage and staff.person.user_id:
        theirs = Enrolment.objects.filter(user=staff.person.user_id)
        found = out_of_attempts(theirs.order_by("course__title"), today=today)
        stuck = [enrolment for enrolment, _standing in found]
    rows = [
        (assignment, AssignmentStatus(assignment.status).label)
        for assignment in assignments
    ]
    context = {
        "staff": staff,
        "person": staff.person,
        "assignments": rows,
        "waiting_for_hr": {
            assignment.pk
            for assignment, _label in rows
            if any(each.is_pending for each in assignment.extension_requests.all())
        },
        "can_manage": can_manage,
        "can_request": can_request,
        "request_form": ExtensionRequestForm(),
        "out_of_attempts": stuck,
        "grant_form": GrantAttemptForm(),
        "invite_url": can_manage and reverse("lms_staff_invite", args=[staff.pk]),
        "transcript_url": reverse("certificates_staff_transcript", args=[staff.pk]),
        "extend_form": ExtendDueDateForm(),
        "waive_form": WaiveForm(),
        "header_title": staff.person.full_name,
        "header_icon": "user",
        "breadcrumbs_items": [
            *WagtailAdminTemplateMixin.breadcrumbs_items,
            {
                "url": reverse("lms_staff:index"),
                "label": capfirst(StaffMember._meta.verbose_name_plural),
            },
            {"url": "", "label": staff.person.full_name},
        ],
    }
    return TemplateResponse(request, DETAIL_TEMPLATE, context)


@require_POST
def extend(request: HttpRequest, staff_id: int, assignment_id: int) -> HttpResponse:
    assignment = assignment_to_manage(request, staff_id, assignment_id)
    form = ExtendDueDateForm(request.POST)
    if not form.is_valid():
        return refuse(request, assignment, form_errors(form))
    new_due_on, reason = form.cleaned_data["new_due_on"], form.cleaned_data["reason"]
    try:
        with transaction.atomic():
            extend_due_date(
                assignment=assignment,
                new_due_on=new_due_on,
                reason=reason,
                by=request.user,
                now=timezone.now(),
            )
            log_on_record(
                request,
                assignment,
                "lms.extend_due_date",
                reason=reason,
                previous_due_on=assignment.due_on.isoformat(),
                new_due_on=new_due_on.isoformat(),
            )
    except AssignmentError as error:
        return refuse(request, assignment, str(error))
    messages.success(request, _("Due date extended."))
    return redirect("lms_staff_detail", staff_id)


@require_POST
def waive_assignment(
    request: HttpRequest, staff_id: int, assignment_id: int
) -> HttpResponse:
    assignment = assignment_to_manage(request, staff_id, assignment_id)
    form = WaiveForm(request.POST)
    if not form.is_valid():
        return refuse(request, assignment, form_errors(form))
    reason = form.cleaned_data["reason"]
    try:
        with transaction.atomic():
            waive(
                assignment=assignment,
                reason=reason,
                by=request.user,
                now=timezone.now(),
            )
            log_on_record(request, assignment, "lms.waive", reason=reason)
    except AssignmentError as error:
        return refuse(request, assignment, str(error))
    messages.success(request, _("Assignment waived."))
    return redirect("lms_staff_detail", staff_id)


@require_POST
def grant_attempt(
    request: HttpRequest, staff_id: int, enrolment_id: int
) -> HttpResponse:
    """Grant the person one more attempt at a course's assessment, saying why."""
    staff = staff_to_manage(request, staff_id)
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("course"),
        pk=enrolment_id,
        user__person=staff.person,
    )
    form = GrantAttemptForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("lms_staff_detail", staff_id)
    reason = form.cleaned_data["reason"]
    try:
        with transaction.atomic():
            grant_extra_attempt(
                enrolment=enrolment, reason=reason, by=request.user, now=timezone.now()
            )
            log(
                instance=staff,
                action="lms.grant_attempt",
                user=request.user,
                data={"course": enrolment.course.title, "reason": reason},
            )
    except AssessmentError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Another attempt granted."))
    return redirect("lms_staff_detail", staff_id)


def staff_to_manage(request: HttpRequest, staff_id: int) -> StaffMember:
    """Return the staff record if the user manages the person's unit.

    Someone outside the user's units is 404; a unit the user only reads
    (a unit head's) is 403.
    """
    staff = staff_for_user(request.user, staff_id)
    if not cached_scope(request.user, MANAGE_ROLES).covers(staff.unit):
        raise PermissionDenied
    return staff


def assignment_to_manage(
    request: HttpRequest, staff_id: int, assignment_id: int
) -> Assignment:
    """Return the person's assignment if the user manages the person's unit."""
    return get_object_or_404(
        Assignment.objects.select_related("staff", "requirement"),
        pk=assignment_id,
        staff=staff_to_manage(request, staff_id),
    )


def log_on_record(
    request: HttpRequest, assignment: Assignment, action: str, **data: object
) -> None:
    """Record the action in the staff record's history, naming the assignment."""
    data |= {
        "assignment": assignment.pk,
        "requirement": assignment.requirement.name,
        "cycle": assignment.cycle,
    }
    log(instance=assignment.staff, action=action, user=request.user, data=data)


def refuse(request: HttpRequest, assignment: Assignment, message: str) -> HttpResponse:
    messages.error(request, message)
    return redirect("lms_staff_detail", assignment.staff_id)


def form_errors(form: Form) -> str:
    return " ".join(
        f"{capfirst(form.fields[name].label)}: {' '.join(errors)}"
        for name, errors in form.errors.items()
    )
