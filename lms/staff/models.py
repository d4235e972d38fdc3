"""Staff imports (whom each touched) and extension requests (a later due date)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from courses.dates import validate_plausible_date
from lms.models.requirements import Assignment, DueDateExtension
from lms.models.staff import Organisation, StaffMember


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

    A grant moves the date through `lms.assignments.extend_due_date`, so the
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
