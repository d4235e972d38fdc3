"""Reminding staff of mandatory training, and their managers of who is late.

Anyone, staff or not (citizens, firms' members), is also told once when a
certificate of theirs enters its last weeks: it expires soon, and its renewal
is open.

`send_reminders` runs daily. Each Reminder row is written in the transaction
that hands its email to the task backend, and the rows' unique keys make a
second run, or one racing this one, skip what was already sent.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import groupby

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse

from courses.dates import add_days, start_of
from courses.models import CoursePage
from lms.learning.models import Completion, renewal_window
from lms.lib.emails import render_email, send_email, site_url
from lms.people.identity import mask_document_number
from lms.people.models import User
from lms.staff.models import (
    Assignment,
    OrganisationRole,
    Reminder,
    ReminderKind,
    StaffMember,
)
from lms.staff.scopes import READ_ROLES, Scope

# Assignments or digest recipients per transaction: the queries of a run grow
# with the number of batches, never with the number of people.
BATCH_SIZE = 500
OVERDUE_INTERVAL = timedelta(days=7)
# A digest lists this many people; the admin's overdue report has them all.
DIGEST_ROWS = 50


@dataclass
class Email:
    to: str
    subject: str
    body: str


def send_reminders(*, today: date) -> Counter[str]:
    """Email learners about their due dates and managers their weekly digest.

    Return how many emails of each ReminderKind were sent.
    """
    sent: Counter[str] = Counter()
    for batch in _batches(_learner_assignments(today=today)):
        sent.update(_retrying(_remind_learners, batch, today=today))
    for batch in _batches(_expiring_completions(today=today)):
        sent.update(_retrying(_announce_renewals, batch, today=today))
    sent.update(_retrying(_send_digests, today=today))
    return sent


def reminder_owed(due_on: date, *, today: date) -> tuple[str, date] | None:
    """Return the (kind, key date) of the reminder owed today for `due_on`.

    Overdue reminders go the day after the due date, then every week; each
    has its own key date, so a missed daily run still sends it once, later.
    """
    if today > due_on:
        first = due_on + timedelta(days=1)
        weeks = (today - first) // OVERDUE_INTERVAL
        return ReminderKind.OVERDUE, first + weeks * OVERDUE_INTERVAL
    if today == due_on:
        return ReminderKind.ON_DUE, due_on
    if today >= due_on - timedelta(days=settings.REMINDER_DAYS_BEFORE):
        return ReminderKind.BEFORE_DUE, due_on
    return None


def week_start(day: date) -> date:
    """Return the Monday of the ISO week `day` falls in: a digest's key date."""
    return day - timedelta(days=day.weekday())


def course_link(course: CoursePage) -> str:
    """Return the course page's absolute address on the public site."""
    _site_id, _root_url, path = course.get_url_parts()
    return site_url() + (path or "/")


def _retrying(send: Callable[..., Counter], *args, **kwargs) -> Counter:
    try:
        return send(*args, **kwargs)
    except IntegrityError:
        # A run racing this one recorded part of the batch first; the retry
        # reads its rows and sends only the rest.
        return send(*args, **kwargs)


def _record_and_send(rows: list[Reminder], emails: list[Email]) -> None:
    if not rows:
        return
    with transaction.atomic():
        Reminder.objects.bulk_create(rows)
        # Queued before the rows commit: with the queue down this raises and
        # rolls them back, so the next run sends them instead of skipping
        # them as sent. send_email reads nothing the commit would add.
        for email in emails:
            send_email.enqueue(email.to, email.subject, email.body)


# Learners


def _learner_assignments(*, today: date) -> QuerySet[Assignment]:
    """Open latest cycles of active staff with an address, due soon or late."""
    soon = today + timedelta(days=settings.REMINDER_DAYS_BEFORE)
    return (
        Assignment.objects.open()
        .latest_cycles()
        .filter(due_on__lte=soon, staff__in=StaffMember.objects.active(today=today))
        .exclude(staff__email="", staff__person__user__isnull=True)
        .select_related("staff__person__user", "requirement__course")
    )


def _batches(rows: QuerySet) -> Iterator[list]:
    """Yield the rows (assignments, completions) in pk order, BATCH_SIZE at a time."""
    last = 0
    while batch := list(rows.filter(pk__gt=last).order_by("pk")[:BATCH_SIZE]):
        yield batch
        last = batch[-1].pk


def _remind_learners(batch: list[Assignment], *, today: date) -> Counter:
    sent = set(
        Reminder.objects.filter(assignment__in=batch).values_list(
            "assignment_id", "kind", "key_date"
        )
    )
    courses = {assignment.requirement.course for assignment in batch}
    links = {course.pk: course_link(course) for course in courses}
    rows, emails = [], []
    for assignment in batch:
        kind, key_date = reminder_owed(assignment.due_on, today=today)
        address = _learner_address(assignment.staff)
        if address and (assignment.pk, kind, key_date) not in sent:
            context = {
                "kind": kind,
                "person": assignment.staff.person,
                "course": assignment.requirement.course,
                "course_url": links[assignment.requirement.course_id],
                "due_on": assignment.due_on,
                "days_late": (today - assignment.due_on).days,
                "site_url": site_url(),
            }
            emails.append(Email(address, *render_email("reminder", context)))
            rows.append(
                Reminder(
                    assignment=assignment, kind=kind, key_date=key_date, sent_on=today
                )
            )
    _record_and_send(rows, emails)
    return Counter(row.kind for row in rows)


def _learner_address(staff: StaffMember) -> str:
    """Return the account's address if the person has one, else the record's."""
    user = staff.person.user
    return (user.email if user else "") or staff.email


# Expiring certificates and open renewals


def _expiring_completions(*, today: date) -> QuerySet[Completion]:
    """Completions in their renewal window today, not yet renewed, of active users.

    The window is the one in which a learner may renew
    (`lms.learning.assessment.standing`) and a staff renewal cycle opens
    (`lms.staff.assignments`); a certificate lasts as long as its completion.
    Per course with a validity, it is a range of completion days: those
    still counting today but no longer counting at the window's end.
    """
    window_end = add_days(today, renewal_window().days)
    in_window = Q()
    for course in CoursePage.objects.live().exclude(validity_months=None):
        first = course.earliest_completion_counting_on(today)
        after = course.earliest_completion_counting_on(window_end)
        if first and after:
            in_window |= Q(
                enrolment__course=course,
                completed_at__gte=start_of(first),
                completed_at__lt=start_of(after),
            )
    if not in_window:
        return Completion.objects.none()
    renewed = Completion.objects.filter(
        enrolment=OuterRef("enrolment"), completed_at__gt=OuterRef("completed_at")
    )
    return (
        Completion.objects.filter(in_window, revoked_at=None)
        .filter(enrolment__user__is_active=True)
        .exclude(enrolment__user__email="")
        .exclude(Exists(renewed))
        .select_related("enrolment__user", "enrolment__course")
        .defer("enrolment__course__question_bank")
    )


def _announce_renewals(batch: list[Completion], *, today: date) -> Counter:
    kind = ReminderKind.RENEWAL_OPEN
    sent = set(
        Reminder.objects.filter(completion__in=batch, kind=kind).values_list(
            "completion_id", "key_date"
        )
    )
    required = _required_renewals(batch)
    links = {}
    rows, emails = [], []
    for completion in batch:
        ends = completion.valid_until()
        if (completion.pk, ends) in sent:
            continue
        enrolment = completion.enrolment
        course = enrolment.course
        if course.pk not in links:
            links[course.pk] = course_link(course)
        context = {
            "user": enrolment.user,
            "course": course,
            "course_url": links[course.pk],
            "valid_until": ends,
            "renew_by": required.get((enrolment.user_id, course.pk)),
            "certificates_url": site_url() + reverse("certificates:my_certificates"),
            "site_url": site_url(),
        }
        emails.append(
            Email(enrolment.user.email, *render_email("renewal_open", context))
        )
        rows.append(
            Reminder(completion=completion, kind=kind, key_date=ends, sent_on=today)
        )
    _record_and_send(rows, emails)
    return Counter(row.kind for row in rows)


def _required_renewals(batch: list[Completion]) -> dict[tuple[int, int], date]:
    """Return the due date of each open renewal cycle the batch's staff owe."""
    renewals = Assignment.objects.open().filter(
        cycle__gt=1,
        staff__person__user__in={each.enrolment.user_id for each in batch},
        requirement__course__in={each.enrolment.course_id for each in batch},
    )
    return {
        (user_id, course_id): due_on
        for user_id, course_id, due_on in renewals.values_list(
            "staff__person__user_id", "requirement__course_id", "due_on"
        )
    }


# Digests


@dataclass(frozen=True)
class OverdueRow:
    staff_id: int
    path: str
    unit: str
    name: str
    document: str
    course: str
    due_on: date


def _send_digests(*, today: date) -> Counter:
    monday = week_start(today)
    done = set(
        Reminder.objects.filter(kind=ReminderKind.DIGEST, key_date=monday).values_list(
            "recipient_id", flat=True
        )
    )
    recipients = [
        (user, scope) for user, scope in _digest_recipients() if user.pk not in done
    ]
    if not recipients:
        return Counter()
    overdue = _overdue_rows(today=today)
    paths = [row.path for row in overdue]
    counts = Counter()
    for start in range(0, len(recipients), BATCH_SIZE):
        rows, emails = [], []
        for user, scope in recipients[start : start + BATCH_SIZE]:
            mine = _in_scope(scope, overdue, paths)
            if not mine:
                continue
            emails.append(_digest_email(user, mine, today=today))
            rows.append(
                Reminder(
                    recipient=user,
                    kind=ReminderKind.DIGEST,
                    key_date=monday,
                    sent_on=today,
                )
            )
        _record_and_send(rows, emails)
        counts[ReminderKind.DIGEST] += len(rows)
    return counts


def _digest_recipients() -> list[tuple[User, Scope]]:
    """Return role holders with an address, with the units each one covers."""
    roles = (
        OrganisationRole.objects.filter(role__in=READ_ROLES, user__is_active=True)
        .exclude(user__email="")
        .select_related("user", "organisation")
        .order_by("user_id")
    )
    return [
        (
            user_roles[0].user,
            Scope.from_grants(
                (role.role, role.organisation and role.organisation.path)
                for role in user_roles
            ),
        )
        for user_roles in (
            list(group) for _user, group in groupby(roles, key=lambda r: r.user_id)
        )
    ]


def _overdue_rows(*, today: date) -> list[OverdueRow]:
    """Return every overdue latest cycle of active staff, sorted by unit path."""
    values = (
        Assignment.objects.overdue(today=today)
        .latest_cycles()
        .filter(staff__in=StaffMember.objects.active(today=today))
        .values_list(
            "staff_id",
            "staff__unit__path",
            "staff__unit__name",
            "staff__person__last_names",
            "staff__person__first_names",
            "staff__person__document_number",
            "requirement__course__title",
            "due_on",
        )
    )
    rows = [
        OverdueRow(
            staff, path, unit, f"{last}, {first}", mask_document_number(doc), *rest
        )
        for staff, path, unit, last, first, doc, *rest in values
    ]
    # Sorted here, not by the database, whose collation may order paths
    # differently from the prefix search in _in_scope.
    rows.sort(key=lambda row: (row.path, row.name, row.due_on))
    return rows


def _in_scope(
    scope: Scope, overdue: list[OverdueRow], paths: list[str]
) -> list[OverdueRow]:
    """Return the rows under the scope's units, found by prefix search."""
    if scope.everything:
        return overdue
    # Materialised paths use digits and capitals only: "~" sorts after them.
    indexes = {
        index
        for path in scope.paths
        for index in range(bisect_left(paths, path), bisect_left(paths, path + "~"))
    }
    return [overdue[index] for index in sorted(indexes)]


def _digest_email(user: User, rows: list[OverdueRow], *, today: date) -> Email:
    """Return the digest; its figures count people, not their overdue courses."""
    shown = rows[:DIGEST_ROWS]
    people = {row.staff_id for row in rows}
    context = {
        "user": user,
        "rows": shown,
        "total": len(people),
        "more": len(people - {row.staff_id for row in shown}),
        "today": today,
        "report_url": site_url() + reverse("lms_report_overdue"),
    }
    return Email(user.email, *render_email("digest", context))
