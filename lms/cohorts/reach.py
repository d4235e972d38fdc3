"""Reach of the train-the-trainer cascade: who teaches where, and to how many.

Counts are grouped in SQL, by province or by trainer, so the report costs the
same few queries for three cohorts as for three thousand. A participant
counts as completed while their completion stands: a revoked one counts for
nothing, as everywhere else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import (
    Case,
    CharField,
    Count,
    Expression,
    F,
    Max,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.cohorts.models import Cohort, CohortMode, CohortSession
from lms.trainers.models import Province, TrainerCertification

# The key of the virtual cohorts' row, beside the provinces' codes.
VIRTUAL = CohortMode.VIRTUAL.value
COMPLETED = Q(
    participants__completion__isnull=False,
    participants__completion__revoked_at__isnull=True,
)


@dataclass(frozen=True)
class Reach:
    """Cohorts taught, the people who took part, and those who completed."""

    cohorts: int = 0
    participants: int = 0
    completions: int = 0

    def __add__(self, other: Reach) -> Reach:
        return Reach(
            self.cohorts + other.cohorts,
            self.participants + other.participants,
            self.completions + other.completions,
        )

    @property
    def rate(self) -> int | None:
        """Return the completion rate in whole percent, None without participants."""
        if not self.participants:
            return None
        return round(100 * self.completions / self.participants)


@dataclass(frozen=True)
class AreaReach:
    """A province's trainers and cohorts, or the virtual cohorts (no trainers)."""

    name: str
    trainers: int | None
    reach: Reach

    @classmethod
    def total(cls, rows: Iterable[AreaReach]) -> AreaReach:
        rows = list(rows)
        return cls(
            name=_("Total"),
            trainers=sum(row.trainers or 0 for row in rows),
            reach=sum((row.reach for row in rows), Reach()),
        )


@dataclass(frozen=True)
class TrainerReach:
    """A certified trainer's cohorts, and the last session they held."""

    name: str
    province: str
    institution: str
    reach: Reach
    last_session: date | None

    @classmethod
    def total(cls, rows: Iterable[TrainerReach]) -> TrainerReach:
        rows = list(rows)
        return cls(
            name=_("Total"),
            province="",
            institution="",
            reach=sum((row.reach for row in rows), Reach()),
            last_session=max(
                (row.last_session for row in rows if row.last_session), default=None
            ),
        )


def area() -> Case:
    """Return where a cohort counts: its province, or VIRTUAL if virtual."""
    return Case(
        When(mode=CohortMode.VIRTUAL, then=Value(VIRTUAL)),
        default=F("province"),
        output_field=CharField(),
    )


def reach_by(cohorts: QuerySet[Cohort], key: Expression) -> dict[object, Reach]:
    """Return the reach of `cohorts` grouped by `key`, in one query."""
    rows = (
        cohorts.order_by()
        .annotate(key=key)
        .values("key")
        .annotate(
            # Not named after the relation: `participants` must stay a join.
            cohort_count=Count("pk", distinct=True),
            participant_count=Count("participants"),
            completion_count=Count("participants", filter=COMPLETED),
        )
        .values_list("key", "cohort_count", "participant_count", "completion_count")
    )
    return {key: Reach(*counts) for key, *counts in rows}


def reach_by_province(cohorts: QuerySet[Cohort], *, today: date) -> list[AreaReach]:
    """Return every province's row, empty ones too, then the virtual cohorts'.

    A province's trainers are those registered there and certified today,
    whichever course or dates the cohorts are chosen by.
    """
    trainers = dict(
        TrainerCertification.objects.valid_on(today)
        .order_by()
        .values("province")
        .annotate(count=Count("pk"))
        .values_list("province", "count")
    )
    reach = reach_by(cohorts, area())
    return [
        *(
            AreaReach(
                str(province.label),
                trainers.get(province, 0),
                reach.get(province, Reach()),
            )
            for province in Province
        ),
        AreaReach(str(CohortMode.VIRTUAL.label), None, reach.get(VIRTUAL, Reach())),
    ]


def reach_by_trainer(cohorts: QuerySet[Cohort], *, now: datetime) -> list[TrainerReach]:
    """Return a row per trainer, by name, with the last session held by `now`.

    Every trainer not withdrawn is listed, with or without cohorts, and a
    withdrawn one if they taught any of `cohorts`.
    """
    reach = reach_by(cohorts, F("trainer"))
    last_sessions = dict(
        CohortSession.objects.filter(cohort__in=cohorts, starts_at__lte=now)
        .order_by()
        .values("cohort__trainer")
        .annotate(last=Max("starts_at"))
        .values_list("cohort__trainer", "last")
    )
    trainers = (
        TrainerCertification.objects.filter(
            Q(withdrawn_at__isnull=True) | Q(pk__in=cohorts.values("trainer"))
        )
        .select_related("person")
        .order_by("person__last_names", "person__first_names", "pk")
    )
    return [
        TrainerReach(
            name=trainer.person.full_name,
            province=trainer.get_province_display(),
            institution=trainer.institution,
            reach=reach.get(trainer.pk, Reach()),
            last_session=(
                timezone.localdate(last_sessions[trainer.pk])
                if trainer.pk in last_sessions
                else None
            ),
        )
        for trainer in trainers
    ]
