"""Groups (cohorts) taught by certified trainers: sessions, participants, attendance."""

from __future__ import annotations

import secrets
from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.dates import validate_plausible_date
from courses.models import CoursePage
from lms.learning.models import Completion, Enrolment
from lms.people.models import Person
from lms.trainers.models import Province, TrainerCertification


class CohortMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIRTUAL = "virtual", _("Virtual")


def new_join_token() -> str:
    """Return the secret of a self-enrolment link: 128 random bits."""
    return secrets.token_urlsafe(16)


def place_of(mode: str, province: str, district: str) -> str:
    """Return where a cohort is taught: "District, Province", or "Virtual"."""
    if mode == CohortMode.VIRTUAL:
        return str(CohortMode.VIRTUAL.label)
    name = Province(province).label
    if district and district != name:
        return f"{district}, {name}"
    return name


class CohortQuerySet(models.QuerySet):
    def taught_on(self, day: date) -> CohortQuerySet:
        """Cohorts whose trainer may act on `day` (TrainerCertification.valid_on).

        The cohort of a withdrawn or lapsed trainer records nothing and
        completes nobody until it is taught by a certified trainer again.
        """
        return self.filter(trainer__in=TrainerCertification.objects.valid_on(day))


class Cohort(models.Model):
    """One run of a course, taught by a certified trainer to a group."""

    course = models.ForeignKey(
        CoursePage,
        on_delete=models.PROTECT,
        related_name="cohorts",
        verbose_name=_("course"),
    )
    trainer = models.ForeignKey(
        TrainerCertification,
        on_delete=models.PROTECT,
        related_name="cohorts",
        verbose_name=_("trainer"),
    )
    name = models.CharField(_("name"), max_length=200)
    mode = models.CharField(
        _("mode"),
        max_length=10,
        choices=CohortMode.choices,
        default=CohortMode.IN_PERSON,
    )
    province = models.CharField(
        _("province"), max_length=4, choices=Province.choices, blank=True
    )
    district = models.CharField(_("district"), max_length=100, blank=True)
    venue = models.CharField(
        _("venue"), max_length=200, blank=True, help_text=_("Address and room.")
    )
    partner_institution = models.CharField(
        _("partner institution"), max_length=200, blank=True
    )
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    starts_on = models.DateField(_("starts on"), validators=[validate_plausible_date])
    ends_on = models.DateField(_("ends on"), validators=[validate_plausible_date])
    join_token = models.CharField(
        max_length=32, unique=True, default=new_join_token, editable=False
    )
    self_enrolment_open = models.BooleanField(_("self-enrolment open"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CohortQuerySet.as_manager()

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="cohort_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(mode=CohortMode.VIRTUAL) | ~Q(province=""),
                name="in_person_cohort_has_a_province",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def place(self) -> str:
        """Return where it is taught: "District, Province", or "Virtual"."""
        return place_of(self.mode, self.province, self.district)

    def join_path(self) -> str:
        return reverse("cohorts:join", args=[self.join_token])


class CohortSession(models.Model):
    """One class of a cohort; its attendance is recorded once, then corrected."""

    class Source(models.TextChoices):
        ONLINE = "online", _("Taken on the attendance sheet online")
        PAPER = "paper", _("Typed in from the paper sheet")

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="sessions"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    starts_at = models.DateTimeField(
        _("starts at"), validators=[validate_plausible_date]
    )
    minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), default=120, validators=[MinValueValidator(1)]
    )
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(
        _("attendance recorded at"), null=True, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("attendance recorded by"),
    )
    source = models.CharField(
        _("recorded from"), max_length=10, choices=Source.choices, blank=True
    )

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["cohort", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "number"], name="unique_session_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cohort} – {self.number}"

    @property
    def held_on(self) -> date:
        return timezone.localdate(self.starts_at)


class JoinedVia(models.TextChoices):
    LIST = "list", _("DNI list")
    LINK = "link", _("Self-enrolment link")


class Participant(models.Model):
    """A person's place in a cohort, tied to their enrolment in its course."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, related_name="participants"
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="cohort_places",
        verbose_name=_("participant"),
    )
    # The completion, and so the certificate, hangs on the course enrolment.
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="cohort_places"
    )
    joined_via = models.CharField(
        _("joined via"), max_length=10, choices=JoinedVia.choices
    )
    joined_at = models.DateTimeField(_("joined at"))
    # A test taken on paper, typed in by the trainer; an online one is an Attempt.
    paper_score = models.PositiveSmallIntegerField(
        _("paper test score (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
    )
    paper_score_recorded_at = models.DateTimeField(null=True, blank=True)
    paper_score_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    completion = models.OneToOneField(
        Completion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cohort_participant",
    )

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["cohort", "person__last_names", "person__first_names"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "person"], name="one_place_per_person_and_cohort"
            ),
            models.CheckConstraint(
                condition=Q(paper_score__isnull=True) | Q(paper_score__lte=100),
                name="paper_score_is_a_percentage",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.cohort}"


class Attendance(models.Model):
    """Whether a participant was at a session; absent rows are explicit."""

    session = models.ForeignKey(
        CohortSession, on_delete=models.CASCADE, related_name="attendance"
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="attendance"
    )
    present = models.BooleanField(_("present"))
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "participant"], name="one_mark_per_session"
            )
        ]
