"""Certified trainers of the train-the-trainer programme, by province."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from courses.dates import start_of
from courses.models import CoursePage
from lms.learning.models import Completion
from lms.people.models import Person


class Province(models.TextChoices):
    """The 13 provinces of the Cajamarca department, keyed by UBIGEO code."""

    CAJAMARCA = "0601", "Cajamarca"
    CAJABAMBA = "0602", "Cajabamba"
    CELENDIN = "0603", "Celendín"
    CHOTA = "0604", "Chota"
    CONTUMAZA = "0605", "Contumazá"
    CUTERVO = "0606", "Cutervo"
    HUALGAYOC = "0607", "Hualgayoc"
    JAEN = "0608", "Jaén"
    SAN_IGNACIO = "0609", "San Ignacio"
    SAN_MARCOS = "0610", "San Marcos"
    SAN_MIGUEL = "0611", "San Miguel"
    SAN_PABLO = "0612", "San Pablo"
    SANTA_CRUZ = "0613", "Santa Cruz"


class TrainerCertificationQuerySet(models.QuerySet):
    def active(self) -> TrainerCertificationQuerySet:
        """Certifications not withdrawn (their qualification may still lapse)."""
        return self.filter(withdrawn_at__isnull=True)

    def listed(self) -> TrainerCertificationQuerySet:
        """Active certifications whose trainer agreed to the public list."""
        return self.active().filter(listed_publicly=True)

    def for_user(self, user) -> TrainerCertificationQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(person__user=user)

    def valid_on(
        self, day: date, *, trainer_courses: Iterable[CoursePage] | None = None
    ) -> TrainerCertificationQuerySet:
        """Certifications that made their holder a certified trainer on `day`.

        Approved by then, not withdrawn by then, and holding a completion of
        the trainer course that counts that day: the qualifying one or a
        renewal, not revoked. When a completion lapses depends on its
        course's validity, worked out per trainer course (one or two), so
        the rest is compared in SQL for any number of rows. A caller that
        already holds the trainer courses passes them and saves a query.
        """
        if trainer_courses is None:
            trainer_courses = CoursePage.objects.filter(
                pk__in=TrainerCertification.objects.values(
                    "qualification__enrolment__course"
                )
            ).only("pk", "validity_months")
        next_day = start_of(day + timedelta(days=1))
        counting = Q(pk__in=[])
        for course in trainer_courses:
            earliest = course.earliest_completion_counting_on(day)
            counting |= Q(enrolment__course=course) & (
                Q(completed_at__gte=start_of(earliest)) if earliest else Q()
            )
        qualified = Completion.objects.filter(
            counting,
            enrolment__user__person=OuterRef("person"),
            enrolment__course=OuterRef("qualification__enrolment__course"),
            revoked_at__isnull=True,
            completed_at__lt=next_day,
        )
        return self.filter(
            Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=next_day),
            Exists(qualified),
            approved_at__lt=next_day,
        )

    def with_validity(self, day: date) -> TrainerCertificationQuerySet:
        """Annotate `is_valid`: whether each row is valid on `day`."""
        valid = TrainerCertification.objects.valid_on(day).filter(pk=OuterRef("pk"))
        return self.annotate(is_valid=Exists(valid))


class TrainerCertification(models.Model):
    """The integrity officer's approval of a person as a certified trainer.

    A withdrawal closes the row, which is kept; approving the person again
    makes a new row, so every approval and withdrawal keeps who and when.
    """

    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="trainer_certifications",
        verbose_name=_("trainer"),
    )
    # The trainer-course completion that qualified the person; its
    # certificate is the one named on approval and on cohort certificates.
    qualification = models.ForeignKey(
        Completion,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("qualifying completion"),
    )
    province = models.CharField(_("province"), max_length=4, choices=Province.choices)
    institution = models.CharField(
        _("institution"),
        max_length=200,
        help_text=_("E.g. a local university or a unit of the regional government."),
    )
    listed_publicly = models.BooleanField(
        _("listed publicly"),
        default=False,
        help_text=_("The trainer agreed to appear on the public list of trainers."),
    )
    approved_at = models.DateTimeField(_("approved at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("approved by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)

    objects = TrainerCertificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("certified trainer")
        verbose_name_plural = _("certified trainers")
        ordering = ["-approved_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_active_trainer_certification",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True)
                | (Q(withdrawn_by__isnull=False) & ~Q(withdrawal_reason="")),
                name="trainer_withdrawal_has_author_and_reason",
            ),
        ]

    def __str__(self) -> str:
        return str(self.person)

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None

    def is_valid_on(self, day: date) -> bool:
        """Whether the person was a certified trainer on `day` (see `valid_on`)."""
        course = self.qualification.enrolment.course
        valid = TrainerCertification.objects.valid_on(day, trainer_courses=[course])
        return valid.filter(pk=self.pk).exists()
