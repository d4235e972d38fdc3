"""Extension requests: the unit head's and the learner's request, HR's list.

Who reaches what goes through lms.scopes: a person outside the user's units
is 404; a unit head may ask but not answer, HR answers but has its own
"Extend the due date" instead of asking.
"""

from __future__ import annotations

from django.contrib import messages as site_messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from wagtail.admin import messages
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from lms.models import Assignment, AssignmentStatus, ExtensionRequest, Role
from lms.policies import cached_scope
from lms.scopes import MANAGE_ROLES, Scope, staff_for_user
from lms.staff.extension_requests import (
    ExtensionRequestError,
    deny_extension,
    grant_extension,
    request_extension,
)
from lms.staff.forms import (
    DenyForm,
    ExtensionRequestForm,
    GrantForm,
    LearnerExtensionRequestForm,
)
from lms.staff_views import form_errors

INDEX = "lms_extension_requests"
ADMIN_TEMPLATE = "lms/admin/extension_requests/index.html"
LEARNER_TEMPLATE = "lms/extension_requests.html"
PAGE_SIZE = 25
HEADS = (Role.UNIT_HEAD,)


# The unit head, on the person's page


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


# HR's list


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


# The learner, under "Mi cuenta"


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
