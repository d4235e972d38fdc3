"""The public transparency dashboard: exact figures, the small-group rule, no names."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.dates import add_months
from courses.models import Audience
from lms.models import Assignment, Person, Province, QuarterRelease, StaffMember
from lms.transparency import figures as transparency_figures
from tests.factories import (
    CoursePageFactory,
    PersonFactory,
    StaffMemberFactory,
    TrainingRequirementFactory,
    UserFactory,
    certified_trainer,
    completion,
    next_cycle,
    organisation,
)


@dataclass
class Dataset:
    """What was built, and the personal data that must never be published."""

    today: date
    units: dict
    names: set[str] = field(default_factory=set)
    documents: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)

    def remember(self, person: Person, email: str = "") -> None:
        self.names |= {person.first_names, person.last_names}
        self.documents.add(person.document_number)
        if email:
            self.emails.add(email)

    def personal_data(self) -> set[str]:
        return {text for text in self.names | self.documents | self.emails if text}


class Builder:
    """Adds people with numbered, unmistakable names to a dataset."""

    def __init__(self, data: Dataset) -> None:
        self.data = data
        self.n = 0

    def user(self):
        self.n += 1
        user = UserFactory(
            first_name=f"Nombreprueba{self.n}",
            last_name=f"Apellidoprueba{self.n}",
            email=f"correo.prueba{self.n}@example.pe",
        )
        person = Person.objects.for_user(user)
        person.document_number = f"{71000000 + self.n:08d}"
        person.save()
        self.data.remember(person, user.email)
        return user

    def staff(self, unit, person: Person | None = None, **fields) -> StaffMember:
        self.n += 1
        person = person or PersonFactory(
            first_names=f"Servidorprueba{self.n}",
            last_names=f"Apellidoservidor{self.n}",
            document_number=f"{72000000 + self.n:08d}",
        )
        member = StaffMemberFactory(
            person=person,
            unit=unit,
            email=f"servidor.prueba{self.n}@regioncajamarca.gob.pe",
            **fields,
        )
        self.data.remember(person, member.email)
        return member

    def inducted(
        self,
        unit,
        requirement,
        *,
        due_on: date,
        late_by: int | None = None,
        done: bool = True,
        **fields,
    ) -> Assignment:
        """A staff member with the induction due on `due_on`.

        Completed 5 days early, or `late_by` days late; not at all if not done.
        """
        member = self.staff(unit, **fields)
        completed_on = None
        if done:
            completed_on = due_on + timedelta(days=late_by if late_by else -5)
        return Assignment.objects.create(
            staff=member,
            requirement=requirement,
            due_on=due_on,
            completed_on=completed_on,
        )


def at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


def build_dataset(*, catalogue, integrity_officer, scale: int = 1) -> Dataset:
    """The hand-built dataset of the tests; `scale` multiplies every group.

    Unit A (with A1 under it): 6 people due, 5 on time. Unit B: 3 due, all
    on time. Unit C: 5 due, all on time, the only champion. 5 senior
    officials trained; trainers: 5 in Jaén, 2 in Chota; citizen
    certificates: 6 this month (and a revoked one), 5 two months ago, 7
    outside the 12 months; business certificates: 2 this month.
    """
    today = timezone.localdate()
    start, _end = transparency_figures.last_full_quarter(today)
    due = start + timedelta(days=10)
    root = organisation("GRC", "Gobierno Regional de Cajamarca")
    units = {
        "a": organisation("GRDS", "Gerencia Regional de Desarrollo Social", root),
        "b": organisation("GRDE", "Gerencia Regional de Desarrollo Económico", root),
        "c": organisation("PPR", "Procuraduría Pública Regional", root),
    }
    units["a1"] = organisation("SGPE", "Sub Gerencia de Promoción", units["a"])
    for n in range(2, scale + 1):
        organisation(f"X{n}", f"Oficina adicional {n}", root)
    data = Dataset(today=today, units=units)
    build = Builder(data)
    induction_course = CoursePageFactory(
        parent=catalogue, audience=Audience.PUBLIC_SERVANTS
    )
    induction = TrainingRequirementFactory(course=induction_course)
    for _ in range(scale):
        for _ in range(2):
            build.inducted(units["a"], induction, due_on=due)
            build.inducted(units["a1"], induction, due_on=due)
        build.inducted(units["a"], induction, due_on=due)
        build.inducted(units["a"], induction, due_on=due, late_by=3)
        # Not counted: due after the quarter; due before it; left before
        # its end (a renewal: see its own test).
        build.inducted(
            units["a"], induction, due_on=today + timedelta(days=9), done=False
        )
        build.inducted(units["a"], induction, due_on=start - timedelta(days=1))
        build.inducted(
            units["a"],
            induction,
            due_on=due,
            late_by=9,
            hired_on=start - timedelta(days=30),
            left_on=due + timedelta(days=1),
        )
        for _ in range(3):
            build.inducted(units["b"], induction, due_on=due)
        for _ in range(5):
            build.inducted(units["c"], induction, due_on=due)

    senior_course = CoursePageFactory(
        parent=catalogue, audience=Audience.SENIOR_OFFICIALS
    )
    senior_requirement = TrainingRequirementFactory(
        course=senior_course, senior_officials_only=True
    )
    for _ in range(scale):
        for _ in range(3):
            build.inducted(
                units["c"], senior_requirement, due_on=today, is_senior_official=True
            )
        for _ in range(2):
            user = build.user()
            build.staff(units["c"], person=user.person, is_senior_official=True)
            completion(user, senior_course, at=at(today - timedelta(days=40)))
        # Not counted: a senior official not trained, a trained non-senior.
        build.inducted(
            units["c"],
            senior_requirement,
            due_on=today,
            done=False,
            is_senior_official=True,
        )
        user = build.user()
        build.staff(units["b"], person=user.person)
        completion(user, senior_course, at=at(today))

    trainer_course = CoursePageFactory(parent=catalogue, audience=Audience.TRAINERS)
    approved = timezone.now() - timedelta(days=30)
    for province, count in ((Province.JAEN, 5), (Province.CHOTA, 2)):
        for _ in range(count * scale):
            certified_trainer(
                build.user(),
                trainer_course,
                approved_by=integrity_officer,
                approved_at=approved,
                province=province,
            )

    citizens = CoursePageFactory(parent=catalogue, audience=Audience.CITIZENS)
    businesses = CoursePageFactory(parent=catalogue, audience=Audience.BUSINESSES)
    this_month = today.replace(day=1)
    for course, day, count in (
        (citizens, this_month, 6),
        (citizens, add_months(this_month, -2), 5),
        (citizens, add_months(this_month, -12), 7),
        (businesses, this_month, 2),
    ):
        for _ in range(count * scale):
            completion(build.user(), course, at=at(day))
    revoked = completion(build.user(), citizens, at=at(this_month))
    revoked.revoked_at = timezone.now()
    revoked.save()
    return data


@pytest.fixture
def dataset(catalogue, integrity_officer):
    return build_dataset(catalogue=catalogue, integrity_officer=integrity_officer)


def by_code(rows):
    return {row.code: row for row in rows}


def test_unit_figures_are_exact_and_small_groups_suppressed(dataset):
    units = by_code(transparency_figures.compute_figures(today=dataset.today).units)

    # 6 due and 5 on time would tell the 1 late: on time is withheld.
    assert units["GRDS"] == transparency_figures.UnitFigure(
        code="GRDS",
        name="Gerencia Regional de Desarrollo Social",
        due=6,
        on_time=None,
        on_time_share=None,
    )
    assert (units["GRDE"].due, units["GRDE"].on_time) == (None, None)
    assert units["GRDE"].on_time_share is None
    assert (units["PPR"].due, units["PPR"].on_time, units["PPR"].on_time_share) == (
        5,
        5,
        100,
    )
    assert set(units) == {"GRDS", "GRDE", "PPR"}  # top-level units only


def test_a_group_of_four_is_fewer_than_five(dataset):
    StaffMember.objects.filter(unit=dataset.units["c"], is_senior_official=False)[
        :1
    ].get().assignments.update(closed_on=dataset.today, closed_reason="left")

    figures = transparency_figures.compute_figures(today=dataset.today)

    ppr = by_code(figures.units)["PPR"]
    assert (ppr.due, ppr.on_time, ppr.on_time_share) == (None, None, None)
    assert figures.champions == []


def test_a_late_renewal_is_not_a_late_induction(dataset):
    induction = (
        Assignment.objects.filter(
            staff__unit=dataset.units["c"], requirement__senior_officials_only=False
        )
        .select_related("staff", "requirement")
        .first()
    )
    renewal_due = induction.due_on + timedelta(days=20)
    next_cycle(
        induction, due_on=renewal_due, completed_on=renewal_due + timedelta(days=3)
    )

    figures = transparency_figures.compute_figures(today=dataset.today)

    assert by_code(figures.units)["PPR"].on_time == 5
    assert [champion.code for champion in figures.champions] == ["PPR"]


def test_a_leaver_late_in_the_quarter_does_not_unseat_a_champion(dataset):
    """Champions count staff in post, as the unit figures do."""
    induction = Assignment.objects.filter(
        staff__unit=dataset.units["c"], requirement__senior_officials_only=False
    ).first()
    build = Builder(dataset)
    build.n = 1000
    build.inducted(
        dataset.units["c"],
        induction.requirement,
        due_on=induction.due_on,
        late_by=3,
        hired_on=induction.due_on - timedelta(days=30),
        left_on=induction.due_on + timedelta(days=1),
    )

    figures = transparency_figures.compute_figures(today=dataset.today)

    assert figures.champions == [
        transparency_figures.Champion(
            code="PPR", name="Procuraduría Pública Regional", due=5
        )
    ]


def test_officials_trainers_and_certificates(dataset):
    figures = transparency_figures.compute_figures(today=dataset.today)

    assert figures.officials_trained == 5
    provinces = by_code(figures.provinces)
    assert len(provinces) == 13
    assert provinces[Province.JAEN].trainers == 5
    assert provinces[Province.CHOTA].trainers is None
    assert provinces[Province.CAJAMARCA].trainers is None
    months = {figure.month: figure for figure in figures.months}
    this_month = dataset.today.replace(day=1)
    assert list(months) == [add_months(this_month, n) for n in range(-11, 1)]
    assert (months[this_month].citizens, months[this_month].businesses) == (6, None)
    assert months[add_months(this_month, -2)].citizens == 5
    assert months[add_months(this_month, -1)].citizens is None


def test_champions_are_units_all_on_time_with_five_due(dataset):
    figures = transparency_figures.compute_figures(today=dataset.today)

    assert figures.champions == [
        transparency_figures.Champion(
            code="PPR", name="Procuraduría Pública Regional", due=5
        )
    ]


@pytest.mark.parametrize(
    ("today", "quarter"),
    [
        (date(2026, 11, 22), (date(2026, 7, 1), date(2026, 9, 30))),
        (date(2026, 1, 1), (date(2025, 10, 1), date(2025, 12, 31))),
        (date(2026, 6, 30), (date(2026, 1, 1), date(2026, 3, 31))),
    ],
)
def test_last_full_quarter(today, quarter):
    assert transparency_figures.last_full_quarter(today) == quarter


@pytest.mark.parametrize(("part", "whole"), [(None, 5), (5, None), (None, None)])
def test_no_share_of_a_withheld_count_or_group(part, whole):
    assert transparency_figures.share(part, whole) is None


def test_share_of_published_counts():
    assert transparency_figures.share(5, 6) == 83


def test_dashboard_is_public_and_shows_the_figures(client, english, dataset):
    response = client.get(reverse("transparency:dashboard"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Gerencia Regional de Desarrollo Social" in page
    assert "100 %" in page
    assert "Procuraduría Pública Regional" in page
    assert "withheld" in page
    assert reverse("transparency:dictionary") in page
    # Charts are server-drawn SVG: nothing is fetched from elsewhere.
    assert 'href="http' not in page and 'src="http' not in page


def test_dashboard_rows_of_small_groups_show_no_number(client, english, dataset):
    figures = client.get(reverse("transparency:dashboard")).context["figures"]
    grde = by_code(figures.units)["GRDE"]
    page = client.get(reverse("transparency:dashboard")).content.decode()
    row = page.split("Gerencia Regional de Desarrollo Económico</th>")[1]
    row = row.split("</tr>")[0]

    assert grde.due is None
    assert row.count("withheld") == 3
    assert not any(str(n) in row for n in range(5))


def test_dashboard_has_no_personal_data(client, dataset):
    page = client.get(reverse("transparency:dashboard")).content.decode()

    assert dataset.personal_data()
    for text in dataset.personal_data():
        assert text not in page


def counted_tables(sql_queries) -> bool:
    tables = ("lms_assignment", "lms_completion", "lms_trainercertification")
    return any(table in query["sql"] for query in sql_queries for table in tables)


def test_second_request_uses_the_cache(client, dataset):
    client.get(reverse("transparency:dashboard"))

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("transparency:dashboard"))

    assert response.status_code == 200
    assert not counted_tables(queries.captured_queries)


def test_figures_are_cached_by_day(dataset):
    first = transparency_figures.figures(today=dataset.today)
    StaffMember.objects.update(is_senior_official=False)

    assert transparency_figures.figures(today=dataset.today) == first
    tomorrow = transparency_figures.figures(today=dataset.today + timedelta(days=1))
    assert tomorrow.officials_trained is None


def test_a_closed_quarter_is_published_once(dataset):
    """A record corrected afterwards changes nothing: the difference would tell."""
    first = transparency_figures.figures(today=dataset.today)
    # HR records, late, someone due on the quarter's last day who was late.
    build = Builder(dataset)
    build.n = 1000
    build.inducted(
        dataset.units["a"],
        Assignment.objects.first().requirement,
        due_on=first.quarter_end,
        late_by=2,
    )

    tomorrow = transparency_figures.figures(today=dataset.today + timedelta(days=1))

    assert (tomorrow.units, tomorrow.champions) == (first.units, first.champions)
    assert by_code(tomorrow.units)["GRDS"].due == 6
    fresh = transparency_figures.compute_figures(today=dataset.today)
    assert by_code(fresh.units)["GRDS"].due == 7


def test_the_next_quarter_is_its_own_release(dataset):
    first = transparency_figures.figures(today=dataset.today)
    next_quarter = add_months(first.quarter_end + timedelta(days=1), 3)

    later = transparency_figures.figures(today=next_quarter)

    assert later.quarter_start == first.quarter_end + timedelta(days=1)
    # Nobody of the dataset was due then: every unit is withheld.
    assert {unit.due for unit in later.units} == {None}
    assert QuarterRelease.objects.count() == 2


def test_two_first_requests_publish_one_release(dataset):
    start, end = transparency_figures.last_full_quarter(dataset.today)
    first = transparency_figures.published_quarter(start=start, end=end)
    QuarterRelease.objects.filter(quarter_start=start).update(champions=[])

    # The second request counted before the first stored its release.
    with mock.patch.object(
        QuarterRelease.objects, "filter", return_value=QuarterRelease.objects.none()
    ):
        second = transparency_figures.published_quarter(start=start, end=end)

    assert first.champions and second.champions == []
    assert QuarterRelease.objects.count() == 1


# The day's counts, and the quarter's release: read, or stored (in a savepoint).
DASHBOARD_QUERIES = 10


@pytest.mark.parametrize("scale", [1, 3])
def test_dashboard_query_count_is_fixed(
    client, catalogue, integrity_officer, django_assert_max_num_queries, scale
):
    build_dataset(catalogue=catalogue, integrity_officer=integrity_officer, scale=scale)
    cache.clear()

    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        response = client.get(reverse("transparency:dashboard"))

    assert response.status_code == 200


def test_charts_do_not_draw_suppressed_counts(client, english, dataset):
    page = client.get(reverse("transparency:dashboard")).content.decode()
    chota = page.split('<span class="bar-label">Chota</span>')[1].split("</li>")[0]
    jaen = page.split('<span class="bar-label">Jaén</span>')[1].split("</li>")[0]

    assert '<rect width="0" height="10" class="bar-fill"/>' in chota
    assert "withheld" in chota
    assert '<rect width="100" height="10" class="bar-fill"/>' in jaen
