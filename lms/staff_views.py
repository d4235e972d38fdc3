"""A person's page in the admin: their record, account and assignments, and the
actions HR takes on one assignment (extend its due date, waive it) or on the
person's assessments (grant another attempt)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import log

from lms.assessment import AssessmentError, grant_extra_attempt, out_of_attempts
from lms.assignments import AssignmentError, extend_due_date, waive
from lms.models import (
    Assignment,
    AssignmentStatus,
    DueDateExtension,
    Enrolment,
    ExtensionRequest,
    Role,
    StaffMember,
)
from lms.policies import cached_scope
from lms.scopes import MANAGE_ROLES, staff_for_user
from lms.staff.forms import ExtensionRequestForm
from lms.staff_forms import ExtendDueDateForm, GrantAttemptForm, WaiveForm

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


urlpatterns = [
    path("personal/<int:staff_id>/", staff_detail, name="lms_staff_detail"),
    path(
        "personal/<int:staff_id>/assignments/<int:assignment_id>/extend/",
        extend,
        name="lms_staff_extend",
    ),
    path(
        "personal/<int:staff_id>/assignments/<int:assignment_id>/waive/",
        waive_assignment,
        name="lms_staff_waive",
    ),
    path(
        "personal/<int:staff_id>/enrolments/<int:enrolment_id>/grant-attempt/",
        grant_attempt,
        name="lms_staff_grant_attempt",
    ),
]
