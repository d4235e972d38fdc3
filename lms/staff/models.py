"""Organisations and their staff, roles over units, mandatory training and its
assignments, reminders, and the extensions staff ask HR for.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from treebeard.mp_tree import MP_Node

from courses.dates import (
    MAX_PERIOD_DAYS,
    MAX_PERIOD_MONTHS,
    add_days,
    last_day_counting,
    validate_plausible_date,
)
from courses.models import CoursePage
from lms.learning.models import Attempt, Completion, Enrolment
from lms.people.models import Person


class OrganisationKind(models.TextChoices):
    GOVERNMENT = "government", _("Regional government")
    MANAGEMENT = "management", _("Regional management (gerencia)")
    SUB_MANAGEMENT = "sub_management", _("Sub-management (sub gerencia)")
    DIRECTORATE = "directorate", _("Regional directorate")
    OFFICE = "office", _("Office")
    EXECUTING_UNIT = "executing_unit", _("Executing unit")
    OTHER = "other", _("Other")


class Organisation(MP_Node):
    """A unit of the regional government; units form a tree.

    A materialised path (django-treebeard, as Wagtail's own pages and
    collections use) turns "this unit and everything under it" into one
    indexed prefix filter, which every scoped query relies on.
    """

    code = models.CharField(
        _("code"),
        max_length=20,
        unique=True,
        help_text=_("The unit code used in HR files (codigo_unidad)."),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("type"),
        max_length=20,
        choices=OrganisationKind.choices,
        default=OrganisationKind.OFFICE,
    )

    node_order_by = ["name"]

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    def subtree_q(self, prefix: str = "") -> Q:
        """Return a filter for this unit and its descendants on `prefix`path."""
        return Q(**{f"{prefix}path__startswith": self.path})


class Regime(models.TextChoices):
    """Employment regimes; induction is mandatory under every one of them."""

    DL276 = "DL276", _("D.Leg. 276 (administrative career)")
    DL728 = "DL728", _("D.Leg. 728 (private labour regime)")
    CAS = "CAS", _("CAS (D.Leg. 1057)")
    LSC = "LSC", _("Civil service (Ley 30057)")
    TRAINEE = "PRACT", _("Trainee (D.Leg. 1401)")
    OTHER = "OTHER", _("Other")


def active_staff_q(*, today: date, prefix: str = "") -> Q:
    """Return a filter on `prefix`left_on for staff who have not left by today."""
    return Q(**{f"{prefix}left_on__isnull": True}) | Q(
        **{f"{prefix}left_on__gte": today}
    )


class StaffMemberQuerySet(models.QuerySet):
    def active(self, *, today: date) -> StaffMemberQuerySet:
        """Staff who have not left by `today` (future hires included)."""
        return self.filter(active_staff_q(today=today))

    def within(self, organisation: Organisation) -> StaffMemberQuerySet:
        return self.filter(organisation.subtree_q("unit__"))


class StaffMember(models.Model):
    """A person's job in the regional government, as HR records it.

    One record per person: a transfer changes the unit, a rehire the dates,
    and the person's completions and certificates stay with the person.
    """

    person = models.OneToOneField(
        Person,
        on_delete=models.PROTECT,
        related_name="staff_record",
        verbose_name=_("person"),
    )
    email = models.EmailField(_("institutional email"), blank=True)
    unit = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="staff",
        verbose_name=_("unit"),
    )
    post = models.CharField(_("post"), max_length=150, blank=True)
    regime = models.CharField(
        _("employment regime"), max_length=5, choices=Regime.choices
    )
    is_senior_official = models.BooleanField(_("senior official"), default=False)
    hired_on = models.DateField(
        _("hire or appointment date"), validators=[validate_plausible_date]
    )
    left_on = models.DateField(
        _("end date"), null=True, blank=True, validators=[validate_plausible_date]
    )
    # The day the latest change of unit, regime or senior-official flag took
    # effect, as HR gives it (the day it is recorded if HR gives none):
    # requirements that newly apply count their days from here, not from the
    # old hire date nor from the day the change was typed in.
    moved_on = models.DateField(
        _("last transfer or appointment"),
        null=True,
        blank=True,
        validators=[validate_plausible_date],
        help_text=_(
            "The day the latest change of unit, regime or senior post took "
            "effect; the deadlines of training that newly applies count from "
            "it. If you make such a change and leave this date as it was, "
            "today is used."
        ),
    )
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = StaffMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(left_on__gte=models.F("hired_on")),
                name="staff_leaves_after_hire",
            )
        ]
        indexes = [models.Index(fields=["hired_on"], name="staff_hired_on")]

    def __str__(self) -> str:
        return str(self.person)

    def is_active(self, *, today: date) -> bool:
        return self.left_on is None or self.left_on >= today

    def started_on(self) -> date:
        """Return the day the current job (or its latest change) began."""
        return max(self.hired_on, self.moved_on or self.hired_on)


class Role(models.TextChoices):
    HR_OFFICER = "hr_officer", _("HR officer")
    UNIT_HEAD = "unit_head", _("Unit head")
    INTEGRITY_OFFICER = "integrity_officer", _("Integrity officer")


class OrganisationRole(models.Model):
    """A user's responsibility over a unit and everything under it.

    The integrity officer sees every unit, so that role has no unit.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="organisation_roles",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="roles",
        verbose_name=_("unit"),
        help_text=_("The role covers this unit and every unit under it."),
    )

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "organisation"], name="unique_role"
            ),
            models.CheckConstraint(
                condition=Q(role="integrity_officer", organisation__isnull=True)
                | (~Q(role="integrity_officer") & Q(organisation__isnull=False)),
                name="scoped_roles_have_a_unit",
            ),
        ]

    def __str__(self) -> str:
        where = self.organisation or _("all units")
        return f"{self.user} – {self.get_role_display()} ({where})"


class TrainingRequirementQuerySet(models.QuerySet):
    def active(self) -> TrainingRequirementQuerySet:
        return self.filter(is_active=True)


class TrainingRequirement(models.Model):
    """A course some staff must complete within a time of joining, and renew."""

    name = models.CharField(_("name"), max_length=150)
    course = models.ForeignKey(
        CoursePage,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("course"),
    )
    senior_officials_only = models.BooleanField(
        _("senior officials only"), default=False
    )
    regime = models.CharField(
        _("employment regime"),
        max_length=5,
        choices=Regime.choices,
        blank=True,
        help_text=_("Leave empty for every regime."),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
        help_text=_("Staff of this unit and the units under it. Empty: every unit."),
    )
    due_days = models.PositiveSmallIntegerField(
        _("days to complete"),
        default=30,
        help_text=_("Days after the hire or appointment date."),
        validators=[MaxValueValidator(MAX_PERIOD_DAYS)],
    )
    recertify_months = models.PositiveSmallIntegerField(
        _("renew every (months)"),
        null=True,
        blank=True,
        help_text=_("Leave empty if a completion never needs renewing."),
        validators=[MaxValueValidator(MAX_PERIOD_MONTHS)],
    )
    # Staff hired before the rule existed get the same number of days from
    # this date, instead of being overdue on the day the rule is created.
    applies_from = models.DateField(
        _("applies from"),
        default=timezone.localdate,
        validators=[validate_plausible_date],
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = TrainingRequirementQuerySet.as_manager()

    class Meta:
        verbose_name = _("training requirement")
        verbose_name_plural = _("training requirements")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def staff_q(self) -> Q:
        """Return the filter on StaffMember for the staff this rule covers."""
        q = Q()
        if self.senior_officials_only:
            q &= Q(is_senior_official=True)
        if self.regime:
            q &= Q(regime=self.regime)
        if self.organisation_id:
            q &= self.organisation.subtree_q("unit__")
        return q

    def due_date(self, started_on: date) -> date:
        """Return the deadline for someone who joined on `started_on`."""
        return add_days(max(started_on, self.applies_from), self.due_days)

    def renew_by(self, completed_on: date) -> date | None:
        """Return the last day a completion on `completed_on` meets this rule.

        It must be renewed by then: the same rule as a certificate's validity
        (`courses.dates.last_day_counting`), so both show the same date.
        """
        return last_day_counting(completed_on, self.recertify_months)

    def is_met_by(self, completed_on: date, *, due_on: date) -> bool:
        """Say whether a completion still counts after an assignment's due date.

        This is why a rehired or transferred person whose completion is still
        valid is not asked again, and why an early renewal counts. A renewal
        is due on the last day the completion it renews counts, so that
        completion never meets it.
        """
        renew_by = self.renew_by(completed_on)
        return renew_by is None or renew_by > due_on


class AssignmentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    OVERDUE = "overdue", _("Overdue")
    # Completed once, but that completion has lapsed: in Spanish "caducada",
    # which the site's "vencida" (overdue) must not be confused with.
    EXPIRED = "expired", pgettext_lazy("assignment status", "Expired")
    WAIVED = "waived", _("Waived")
    CLOSED = "closed", _("Closed")


class ClosedReason(models.TextChoices):
    LEFT = "left", _("The person left")
    NO_LONGER_APPLIES = "no_longer_applies", _("The requirement no longer applies")


# Still waiting for a completion: the partial constraint and index use it too.
OPEN = Q(completed_on__isnull=True, waived_at__isnull=True, closed_on__isnull=True)


def completed_q(*, today: date) -> Q:
    """Completed, and `today` is no later than the last day to renew by."""
    return Q(completed_on__isnull=False) & (
        Q(renew_by__isnull=True) | Q(renew_by__gte=today)
    )


def overdue_q(*, today: date) -> Q:
    return OPEN & Q(due_on__lt=today)


class AssignmentQuerySet(models.QuerySet):
    def open(self) -> AssignmentQuerySet:
        """Assignments still waiting for a completion."""
        return self.filter(OPEN)

    def latest_cycles(self) -> AssignmentQuerySet:
        """Only each person's latest cycle of each requirement."""
        return self.filter(is_latest=True)

    def with_status(self, *, today: date) -> AssignmentQuerySet:
        """Annotate `status` (an AssignmentStatus value) as of `today`."""
        enrolled = Enrolment.objects.filter(
            user__person__staff_record=OuterRef("staff"),
            course=OuterRef("requirement__course"),
        )
        # A renewal starts with a new attempt: the lessons were read before.
        retaking = Attempt.objects.filter(
            enrolment__user__person__staff_record=OuterRef("staff"),
            enrolment__course=OuterRef("requirement__course"),
            started_at__gte=OuterRef("created_at"),
        )
        return self.annotate(
            status=Case(
                When(waived_at__isnull=False, then=Value(AssignmentStatus.WAIVED)),
                When(closed_on__isnull=False, then=Value(AssignmentStatus.CLOSED)),
                When(completed_q(today=today), then=Value(AssignmentStatus.COMPLETED)),
                When(completed_on__isnull=False, then=Value(AssignmentStatus.EXPIRED)),
                When(due_on__lt=today, then=Value(AssignmentStatus.OVERDUE)),
                When(
                    (Q(cycle=1) & Exists(enrolled)) | Exists(retaking),
                    then=Value(AssignmentStatus.IN_PROGRESS),
                ),
                default=Value(AssignmentStatus.PENDING),
                output_field=models.CharField(),
            )
        )

    def overdue(self, *, today: date) -> AssignmentQuerySet:
        return self.filter(overdue_q(today=today))

    def within(self, organisation: Organisation) -> AssignmentQuerySet:
        return self.filter(organisation.subtree_q("staff__unit__"))


class Assignment(models.Model):
    """One cycle of a requirement for one person: the first, then each renewal.

    Cycles are kept, so a person's history survives renewals, waivers,
    transfers and leaving.
    """

    staff = models.ForeignKey(
        StaffMember,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("staff member"),
    )
    requirement = models.ForeignKey(
        TrainingRequirement,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("requirement"),
    )
    cycle = models.PositiveSmallIntegerField(_("cycle"), default=1)
    # Cleared on the cycle a renewal or a reopening supersedes, in the write
    # that opens the next: reports then read "the latest cycle" off the row
    # itself instead of looking for a later cycle in a million others.
    is_latest = models.BooleanField(_("latest cycle"), default=True, editable=False)
    due_on = models.DateField(_("due date"))
    completion = models.ForeignKey(
        Completion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("completion"),
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    renew_by = models.DateField(_("renew by"), null=True, blank=True)
    waived_at = models.DateTimeField(_("waived at"), null=True, blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("waived by"),
    )
    waiver_reason = models.TextField(_("reason for the waiver"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_reason = models.CharField(
        _("reason for closing"), max_length=20, choices=ClosedReason.choices, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "requirement", "cycle"], name="unique_assignment_cycle"
            ),
            models.UniqueConstraint(
                fields=["staff", "requirement"],
                condition=OPEN,
                name="one_open_assignment_per_requirement",
            ),
            models.UniqueConstraint(
                fields=["staff", "requirement"],
                condition=Q(is_latest=True),
                name="one_latest_cycle_per_requirement",
            ),
            models.CheckConstraint(
                condition=Q(waived_at__isnull=True)
                | (Q(waived_by__isnull=False) & ~Q(waiver_reason="")),
                name="waiver_has_author_and_reason",
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_on"],
                condition=OPEN,
                name="open_assignment_due_on",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff} – {self.requirement}"

    @property
    def is_open(self) -> bool:
        return not (self.completed_on or self.waived_at or self.closed_on)


class DueDateExtension(models.Model):
    """A due date moved by HR, kept with who moved it, when and why."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="extensions"
    )
    previous_due_on = models.DateField(_("previous due date"))
    new_due_on = models.DateField(
        _("new due date"), validators=[validate_plausible_date]
    )
    reason = models.TextField(_("reason"))
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("extended by"),
    )
    extended_at = models.DateTimeField(_("extended at"), auto_now_add=True)

    class Meta:
        verbose_name = _("due date extension")
        verbose_name_plural = _("due date extensions")
        ordering = ["extended_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(new_due_on__gt=F("previous_due_on")),
                name="extension_moves_due_date_later",
            ),
            models.CheckConstraint(
                condition=~Q(reason=""), name="extension_has_reason"
            ),
        ]


class ReminderKind(models.TextChoices):
    BEFORE_DUE = "before_due", _("Before the due date")
    ON_DUE = "on_due", _("On the due date")
    OVERDUE = "overdue", _("Overdue")
    DIGEST = "digest", _("Weekly digest")
    # To anyone, staff or not, whose completion (and so certificate) enters
    # its last weeks: it expires soon and may be renewed from now on.
    RENEWAL_OPEN = "renewal_open", _("Certificate expiring, renewal open")


class Reminder(models.Model):
    """A reminder already sent; its unique key makes a rerun send nothing new."""

    kind = models.CharField(_("kind"), max_length=12, choices=ReminderKind.choices)
    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    completion = models.ForeignKey(
        Completion,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    # The deadline a learner's reminder is about, the Monday of a digest's
    # week, or the last valid day of an expiring completion: reminders are
    # unique per (what, kind, key).
    key_date = models.DateField(_("about the date"))
    sent_on = models.DateField(_("sent on"))

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "kind", "key_date"],
                condition=Q(assignment__isnull=False),
                name="one_reminder_per_assignment_kind_date",
            ),
            models.UniqueConstraint(
                fields=["recipient", "kind", "key_date"],
                condition=Q(recipient__isnull=False),
                name="one_digest_per_recipient_week",
            ),
            models.UniqueConstraint(
                fields=["completion", "kind", "key_date"],
                condition=Q(completion__isnull=False),
                name="one_notice_per_completion_kind_date",
            ),
        ]


class ExtensionRequestStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("extension request", "Pending")
    GRANTED = "granted", pgettext_lazy("extension request", "Granted")
    DENIED = "denied", pgettext_lazy("extension request", "Denied")


class ExtensionRequestQuerySet(models.QuerySet):
    def pending(self) -> ExtensionRequestQuerySet:
        return self.filter(status=ExtensionRequestStatus.PENDING)

    def within(self, organisation: Organisation) -> ExtensionRequestQuerySet:
        return self.filter(organisation.subtree_q("assignment__staff__unit__"))

    def pending_first(self) -> ExtensionRequestQuerySet:
        """Pending requests, oldest first (asked first, answered first), then
        the answered ones, latest answer first."""
        return self.annotate(
            is_answered=models.Case(
                models.When(status=ExtensionRequestStatus.PENDING, then=0),
                default=1,
            )
        ).order_by("is_answered", F("answered_at").desc(nulls_last=True), "pk")


class ExtensionRequest(models.Model):
    """A later due date asked of HR for one assignment, and HR's answer.

    A grant moves the date through `lms.staff.assignments.extend_due_date`, so the
    DueDateExtension it records is the one HR's own extensions make.
    """

    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.PROTECT,
        related_name="extension_requests",
        verbose_name=_("assignment"),
    )
    # The due date when the request was made: what the requested date must
    # be later than, and what HR read when it answered.
    current_due_on = models.DateField(_("due date when asked"))
    requested_due_on = models.DateField(
        _("requested due date"), validators=[validate_plausible_date]
    )
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ExtensionRequestStatus.choices,
        default=ExtensionRequestStatus.PENDING,
    )
    granted_due_on = models.DateField(
        _("granted due date"),
        null=True,
        blank=True,
        validators=[validate_plausible_date],
    )
    answer = models.TextField(_("HR's answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    extension = models.OneToOneField(
        DueDateExtension,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="request",
        verbose_name=_("extension"),
    )

    objects = ExtensionRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        constraints = [
            # A second request while one waits would be answered twice.
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(status="pending"),
                name="one_pending_extension_request_per_assignment",
            ),
            models.CheckConstraint(
                condition=Q(requested_due_on__gt=F("current_due_on")),
                name="extension_request_asks_a_later_date",
            ),
            models.CheckConstraint(
                condition=~Q(reason=""), name="extension_request_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(
                    status="pending", answered_at__isnull=True, extension__isnull=True
                )
                | Q(
                    status="granted",
                    answered_at__isnull=False,
                    answered_by__isnull=False,
                    granted_due_on__isnull=False,
                    extension__isnull=False,
                )
                | (
                    Q(
                        status="denied",
                        answered_at__isnull=False,
                        answered_by__isnull=False,
                        granted_due_on__isnull=True,
                        extension__isnull=True,
                    )
                    & ~Q(answer="")
                ),
                name="extension_request_answer_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} → {self.requested_due_on}"

    @property
    def is_pending(self) -> bool:
        return self.status == ExtensionRequestStatus.PENDING

    def asked_by_the_person(self) -> bool:
        """Say whether the person asked for themselves (else a unit head did)."""
        return self.requested_by_id == self.assignment.staff.person.user_id


class StaffImportQuerySet(models.QuerySet):
    def touching(self, staff: models.QuerySet[StaffMember]) -> StaffImportQuerySet:
        """Imports that created, changed or closed any of `staff`."""
        through = StaffImport.staff.through.objects.filter(
            staffimport=models.OuterRef("pk"), staffmember__in=staff
        )
        return self.filter(models.Exists(through))


class StaffImport(models.Model):
    """A staff file applied to the records, kept so HR can find whom it touched.

    Unchanged rows are not linked: the people an import touched are those it
    created, changed or marked as leavers.
    """

    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    filename = models.CharField(_("file"), max_length=255)
    full = models.BooleanField(_("full list"), default=False)
    created = models.PositiveIntegerField(_("created"), default=0)
    changed = models.PositiveIntegerField(_("changed"), default=0)
    left = models.PositiveIntegerField(_("marked as leavers"), default=0)
    staff = models.ManyToManyField(
        StaffMember, related_name="imports", blank=True, verbose_name=_("staff")
    )

    objects = StaffImportQuerySet.as_manager()

    class Meta:
        ordering = ["-imported_at", "-pk"]
        verbose_name = _("staff import")
        verbose_name_plural = _("staff imports")

    def __str__(self) -> str:
        when = timezone.localtime(self.imported_at).strftime("%d/%m/%Y %H:%M")
        return f"{self.filename} ({when})"
