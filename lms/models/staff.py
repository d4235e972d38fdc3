"""Organisations, the staff who work in them and who may see whom."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from courses.dates import validate_plausible_date
from lms.models.learning import Person


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
