"""Public transparency figures: induction on time, officials, trainers, certificates.

Everything published here is an aggregate counted in SQL, with a fixed number
of queries whatever the size of the staff. A count of people below 5 could
point at someone, so every count of the day, with the sums that tie them, goes
through `lms.suppression` once, before any figure leaves this module: it
withholds the small counts and whatever would give one away (a share, a
total, a difference). The figures of a day are computed once and cached.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.cache import cache
from django.db.models import Count, DateField, Exists, F, OuterRef, Q
from django.db.models.functions import Substr, TruncMonth
from django.utils.translation import gettext_lazy as _

from courses.dates import add_months, start_of
from courses.models import Audience
from lms import suppression
from lms.models import (
    Assignment,
    Completion,
    Organisation,
    Province,
    StaffMember,
    TrainerCertification,
)
from lms.models.staff import active_staff_q
from lms.suppression import SMALL_GROUP

# How a withheld count is written in the open-data files.
WITHHELD = "x"
MONTHS = 12
CACHE_SECONDS = 24 * 60 * 60
UNPUBLISHED = suppression.Publication.UNPUBLISHED
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


def share(part: int | None, whole: int | None) -> int | None:
    """Return `part` of `whole` in whole percent, None if either is withheld.

    A share beside a withheld count, or of a withheld group, would give it away.
    """
    if part is None or whole is None:
        return None
    return round(100 * part / whole)


@dataclass(frozen=True)
class UnitFigure:
    """An organic unit with everything under it; withheld counts are None."""

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
    due: int | None


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


@dataclass(frozen=True)
class UnitCounts:
    """People of a top-level unit whose induction was due; of them, the late.

    The quarter's people are a part of the unit's: those due in the last
    full quarter, late if one of the quarter's inductions was late.
    """

    due: int = 0
    late: int = 0
    quarter_due: int = 0
    quarter_late: int = 0

    def is_champion(self) -> bool:
        return self.quarter_due >= SMALL_GROUP and not self.quarter_late


def _unit_counts(*, today: date, quarter: tuple[date, date]) -> dict[str, UnitCounts]:
    """Return the people of each top-level unit path, in one query.

    Induction due by today, or done early; staff who left are not counted. A
    person counts once per unit even with several induction requirements, and
    is late if any of them was not completed by its due date.
    """
    in_quarter = Q(due_on__range=quarter)
    rows = (
        Assignment.objects.filter(
            INDUCTION,
            active_staff_q(today=today, prefix="staff__"),
            Q(due_on__lte=today) | Q(completed_on__isnull=False),
        )
        .annotate(top=Substr("staff__unit__path", 1, 2 * Organisation.steplen))
        .order_by()
        .values("top")
        .annotate(
            due=Count("staff", distinct=True),
            late=Count("staff", distinct=True, filter=~ON_TIME),
            quarter_due=Count("staff", distinct=True, filter=in_quarter),
            quarter_late=Count("staff", distinct=True, filter=in_quarter & ~ON_TIME),
        )
    )
    return {row.pop("top"): UnitCounts(**row) for row in rows}


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


def _trainers_by_province(*, today: date) -> dict[str, int]:
    return dict(
        TrainerCertification.objects.valid_on(today)
        .order_by()
        .values("province")
        .annotate(people=Count("person", distinct=True))
        .values_list("province", "people")
    )


def _certificates_by_month(*, today: date) -> dict[tuple[date, str], int]:
    """Certificates of citizens and businesses per month and audience.

    The last `MONTHS` months, this month included. Each certificate comes
    from one completion; a revoked one is not counted.
    """
    first = _first_month(today)
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
    return {
        (row["month"], row["enrolment__course__audience"]): row["certificates"]
        for row in rows
    }


def _first_month(today: date) -> date:
    return add_months(today.replace(day=1), 1 - MONTHS)


def _unit_table(
    path: str, people: UnitCounts
) -> tuple[dict[tuple, suppression.Count], list[suppression.Sum]]:
    """Return the counts and sums a unit's figures publish, a champion's included.

    The late ones are never printed, but due minus on time tells them. A
    champion's quarter (nobody late, 5 due at least) is a part of the unit's
    people; the rest, never printed, is the unit minus the quarter.
    """
    on_time = people.due - people.late
    counts = {
        (path, "due"): suppression.Count(people.due),
        (path, "on_time"): suppression.Count(on_time),
        (path, "late"): suppression.Count(people.late, UNPUBLISHED),
    }
    sums = [suppression.Sum((path, "due"), ((path, "on_time"), (path, "late")))]
    if not people.is_champion():
        return counts, sums
    counts |= {
        (path, "quarter_due"): suppression.Count(
            people.quarter_due, at_least=SMALL_GROUP
        ),
        (path, "quarter_on_time"): suppression.Count(people.quarter_due, UNPUBLISHED),
        (path, "quarter_late"): suppression.Count(0, suppression.Publication.STATED),
        (path, "rest_due"): suppression.Count(
            people.due - people.quarter_due, UNPUBLISHED
        ),
        # A person on time in the quarter may be late on another induction, so
        # this one can be negative; `suppression` allows for it.
        (path, "rest_on_time"): suppression.Count(
            on_time - people.quarter_due, UNPUBLISHED
        ),
        (path, "rest_late"): suppression.Count(people.late, UNPUBLISHED),
    }
    sums += [
        suppression.Sum(
            (path, "quarter_due"), ((path, "quarter_on_time"), (path, "quarter_late"))
        ),
        suppression.Sum(
            (path, "rest_due"), ((path, "rest_on_time"), (path, "rest_late"))
        ),
        suppression.Sum((path, "due"), ((path, "quarter_due"), (path, "rest_due"))),
        suppression.Sum(
            (path, "on_time"), ((path, "quarter_on_time"), (path, "rest_on_time"))
        ),
        suppression.Sum((path, "late"), ((path, "quarter_late"), (path, "rest_late"))),
    ]
    return counts, sums


def _counts_and_sums(
    *,
    units: dict[str, UnitCounts],
    officials: int,
    trainers: dict[str, int],
    certificates: dict[tuple[date, str], int],
    months: list[date],
) -> tuple[dict[tuple, suppression.Count], list[suppression.Sum]]:
    """Return every count the figures publish, keyed, and the sums that tie them."""
    counts = {
        ("officials",): suppression.Count(officials),
        **{
            (province.value,): suppression.Count(trainers.get(province.value, 0))
            for province in Province
        },
        **{
            (month, audience): suppression.Count(certificates.get((month, audience), 0))
            for month in months
            for audience in PUBLIC_AUDIENCES
        },
    }
    sums = []
    for path, people in units.items():
        unit_counts, unit_sums = _unit_table(path, people)
        counts |= unit_counts
        sums += unit_sums
    return counts, sums


def compute_figures(*, today: date) -> Figures:
    """Count everything, then withhold what could point at someone, in one pass."""
    start, end = last_full_quarter(today)
    units = list(Organisation.objects.filter(depth=2).order_by("name"))
    people = _unit_counts(today=today, quarter=(start, end))
    by_unit = {unit.path: people.get(unit.path, UnitCounts()) for unit in units}
    months = [add_months(_first_month(today), n) for n in range(MONTHS)]
    counts, sums = _counts_and_sums(
        units=by_unit,
        officials=_officials_trained(today=today),
        trainers=_trainers_by_province(today=today),
        certificates=_certificates_by_month(today=today),
        months=months,
    )
    withheld = suppression.withheld(counts, sums)

    def shown(*key) -> int | None:
        return None if key in withheld else counts[key].people

    return Figures(
        as_of=today,
        quarter_start=start,
        quarter_end=end,
        units=[
            UnitFigure(
                code=unit.code,
                name=unit.name,
                due=shown(unit.path, "due"),
                on_time=shown(unit.path, "on_time"),
                on_time_share=share(
                    shown(unit.path, "on_time"), shown(unit.path, "due")
                ),
            )
            for unit in units
        ],
        officials_trained=shown("officials"),
        provinces=[
            ProvinceFigure(
                code=province.value,
                name=province.label,
                trainers=shown(province.value),
            )
            for province in Province
        ],
        months=[
            MonthFigure(
                month=month,
                citizens=shown(month, Audience.CITIZENS),
                businesses=shown(month, Audience.BUSINESSES),
            )
            for month in months
        ],
        champions=[
            Champion(
                code=unit.code, name=unit.name, due=shown(unit.path, "quarter_due")
            )
            for unit in units
            if by_unit[unit.path].is_champion()
        ],
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
    """Return a value as an open-data file writes it, withheld ones marked.

    A withheld count is "x"; a withheld share is empty in JSON (null) and
    "x" in CSV, whose cells are all text anyway.
    """
    if value is None:
        if for_json and column.kind == Kind.PERCENT:
            return None
        return WITHHELD
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
                "Organic units where every person in post whose induction was due"
                " in the last full quarter completed it on time, with 5 people due"
                " at least."
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
    "Aggregates only. A count of people below 5 is never published, nor any"
    " figure that would let someone work one out (a share, a total, a"
    ' difference): such a figure reads "withheld" on the pages and "x" in the'
    " files (a share is null in JSON). A withheld figure may be 5 or more."
)
REFRESH_TEXT = _("The figures are computed once a day and cached until the next day.")
KIND_UNITS = {
    Kind.TEXT: _("text"),
    Kind.DATE: _("date (YYYY-MM-DD)"),
    Kind.MONTH: _("month (YYYY-MM)"),
    Kind.PEOPLE: _('number of people or certificates; "x" when withheld'),
    Kind.PERCENT: _('whole percent; "x" in CSV and null in JSON when withheld'),
}
