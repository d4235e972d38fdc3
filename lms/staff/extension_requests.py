"""Asking HR for a later due date, and HR's answer.

A unit head (who may read their people's records but not change them) or the
person themself asks; HR of the person's unit, or the integrity officer,
grants or denies. A grant moves the date with `extend_due_date`, the rule HR's
own extensions follow, so the person's page and reminders read it alike.
Each step is written to the staff record's history and to the audit trail,
and e-mailed once its transaction commits: a rollback sends nothing.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from courses.dates import validate_plausible_date
from lms.lib.audit import audit
from lms.lib.emails import render_email, send_email, site_url
from lms.people.models import User
from lms.staff.assignments import AssignmentError, extend_due_date
from lms.staff.models import (
    Assignment,
    ExtensionRequest,
    ExtensionRequestStatus,
    Organisation,
    Role,
)
from lms.staff.scopes import managers_of

REQUEST_ACTION = "lms.request_extension"
DENY_ACTION = "lms.deny_extension"
# A grant is logged as the extension it makes, like HR's own.
GRANT_ACTION = "lms.extend_due_date"


class ExtensionRequestError(Exception):
    """A request or an answer the rules refuse; the message says why."""


@transaction.atomic
def request_extension(
    *,
    assignment: Assignment,
    requested_due_on: date,
    reason: str,
    by: User,
    now: datetime,
) -> ExtensionRequest:
    """Ask HR to move one assignment's due date to `requested_due_on`."""
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("staff__person", "staff__unit", "requirement__course")
        .get(pk=assignment.pk)
    )
    _refuse_unless_open(assignment)
    _refuse_implausible(requested_due_on)
    if requested_due_on <= assignment.due_on:
        raise ExtensionRequestError(
            _("Ask for a date later than the current due date.")
        )
    if not reason.strip():
        raise ExtensionRequestError(_("Say why the extension is needed."))
    request = ExtensionRequest(
        assignment=assignment,
        current_due_on=assignment.due_on,
        requested_due_on=requested_due_on,
        reason=reason.strip(),
        requested_by=by,
        requested_at=now,
    )
    try:
        # The partial unique constraint answers for a request already
        # waiting, a parallel one included; the savepoint keeps the
        # transaction usable for the message.
        with transaction.atomic():
            request.save()
    except IntegrityError as error:
        raise ExtensionRequestError(
            _("An extension of this training is already waiting for HR's answer.")
        ) from error
    _log(request, REQUEST_ACTION, by, requested_due_on=requested_due_on.isoformat())
    audit("extension_requested", user=by, **_ids(request))
    _tell_answerers(request)
    return request


@transaction.atomic
def grant_extension(
    *,
    request: ExtensionRequest,
    granted_due_on: date,
    answer: str,
    by: User,
    now: datetime,
) -> ExtensionRequest:
    """Grant the request, perhaps with another date than the one asked."""
    request = _pending(request)
    _refuse_implausible(granted_due_on)
    try:
        extension = extend_due_date(
            assignment=request.assignment,
            new_due_on=granted_due_on,
            # The extension says why the date moved: HR's words, else the
            # asker's, which HR accepted.
            reason=answer.strip() or request.reason,
            by=by,
            now=now,
        )
    except AssignmentError as error:
        raise ExtensionRequestError(str(error)) from error
    _answer(
        request,
        status=ExtensionRequestStatus.GRANTED,
        answer=answer.strip(),
        by=by,
        now=now,
        granted_due_on=granted_due_on,
        extension=extension,
    )
    _log(
        request,
        GRANT_ACTION,
        by,
        reason=extension.reason,
        previous_due_on=extension.previous_due_on.isoformat(),
        new_due_on=granted_due_on.isoformat(),
    )
    audit(
        "extension_granted",
        user=by,
        previous_due_on=extension.previous_due_on,
        new_due_on=granted_due_on,
        **_ids(request),
    )
    _tell_asker(request)
    return request


@transaction.atomic
def deny_extension(
    *, request: ExtensionRequest, answer: str, by: User, now: datetime
) -> ExtensionRequest:
    """Deny the request, saying why; the due date stays."""
    if not answer.strip():
        raise ExtensionRequestError(_("Say why the extension is denied."))
    request = _pending(request)
    _answer(
        request,
        status=ExtensionRequestStatus.DENIED,
        answer=answer.strip(),
        by=by,
        now=now,
    )
    _log(request, DENY_ACTION, by, reason=request.answer)
    audit("extension_denied", user=by, **_ids(request))
    _tell_asker(request)
    return request


def answerers_of(organisation: Organisation) -> QuerySet[User]:
    """Return who is told of a new request: HR over the unit, else the officers.

    The integrity officer may answer any request, but hears only of those no
    HR officer covers, or they would receive the whole government's.
    """
    managers = managers_of(organisation)
    hr = managers.filter(organisation_roles__role=Role.HR_OFFICER).distinct()
    return hr if hr.exists() else managers


def _refuse_unless_open(assignment: Assignment) -> None:
    if assignment.completed_on:
        raise ExtensionRequestError(_("This training is already completed."))
    if assignment.waived_at:
        raise ExtensionRequestError(_("This training was waived: nothing is due."))
    if assignment.closed_on:
        raise ExtensionRequestError(_("This training no longer applies."))


def _refuse_implausible(day: date) -> None:
    try:
        validate_plausible_date(day)
    except ValidationError as error:
        raise ExtensionRequestError(" ".join(error.messages)) from None


def _pending(request: ExtensionRequest) -> ExtensionRequest:
    """Return the request locked, if it still waits for an answer."""
    request = (
        ExtensionRequest.objects.select_for_update(of=("self",))
        .select_related(
            "assignment__staff__person",
            "assignment__requirement__course",
            "requested_by",
        )
        .get(pk=request.pk)
    )
    if not request.is_pending:
        raise ExtensionRequestError(_("This request has already been answered."))
    return request


def _answer(request: ExtensionRequest, *, status: str, **answer) -> None:
    """Record the answer, only over a request still pending.

    The lock in `_pending` already orders two answers; the condition keeps a
    second one from applying even where rows are not locked.
    """
    fields = {
        "status": status,
        "answer": answer.pop("answer"),
        "answered_by": answer.pop("by"),
        "answered_at": answer.pop("now"),
        **answer,
    }
    updated = ExtensionRequest.objects.filter(
        pk=request.pk, status=ExtensionRequestStatus.PENDING
    ).update(**fields)
    if not updated:
        raise ExtensionRequestError(_("This request has already been answered."))
    for name, value in fields.items():
        setattr(request, name, value)


def _ids(request: ExtensionRequest) -> dict:
    return {
        "extension_request_id": request.pk,
        "assignment_id": request.assignment_id,
        "staff_id": request.assignment.staff_id,
    }


def _log(request: ExtensionRequest, action: str, by: User, **data: object) -> None:
    """Write the step in the staff record's history, as HR's actions are."""
    assignment = request.assignment
    data |= {
        "assignment": assignment.pk,
        "requirement": assignment.requirement.name,
        "cycle": assignment.cycle,
    }
    log(instance=assignment.staff, action=action, user=by, data=data)


def _tell_answerers(request: ExtensionRequest) -> None:
    context = {
        "request": request,
        "person": request.assignment.staff.person,
        "link": site_url() + reverse("lms_extension_requests"),
        "site_url": site_url(),
    }
    subject, body = render_email("extension_requested", context)
    for address in answerers_of(request.assignment.staff.unit).values_list(
        "email", flat=True
    ):
        transaction.on_commit(partial(send_email.enqueue, address, subject, body))


def _tell_asker(request: ExtensionRequest) -> None:
    asker = request.requested_by
    staff = request.assignment.staff
    link = (
        reverse("lms:extension_requests")
        if request.asked_by_the_person()
        else reverse("lms_staff_detail", args=[staff.pk])
    )
    context = {
        "request": request,
        "person": staff.person,
        "asker": asker,
        "link": site_url() + link,
        "site_url": site_url(),
    }
    subject, body = render_email("extension_answered", context)
    transaction.on_commit(partial(send_email.enqueue, asker.email, subject, body))
