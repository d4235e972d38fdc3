"""Public transparency figures: induction on time, officials, trainers, certificates.

Everything published here is an aggregate counted in SQL, with a fixed number
of queries whatever the size of the staff. A count of people below
`SMALL_GROUP` could point at someone, so `small_group_rule` replaces it
before any figure leaves this module, and a share of such a group is not
published at all. The figures of a day are computed once and cached.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.cache import cache
from django.db.models import Count, DateField, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Substr, TruncMonth
from django.utils.translation import gettext_lazy as _

from courses.dates import add_months, start_of
from courses.models import Audience
from lms.models import (
    Assignment,
    Completion,
    Organisation,
    Province,
    StaffMember,
    TrainerCertification,
)
from lms.models.staff import active_staff_q

SMALL_GROUP = 5
# How a suppressed count is written in the open-data files.
FEWER_THAN_FIVE = "<5"
MONTHS = 12
CACHE_SECONDS = 24 * 60 * 60
# Induction assignments: the first cycle (a renewal is not an induction) of
# the active requirements of courses for every public servant, neither
# waived nor closed (the person left or moved on).
INDUCTION = (
    Q(cycle=1)
    & Q(requirement__is_active=True)
    & (
        Q(requirement__course__audience=Audience.PUBLIC_SERVANTS)
        | Q(requirement__course__mandatory_for_staff=True)
    )
    & Q(waived_at__isnull=True, closed_on__isnull=True)
)
ON_TIME = Q(completed_on__lte=F("due_on"))
PUBLIC_AUDIENCES = (Audience.CITIZENS, Audience.BUSINESSES)


def small_group_rule(people: int) -> int | None:
    """Return a count of people fit to publish, None for a group below 5.

    Every published count of people and every share goes through here.
    """
    return people if people >= SMALL_GROUP else None


def share(part: int, whole: int) -> int | None:
    """Return `part` of `whole` in whole percent, None if the group is too small."""
    if small_group_rule(whole) is None:
        return None
    return round(100 * part / whole)


@dataclass(frozen=True)
class UnitFigure:
    """An organic unit with everything under it; suppressed counts are None."""

    code: str
    name: str
    due: int | None
    on_time: int | None
    on_time_share: int | None


@dataclass(frozen=True)
class ProvinceFigure:
    code: str
    name: str
    trainers: int | None


@dataclass(frozen=True)
class MonthFigure:
    month: date
    citizens: int | None
    businesses: int | None


@dataclass(frozen=True)
class Champion:
    code: str
    name: str
    due: int


@dataclass(frozen=True)
class Figures:
    """Everything the dashboard and the open data publish, as of one day."""

    as_of: date
    quarter_start: date
    quarter_end: date
    units: list[UnitFigure]
    officials_trained: int | None
    provinces: list[ProvinceFigure]
    months: list[MonthFigure]
    champions: list[Champion]


def last_full_quarter(today: date) -> tuple[date, date]:
    """Return the first and last day of the calendar quarter before today's."""
    this_quarter = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    return add_months(this_quarter, -3), this_quarter - timedelta(days=1)


def _people_by_top_unit(assignments: QuerySet[Assignment]) -> dict[str, tuple]:
    """Return (people due, people late) per top-level unit path, in one query.

    A person counts once per unit even with several induction requirements,
    and is late if any of them was not completed by its due date.
    """
    top = Substr("staff__unit__path", 1, 2 * Organisation.steplen)
    rows = (
        assignments.annotate(top=top)
        .order_by()
        .values("top")
        .annotate(
            due=Count("staff", distinct=True),
            late=Count("staff", distinct=True, filter=~ON_TIME),
        )
    )
    return {row["top"]: (row["due"], row["late"]) for row in rows}


def _units(*, today: date) -> list[UnitFigure]:
    """Induction on time per organic unit: people due by today, or done early.

    Staff who left are not counted.
    """
    counts = _people_by_top_unit(
        Assignment.objects.filter(
            INDUCTION,
            active_staff_q(today=today, prefix="staff__"),
            Q(due_on__lte=today) | Q(completed_on__isnull=False),
        )
    )
    figures = []
    for unit in Organisation.objects.filter(depth=2).order_by("name"):
        due, late = counts.get(unit.path, (0, 0))
        figures.append(
            UnitFigure(
                code=unit.code,
                name=unit.name,
                due=small_group_rule(due),
                on_time=small_group_rule(due - late),
                on_time_share=share(due - late, due),
            )
        )
    return figures


def _champions(*, start: date, end: date) -> list[Champion]:
    """Units whose every person due in the quarter completed on time, 5 at least."""
    counts = _people_by_top_unit(
        Assignment.objects.filter(INDUCTION, due_on__range=(start, end))
    )
    paths = [
        path
        for path, (due, late) in counts.items()
        if not late and small_group_rule(due) is not None
    ]
    return [
        Champion(code=unit.code, name=unit.name, due=counts[unit.path][0])
        for unit in Organisation.objects.filter(path__in=paths).order_by("name")
    ]


def _officials_trained(*, today: date) -> int:
    """Senior officials in post who completed a senior officials' course."""
    requirement_met = Assignment.objects.filter(
        staff=OuterRef("pk"),
        requirement__senior_officials_only=True,
        completed_on__isnull=False,
    )
    course_completed = Completion.objects.filter(
        enrolment__user=OuterRef("person__user"),
        enrolment__course__audience=Audience.SENIOR_OFFICIALS,
        revoked_at__isnull=True,
    )
    return (
        StaffMember.objects.active(today=today)
        .filter(is_senior_official=True)
        .filter(Exists(requirement_met) | Exists(course_completed))
        .count()
    )


def _provinces(*, today: date) -> list[ProvinceFigure]:
    counts = dict(
        TrainerCertification.objects.valid_on(today)
        .order_by()
        .values("province")
        .annotate(people=Count("person", distinct=True))
        .values_list("province", "people")
    )
    return [
        ProvinceFigure(
            code=province.value,
            name=province.label,
            trainers=small_group_rule(counts.get(province.value, 0)),
        )
        for province in Province
    ]


def _months(*, today: date) -> list[MonthFigure]:
    """Certificates of citizens and businesses per month, this month included.

    Each certificate comes from one completion; a revoked one is not counted.
    """
    first = add_months(today.replace(day=1), 1 - MONTHS)
    rows = (
        Completion.objects.filter(
            enrolment__course__audience__in=PUBLIC_AUDIENCES,
            revoked_at__isnull=True,
            completed_at__gte=start_of(first),
            completed_at__lt=start_of(today + timedelta(days=1)),
        )
        .annotate(month=TruncMonth("completed_at", output_field=DateField()))
        .order_by()
        .values("month", "enrolment__course__audience")
        .annotate(certificates=Count("pk"))
    )
    counts = {
        (row["month"], row["enrolment__course__audience"]): row["certificates"]
        for row in rows
    }
    months = [add_months(first, n) for n in range(MONTHS)]
    return [
        MonthFigure(
            month=month,
            citizens=small_group_rule(counts.get((month, Audience.CITIZENS), 0)),
            businesses=small_group_rule(counts.get((month, Audience.BUSINESSES), 0)),
        )
        for month in months
    ]


def compute_figures(*, today: date) -> Figures:
    start, end = last_full_quarter(today)
    return Figures(
        as_of=today,
        quarter_start=start,
        quarter_end=end,
        units=_units(today=today),
        officials_trained=small_group_rule(_officials_trained(today=today)),
        provinces=_provinces(today=today),
        months=_months(today=today),
        champions=_champions(start=start, end=end),
    )


def figures(*, today: date) -> Figures:
    """Return the day's figures, computed on the first request of the day."""
    return cache.get_or_set(
        f"transparency:figures:{today.isoformat()}",
        lambda: compute_figures(today=today),
        CACHE_SECONDS,
    )


# Open data: each table of the dashboard as a data set, described column by
# column for the data dictionary.


class Kind:
    TEXT = "text"
    DATE = "date"
    MONTH = "month"
    PEOPLE = "people"
    PERCENT = "percent"


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    description: str


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: str
    description: str
    columns: tuple[Column, ...]
    rows: Callable[[Figures], list[tuple]]


def open_value(column: Column, value: object, *, for_json: bool) -> object:
    """Return a value as an open-data file writes it, suppressed ones marked.

    A suppressed count is "<5"; a suppressed share is empty in JSON (null)
    and "<5" in CSV, whose cells are all text anyway.
    """
    if value is None:
        if for_json and column.kind == Kind.PERCENT:
            return None
        return FEWER_THAN_FIVE
    if isinstance(value, date):
        return value.strftime("%Y-%m") if column.kind == Kind.MONTH else str(value)
    return value


UNIT_CODE = Column("unit_code", Kind.TEXT, _("Code of the organic unit in HR files."))
UNIT_NAME = Column("unit_name", Kind.TEXT, _("Name of the organic unit."))
DATASETS = {
    dataset.slug: dataset
    for dataset in (
        Dataset(
            "units",
            _("Induction completed on time, by organic unit"),
            _(
                "Each top-level unit of the regional government, counted with the"
                " units under it: staff in post whose induction deadline has come"
                " (or who already completed it), and those who completed it by"
                " the deadline."
            ),
            (
                UNIT_CODE,
                UNIT_NAME,
                Column("staff_due", Kind.PEOPLE, _("Staff whose induction was due.")),
                Column(
                    "completed_on_time",
                    Kind.PEOPLE,
                    _("Of them, staff who completed every induction by its due date."),
                ),
                Column(
                    "on_time_percent",
                    Kind.PERCENT,
                    _("Completed on time as a share of staff due, in whole percent."),
                ),
            ),
            lambda figures: [
                (u.code, u.name, u.due, u.on_time, u.on_time_share)
                for u in figures.units
            ],
        ),
        Dataset(
            "trainers_by_province",
            _("Certified trainers by province"),
            _("Trainers whose certification is valid on the date of the figures."),
            (
                Column("province_code", Kind.TEXT, _("UBIGEO code of the province.")),
                Column("province", Kind.TEXT, _("Name of the province.")),
                Column("certified_trainers", Kind.PEOPLE, _("Certified trainers.")),
            ),
            lambda figures: [(p.code, p.name, p.trainers) for p in figures.provinces],
        ),
        Dataset(
            "certificates_by_month",
            _("Citizen and business certificates by month"),
            _(
                "Certificates earned in each of the last 12 months, the current"
                " month to date; revoked certificates are not counted."
            ),
            (
                Column("month", Kind.MONTH, _("Month, as YYYY-MM.")),
                Column(
                    "citizen_certificates",
                    Kind.PEOPLE,
                    _("Certificates of the courses for citizens."),
                ),
                Column(
                    "business_certificates",
                    Kind.PEOPLE,
                    _("Certificates of the courses for businesses."),
                ),
            ),
            lambda figures: [
                (m.month, m.citizens, m.businesses) for m in figures.months
            ],
        ),
        Dataset(
            "champions",
            _("Integrity champions"),
            _(
                "Organic units where every person whose induction was due in the"
                " last full quarter completed it on time, with 5 people due at"
                " least."
            ),
            (
                UNIT_CODE,
                UNIT_NAME,
                Column(
                    "staff_due",
                    Kind.PEOPLE,
                    _("Staff whose induction was due in the quarter."),
                ),
            ),
            lambda figures: [(c.code, c.name, c.due) for c in figures.champions],
        ),
        Dataset(
            "summary",
            _("Summary"),
            _("The date of the figures and the number of senior officials trained."),
            (
                Column("figures_as_of", Kind.DATE, _("Date of the figures.")),
                Column(
                    "champions_quarter_start",
                    Kind.DATE,
                    _("First day of the quarter of the champions."),
                ),
                Column(
                    "champions_quarter_end",
                    Kind.DATE,
                    _("Last day of the quarter of the champions."),
                ),
                Column(
                    "senior_officials_trained",
                    Kind.PEOPLE,
                    _(
                        "Senior officials in post who completed a course or"
                        " requirement for senior officials."
                    ),
                ),
            ),
            lambda figures: [
                (
                    figures.as_of,
                    figures.quarter_start,
                    figures.quarter_end,
                    figures.officials_trained,
                )
            ],
        ),
    )
}
SMALL_GROUP_RULE_TEXT = _(
    "Aggregates only. A count of people below 5, and the share of a group"
    ' below 5 people, is never published as a number: it reads "fewer than'
    ' 5" on the pages and "<5" in the files (a share is null in JSON).'
)
REFRESH_TEXT = _("The figures are computed once a day and cached until the next day.")
KIND_UNITS = {
    Kind.TEXT: _("text"),
    Kind.DATE: _("date (YYYY-MM-DD)"),
    Kind.MONTH: _("month (YYYY-MM)"),
    Kind.PEOPLE: _('number of people or certificates; "<5" below 5'),
    Kind.PERCENT: _(
        'whole percent; "<5" in CSV and null in JSON when the group is below 5'
    ),
}
