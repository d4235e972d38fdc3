"""Public transparency figures: induction on time, officials, trainers, certificates.

Everything published here is an aggregate counted in SQL, with a fixed number
of queries whatever the size of the staff. A count of people below 5 could
point at someone, so every count, with the sums that tie them, goes through
`lms.transparency.suppression` before any figure leaves this module: it withholds the
small counts and whatever would give one away (a share, a total, a
difference).

The induction figures say who was late, so no two releases may differ by a
few people: they count the people due in the last closed quarter, a group no
other quarter's figures contain, and are published once when the quarter
closes (`QuarterRelease`), never recomputed. The other figures count public
acts (a certificate, a trainer's certification), are computed once a day
and cached.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import astuple, dataclass
from datetime import date, timedelta

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count, DateField, Exists, F, OuterRef, Q
from django.db.models.functions import Substr, TruncMonth
from django.utils.translation import gettext_lazy as _

from courses.dates import add_months, start_of
from courses.models import Audience
from lms.learning.models import Completion
from lms.staff.models import Assignment, Organisation, StaffMember, active_staff_q
from lms.trainers.models import Province, TrainerCertification
from lms.transparency import suppression
from lms.transparency.models import QuarterRelease
from lms.transparency.suppression import SMALL_GROUP

# How a withheld count is written in the open-data files.
WITHHELD = "x"
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
class QuarterFigures:
    """The induction figures of a closed quarter: its units and champions."""

    start: date
    end: date
    units: list[UnitFigure]
    champions: list[Champion]


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
    """People of a top-level unit whose induction was due in the quarter.

    Late if one of their inductions of the quarter was not completed by its
    due date.
    """

    due: int = 0
    late: int = 0

    def is_champion(self) -> bool:
        return self.due >= SMALL_GROUP and not self.late


def _unit_counts(*, start: date, end: date) -> dict[str, UnitCounts]:
    """Return the people of each top-level unit path, in one query.

    Staff in post on the quarter's last day, with an induction due in it. A
    person counts once per unit even with several induction requirements.
    """
    rows = (
        Assignment.objects.filter(
            INDUCTION,
            active_staff_q(today=end, prefix="staff__"),
            due_on__range=(start, end),
        )
        .annotate(top=Substr("staff__unit__path", 1, 2 * Organisation.steplen))
        .order_by()
        .values("top")
        .annotate(
            due=Count("staff", distinct=True),
            late=Count("staff", distinct=True, filter=~ON_TIME),
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
) -> tuple[dict[tuple, suppression.Count], suppression.Sum]:
    """Return the counts a unit's figures publish and the sum that ties them.

    The late ones are never printed, but due minus on time tells them; a
    champion's list entry states that nobody was late.
    """
    late = suppression.Publication.UNPUBLISHED
    if people.is_champion():
        late = suppression.Publication.STATED
    counts = {
        (path, "due"): suppression.Count(people.due),
        (path, "on_time"): suppression.Count(people.due - people.late),
        (path, "late"): suppression.Count(people.late, late),
    }
    return counts, suppression.Sum((path, "due"), ((path, "on_time"), (path, "late")))


def compute_quarter(*, start: date, end: date) -> QuarterFigures:
    """Count the quarter's inductions, then withhold what could point at someone."""
    units = list(Organisation.objects.filter(depth=2).order_by("name"))
    people = _unit_counts(start=start, end=end)
    by_unit = {unit.path: people.get(unit.path, UnitCounts()) for unit in units}
    counts, sums = {}, []
    for path, unit_people in by_unit.items():
        unit_counts, unit_sum = _unit_table(path, unit_people)
        counts |= unit_counts
        sums.append(unit_sum)
    withheld = suppression.withheld(counts, sums)

    def shown(path: str, name: str) -> int | None:
        return None if (path, name) in withheld else counts[path, name].people

    return QuarterFigures(
        start=start,
        end=end,
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
        champions=[
            Champion(code=unit.code, name=unit.name, due=shown(unit.path, "due"))
            for unit in units
            if by_unit[unit.path].is_champion()
        ],
    )


def published_quarter(*, start: date, end: date) -> QuarterFigures:
    """Return the quarter's figures as first published, publishing them if new.

    Two first requests at once both count; the first to store its figures
    is the release, and the other serves it.
    """
    release = QuarterRelease.objects.filter(quarter_start=start).first()
    if release is None:
        figures = compute_quarter(start=start, end=end)
        try:
            with transaction.atomic():
                release = QuarterRelease.objects.create(
                    quarter_start=start,
                    quarter_end=end,
                    units=[astuple(unit) for unit in figures.units],
                    champions=[astuple(c) for c in figures.champions],
                )
        except IntegrityError:
            release = QuarterRelease.objects.get(quarter_start=start)
    return QuarterFigures(
        start=release.quarter_start,
        end=release.quarter_end,
        units=[UnitFigure(*row) for row in release.units],
        champions=[Champion(*row) for row in release.champions],
    )


def _daily_figures(*, today: date) -> tuple[int | None, list, list]:
    """Count the day's officials, trainers and certificates, small ones withheld.

    Each is a count of its own: no sum ties them.
    """
    months = [add_months(_first_month(today), n) for n in range(MONTHS)]
    trainers = _trainers_by_province(today=today)
    certificates = _certificates_by_month(today=today)
    counts = {
        ("officials",): suppression.Count(_officials_trained(today=today)),
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
    withheld = suppression.withheld(counts, [])

    def shown(*key) -> int | None:
        return None if key in withheld else counts[key].people

    return (
        shown("officials"),
        [
            ProvinceFigure(
                code=province.value,
                name=province.label,
                trainers=shown(province.value),
            )
            for province in Province
        ],
        [
            MonthFigure(
                month=month,
                citizens=shown(month, Audience.CITIZENS),
                businesses=shown(month, Audience.BUSINESSES),
            )
            for month in months
        ],
    )


def compute_figures(
    *, today: date, quarter: Callable[..., QuarterFigures] = compute_quarter
) -> Figures:
    """Return the day's figures; the last closed quarter's from `quarter`."""
    start, end = last_full_quarter(today)
    closed = quarter(start=start, end=end)
    officials, provinces, months = _daily_figures(today=today)
    return Figures(
        as_of=today,
        quarter_start=closed.start,
        quarter_end=closed.end,
        units=closed.units,
        officials_trained=officials,
        provinces=provinces,
        months=months,
        champions=closed.champions,
    )


def figures(*, today: date) -> Figures:
    """Return the day's figures, computed on the first request of the day.

    The quarter's are those first published.
    """
    return cache.get_or_set(
        f"transparency:figures:{today.isoformat()}",
        lambda: compute_figures(today=today, quarter=published_quarter),
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
                " units under it: staff in post on the last day of the last full"
                " quarter whose induction deadline fell in that quarter, and those"
                " who completed it by the deadline. Published once when the"
                " quarter closes."
            ),
            (
                UNIT_CODE,
                UNIT_NAME,
                Column(
                    "staff_due",
                    Kind.PEOPLE,
                    _("Staff whose induction was due in the quarter."),
                ),
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
                    _("First day of the quarter of the induction figures."),
                ),
                Column(
                    "champions_quarter_end",
                    Kind.DATE,
                    _("Last day of the quarter of the induction figures."),
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
REFRESH_TEXT = _(
    "The induction figures and the champions are those of the last full"
    " quarter, published once when it closes and never recomputed. The other"
    " figures are computed once a day and cached until the next day."
)
KIND_UNITS = {
    Kind.TEXT: _("text"),
    Kind.DATE: _("date (YYYY-MM-DD)"),
    Kind.MONTH: _("month (YYYY-MM)"),
    Kind.PEOPLE: _('number of people or certificates; "x" when withheld'),
    Kind.PERCENT: _('whole percent; "x" in CSV and null in JSON when withheld'),
}
