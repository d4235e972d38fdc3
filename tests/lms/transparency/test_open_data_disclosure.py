"""An attacker's audit of the open data: no withheld count can be worked out.

The attacker downloads every published file, on as many days as they like,
and knows how the figures are tied: a unit's staff due are those on time
plus those late, a share is on time over due (rounded), and an integrity
champion (5 due at least) had nobody late. For each count of a varied set of
units, true values known, the attack finds every table of whole non-negative
counts that agrees with the files (an exhaustive search, bounded well above
every published figure) and checks that a count from 1 to 4 could as well be
5 or more, and that no withheld count has a single possible value. Files of
two days are compared too: a difference is a count of its own.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import timedelta
from itertools import product

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from courses.models import Audience
from lms.transparency import figures as transparency_figures
from lms.transparency.figures import DATASETS
from tests.factories import CoursePageFactory, TrainingRequirementFactory, organisation
from tests.lms.transparency.test_transparency import Builder, Dataset

# Every published figure of the fixture is far below this: a table with
# bigger counts would not change what the audit finds.
BOUND = 40


@dataclass(frozen=True)
class Unit:
    """A unit's people due in the last full quarter, and due before it."""

    code: str
    on_time: int = 0
    late: int = 0
    earlier_on_time: int = 0
    earlier_late: int = 0

    def truth(self) -> dict[str, int]:
        return {
            "due": self.on_time + self.late,
            "on_time": self.on_time,
            "late": self.late,
        }


UNITS = (
    # 5 due, 60 % on time: the share tells the 3.
    Unit("DREM", on_time=3, late=2),
    # 6 due, 5 on time: the difference tells the 1 late.
    Unit("GRDS", on_time=5, late=1),
    # 12 due, 17 %: the share tells the 2 on time.
    Unit("GRI", on_time=2, late=10),
    # A champion; its 2 due before the quarter are in no file.
    Unit("PPR", on_time=5, earlier_on_time=2),
    # A champion of 6; the 1 late was due before.
    Unit("OCI", on_time=6, earlier_on_time=1, earlier_late=1),
    Unit("SGA", on_time=3),
    Unit("DRS", on_time=10),
    # Only people due before the quarter.
    Unit("ORA", earlier_on_time=4, earlier_late=1),
)


@pytest.fixture
def build(catalogue):
    build = Builder(Dataset(today=timezone.localdate(), units={}))
    build.root = organisation("GRC", "Gobierno Regional de Cajamarca")
    build.induction = TrainingRequirementFactory(
        course=CoursePageFactory(parent=catalogue, audience=Audience.PUBLIC_SERVANTS)
    )
    return build


@pytest.fixture
def units(build):
    """Build the units' staff; nothing else."""
    start, _end = transparency_figures.last_full_quarter(build.data.today)
    for unit in UNITS:
        office = organisation(unit.code, f"Oficina {unit.code}", build.root)
        build.data.units[unit.code] = office
        for due_on, on_time, late in (
            (start + timedelta(days=10), unit.on_time, unit.late),
            (start - timedelta(days=30), unit.earlier_on_time, unit.earlier_late),
        ):
            for n in range(on_time + late):
                late_by = 3 if n >= on_time else None
                build.inducted(office, build.induction, due_on=due_on, late_by=late_by)
    return {unit.code: unit for unit in UNITS}


def published(client, slug: str) -> list[dict]:
    return client.get(reverse("transparency:dataset_json", args=[slug])).json()["rows"]


def known(value) -> int | None:
    """Return a published count, None for a withheld one, whatever its marker."""
    return value if isinstance(value, int) else None


@dataclass(frozen=True)
class Published:
    due: int | None
    on_time: int | None
    share: int | None
    champion: bool
    champion_due: int | None

    def agrees(self, table: dict[str, int]) -> bool:
        due, on_time = table["due"], table["on_time"]
        if self.due is not None and due != self.due:
            return False
        if self.on_time is not None and on_time != self.on_time:
            return False
        if self.champion and (table["late"] or due < 5):
            return False
        if self.champion_due not in (None, due):
            return False
        # A share rounded to a whole percent: within half a percent.
        return self.share is None or (
            due > 0 and abs(200 * on_time - 2 * self.share * due) <= due
        )


def tables():
    """Yield every table of whole counts up to BOUND."""
    for on_time, late in product(range(BOUND + 1), repeat=2):
        yield Unit("?", on_time, late).truth()


def possible_values(client) -> dict[str, dict[str, set[int]]]:
    """Return, per unit and count, every value that agrees with the files."""
    champions = {row["unit_code"]: row for row in published(client, "champions")}
    found = {}
    for row in published(client, "units"):
        champion = champions.get(row["unit_code"])
        figures = Published(
            due=known(row["staff_due"]),
            on_time=known(row["completed_on_time"]),
            share=row["on_time_percent"],
            champion=champion is not None,
            champion_due=known(champion["staff_due"]) if champion else None,
        )
        values: dict[str, set[int]] = {}
        for table in filter(figures.agrees, tables()):
            for name, value in table.items():
                values.setdefault(name, set()).add(value)
        found[row["unit_code"]] = values
    return found


def test_no_count_below_five_can_be_worked_out_from_the_files(client, units):
    found = possible_values(client)

    recovered = [
        f"{code} {name} = {value}: the files allow only {sorted(found[code][name])}"
        for code, unit in units.items()
        for name, value in unit.truth().items()
        if name in found[code] and 0 < value < 5 and max(found[code][name]) < 5
    ]
    assert not recovered


def test_no_withheld_count_has_a_single_possible_value(client, units):
    found = possible_values(client)
    rows = {row["unit_code"]: row for row in published(client, "units")}
    champions = {row["unit_code"]: row for row in published(client, "champions")}

    withheld = [
        (code, name)
        for code, row in rows.items()
        for name, column in (("due", "staff_due"), ("on_time", "completed_on_time"))
        if known(row[column]) is None
    ] + [
        (code, "due")
        for code, row in champions.items()
        if known(row["staff_due"]) is None
    ]
    assert withheld
    assert [(code, name) for code, name in withheld if len(found[code][name]) < 2] == []


def test_the_truth_agrees_with_the_files(client, units):
    found = possible_values(client)

    for code, unit in units.items():
        for name, value in unit.truth().items():
            if name in found[code]:
                assert value in found[code][name], (code, name)


def test_the_dashboard_and_every_file_publish_the_same_figures(client, units):
    figures = client.get(reverse("transparency:dashboard")).context["figures"]

    for slug, dataset in DATASETS.items():
        json_rows = published(client, slug)
        response = client.get(reverse("transparency:dataset_csv", args=[slug]))
        csv_rows = list(csv.DictReader(io.StringIO(response.content.decode()[1:])))
        expected = {
            for_json: [
                {
                    column.name: transparency_figures.open_value(
                        column, value, for_json=for_json
                    )
                    for column, value in zip(dataset.columns, row, strict=True)
                }
                for row in dataset.rows(figures)
            ]
            for for_json in (True, False)
        }
        assert json_rows == expected[True]
        assert csv_rows == [
            {name: str(value) for name, value in row.items()} for row in expected[False]
        ]


def test_two_days_files_differ_by_no_one(client, time_machine, build, units):
    """A person newly due, or a record corrected, shows in no difference.

    Before, a unit's staff due rising by one overnight while those on time
    stayed put told that the newcomer was late.
    """
    time_machine.move_to(build.data.today, tick=False)
    first = {slug: published(client, slug) for slug in ("units", "champions")}
    start, end = transparency_figures.last_full_quarter(build.data.today)
    build.n = 1000
    # Overnight: one newly due and late, one due in the quarter entered late
    # and late, one of the quarter's on-time people gone since its start.
    for due_on in (build.data.today, end):
        build.inducted(
            build.data.units["DRS"], build.induction, due_on=due_on, late_by=1
        )
    left = build.data.units["DRS"].staff.order_by("pk").first()
    left.left_on = start
    left.save()

    time_machine.move_to(build.data.today + timedelta(days=1), tick=False)
    cache.clear()

    assert {slug: published(client, slug) for slug in first} == first
