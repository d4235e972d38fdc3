"""The reach of the trainers' cascade, by province and by trainer.

A hand-built region: two certified trainers, one whose certification has
lapsed and one withdrawn; four cohorts, in Jaén (two), Chota and online, with
participants who completed, who did not, and one whose completion was revoked.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from courses.models import CoursePage
from lms.cohorts.reach import Reach
from lms.learning.progress import enrol
from lms.models import (
    CohortMode,
    Completion,
    JoinedVia,
    Participant,
    Person,
    Province,
    TrainerCertification,
)
from tests.admin_helpers import is_denied, signed_in
from tests.factories import (
    CoursePageFactory,
    UserFactory,
    certified_trainer,
    cohort_with_sessions,
    with_mfa,
)
from tests.lms.reports.test_hr_report_queries import ADMIN_MENU, REQUEST

LIMA = ZoneInfo("America/Lima")
NOW = datetime(2026, 5, 1, 9, tzinfo=LIMA)
VIEWS = ["reach", "reach_trainers"]
# The filter form's choices: the courses cohorts are of.
FILTER_CHOICES = 1
# By province: the trainer courses, the trainers certified today per
# province, then cohorts, participants and completions per province.
BY_PROVINCE = 3
# By trainer: cohorts, participants and completions per trainer, their last
# sessions, then the trainers.
BY_TRAINER = 3
PAGES = {
    "reach": REQUEST + ADMIN_MENU + FILTER_CHOICES + BY_PROVINCE,
    "reach_trainers": REQUEST + ADMIN_MENU + FILTER_CHOICES + BY_TRAINER,
}
EXPORTS = {"reach": REQUEST + BY_PROVINCE, "reach_trainers": REQUEST + BY_TRAINER}


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(NOW, tick=False):
        yield


def join(cohort, *, completed: bool = False, revoked: bool = False) -> Participant:
    """Add a participant, who completed (or had the completion revoked) if asked."""
    user = UserFactory(first_name="Participante")
    enrolment = enrol(user=user, course=cohort.course)
    participant = Participant.objects.create(
        cohort=cohort,
        person=Person.objects.for_user(user),
        enrolment=enrolment,
        joined_via=JoinedVia.LIST,
        joined_at=timezone.now(),
    )
    if completed or revoked:
        participant.completion = Completion.objects.create(
            enrolment=enrolment,
            completed_at=timezone.now() - timedelta(days=1),
            score=80,
            revoked_at=timezone.now() if revoked else None,
        )
        participant.save(update_fields=["completion"])
    return participant


def add_participants(cohort, *, completed: int, not_completed: int) -> None:
    for _number in range(completed):
        join(cohort, completed=True)
    for _number in range(not_completed):
        join(cohort)


@pytest.fixture
def ethics(catalogue) -> CoursePage:
    return CoursePageFactory(parent=catalogue, title="Ética pública", slug="etica")


@pytest.fixture
def lapsed_trainer(trainer_course, integrity_officer) -> TrainerCertification:
    """Luis Arce, of Cajamarca: approved long ago, his qualification has lapsed."""
    return certified_trainer(
        UserFactory(first_name="Luis", last_name="Arce"),
        trainer_course,
        approved_by=integrity_officer,
        approved_at=NOW - timedelta(days=800),
        province=Province.CAJAMARCA,
        institution="Universidad Nacional de Cajamarca",
    )


@pytest.fixture
def withdrawn_trainer(trainer_course, integrity_officer) -> TrainerCertification:
    certification = certified_trainer(
        UserFactory(first_name="Wilma", last_name="Zeta"),
        trainer_course,
        approved_by=integrity_officer,
        approved_at=NOW - timedelta(days=60),
        province=Province.SAN_IGNACIO,
    )
    certification.withdrawn_at = NOW - timedelta(days=5)
    certification.withdrawn_by = integrity_officer
    certification.withdrawal_reason = "Renunció"
    certification.save()
    return certification


@pytest.fixture
def region(trainer, other_trainer, lapsed_trainer, withdrawn_trainer, course, ethics):
    """Carmen Vásquez (Jaén) and Otto Quispe (Chota) teach four cohorts."""
    jaen = cohort_with_sessions(trainer, course, starts_on=date(2026, 3, 2))
    add_participants(jaen, completed=3, not_completed=1)
    # Otto teaches in Jaén too: a cohort counts where it is taught.
    jaen_ethics = cohort_with_sessions(
        other_trainer, ethics, starts_on=date(2026, 4, 6)
    )
    add_participants(jaen_ethics, completed=1, not_completed=1)
    chota = cohort_with_sessions(
        other_trainer,
        course,
        starts_on=date(2026, 1, 12),
        province=Province.CHOTA,
        district="Chota",
    )
    add_participants(chota, completed=1, not_completed=1)
    join(chota, revoked=True)
    # Its third session, on 4 May, is not held yet.
    online = cohort_with_sessions(
        trainer,
        course,
        starts_on=date(2026, 4, 20),
        mode=CohortMode.VIRTUAL,
        province="",
        district="",
    )
    add_participants(online, completed=0, not_completed=2)
    return {"jaen": jaen, "jaen_ethics": jaen_ethics, "chota": chota}


def rows_of(client, user, view: str = "reach", **params) -> list:
    client.force_login(user)
    response = client.get(reverse(f"lms_report_{view}"), params)
    assert response.status_code == 200
    return response.context["object_list"]


def figures(row) -> tuple:
    reach = row.reach
    return (reach.cohorts, reach.participants, reach.completions, reach.rate)


def by_province(client, user, **params) -> dict[str, tuple]:
    return {
        row.name: (row.trainers, *figures(row))
        for row in rows_of(client, user, "reach", **params)
    }


def export(client, user, view: str, export_format: str) -> list[list]:
    """Return the export's rows, headings in English."""
    response = signed_in(client, user).get(
        reverse(f"lms_report_{view}"), {"export": export_format}
    )
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    if export_format == "csv":
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


@pytest.mark.django_db
class TestByProvince:
    def test_exact_figures(self, client, integrity_officer, region):
        rows = by_province(client, integrity_officer)
        assert rows["Jaén"] == (1, 2, 6, 4, 67)
        assert rows["Chota"] == (1, 1, 3, 1, 33)
        assert rows["Virtual"] == (None, 1, 2, 0, 0)

    def test_every_province_is_listed_even_when_empty(
        self, client, integrity_officer, region
    ):
        rows = rows_of(client, integrity_officer)
        names = [row.name for row in rows]
        assert names == [str(p.label) for p in Province] + ["Virtual", "Total"]
        assert by_province(client, integrity_officer)["Celendín"] == (
            0,
            0,
            0,
            0,
            None,
        )

    def test_a_lapsed_or_withdrawn_trainer_is_not_certified_today(
        self, client, integrity_officer, region
    ):
        rows = by_province(client, integrity_officer)
        assert rows["Cajamarca"][0] == 0
        assert rows["San Ignacio"][0] == 0

    def test_totals_row(self, client, integrity_officer, region):
        assert by_province(client, integrity_officer)["Total"] == (2, 4, 11, 5, 45)

    def test_course_filter(self, client, integrity_officer, region, ethics):
        rows = by_province(client, integrity_officer, course=ethics.pk)
        assert rows["Jaén"] == (1, 1, 2, 1, 50)
        assert rows["Chota"] == (1, 0, 0, 0, None)
        assert rows["Total"] == (2, 1, 2, 1, 50)

    def test_start_date_filter(self, client, integrity_officer, region):
        rows = by_province(
            client,
            integrity_officer,
            starts_on_from="2026-03-01",
            starts_on_to="2026-04-30",
        )
        assert rows["Chota"] == (1, 0, 0, 0, None)
        assert rows["Total"] == (2, 3, 8, 4, 50)

    def test_an_impossible_date_counts_nothing_and_says_why(
        self, client, integrity_officer, region
    ):
        client.force_login(integrity_officer)
        response = client.get(reverse("lms_report_reach"), {"starts_on_from": "x"})
        assert response.context["filters"].errors
        total = response.context["object_list"][-1]
        assert total.reach == Reach()

    def test_chart_has_a_bar_per_province_and_virtual(
        self, client, integrity_officer, region
    ):
        client.force_login(integrity_officer)
        html = client.get(reverse("lms_report_reach")).content.decode()
        chart = html[html.index('<svg class="completion-chart"') :]
        chart = chart[: chart.index("</svg>")]
        assert 'aria-hidden="true"' in chart
        assert chart.count("<g ") == 14
        assert 'width="48%"' in chart.split("Jaén")[1]  # the most completions
        assert 'width="12%"' in chart.split("Chota")[1]  # a quarter of Jaén's


@pytest.mark.django_db
class TestByTrainer:
    def test_exact_figures_by_name(self, client, integrity_officer, region):
        rows = rows_of(client, integrity_officer, "reach_trainers")
        assert [
            (row.name, row.province, row.institution, *figures(row), row.last_session)
            for row in rows
        ] == [
            (
                "Luis Arce",
                "Cajamarca",
                "Universidad Nacional de Cajamarca",
                0,
                0,
                0,
                None,
                None,
            ),
            (
                "Otto Quispe",
                "Chota",
                "Universidad Nacional Autónoma de Chota",
                2,
                5,
                2,
                40,
                date(2026, 4, 20),
            ),
            (
                "Carmen Vásquez",
                "Jaén",
                "Universidad Nacional de Jaén",
                2,
                6,
                3,
                50,
                date(2026, 4, 27),
            ),
            ("Total", "", "", 4, 11, 5, 45, date(2026, 4, 27)),
        ]

    def test_a_withdrawn_trainer_is_listed_for_the_cohorts_they_taught(
        self, client, integrity_officer, region, withdrawn_trainer, course
    ):
        earlier = cohort_with_sessions(
            withdrawn_trainer, course, starts_on=date(2026, 3, 9)
        )
        add_participants(earlier, completed=1, not_completed=0)
        rows = {
            row.name: figures(row)
            for row in rows_of(client, integrity_officer, "reach_trainers")
        }
        assert rows["Wilma Zeta"] == (1, 1, 1, 100)

    def test_course_filter(self, client, integrity_officer, region, ethics):
        rows = {
            row.name: figures(row)
            for row in rows_of(
                client, integrity_officer, "reach_trainers", course=ethics.pk
            )
        }
        assert rows["Otto Quispe"] == (1, 2, 1, 50)
        assert rows["Carmen Vásquez"] == (0, 0, 0, None)

    def test_page_links_to_the_province_view_with_the_same_filters(
        self, client, integrity_officer, region, ethics
    ):
        client.force_login(integrity_officer)
        html = client.get(
            reverse("lms_report_reach_trainers"), {"course": ethics.pk}
        ).content.decode()
        assert f'href="{reverse("lms_report_reach")}?course={ethics.pk}"' in html


@pytest.mark.django_db
class TestExports:
    @pytest.mark.parametrize("export_format", ["csv", "xlsx"])
    def test_by_province(self, client, integrity_officer, region, export_format):
        rows = export(client, integrity_officer, "reach", export_format)
        assert rows[0] == [
            "Province",
            "Certified trainers today",
            "Cohorts",
            "Participants",
            "Completions",
            "Completion rate (%)",
        ]
        cells = {row[0]: [str(cell) for cell in row[1:]] for row in rows[1:]}
        assert cells["Jaén"] == ["1", "2", "6", "4", "67"]
        assert cells["Total"] == ["2", "4", "11", "5", "45"]
        assert len(rows) == 1 + 13 + 1 + 1

    def test_by_trainer_csv(self, client, integrity_officer, region):
        rows = export(client, integrity_officer, "reach_trainers", "csv")
        assert rows[0] == [
            "Trainer",
            "Province",
            "Institution",
            "Cohorts",
            "Participants",
            "Completions",
            "Completion rate (%)",
            "Last session",
        ]
        assert [
            "Carmen Vásquez",
            "Jaén",
            "Universidad Nacional de Jaén",
            "2",
            "6",
            "3",
            "50",
            "2026-04-27",
        ] in rows
        assert rows[-1] == ["Total", "", "", "4", "11", "5", "45", "2026-04-27"]


@pytest.mark.django_db
class TestAccess:
    @pytest.mark.parametrize("view", VIEWS)
    @pytest.mark.parametrize("export_format", ["", "csv"])
    def test_integrity_officer_and_superuser_see_it(
        self, client, integrity_officer, region, view, export_format
    ):
        admin = with_mfa(UserFactory(is_superuser=True, is_staff=True))
        for user in (integrity_officer, admin):
            client.force_login(user)
            response = client.get(
                reverse(f"lms_report_{view}"), {"export": export_format}
            )
            assert response.status_code == 200

    @pytest.mark.parametrize("view", VIEWS)
    @pytest.mark.parametrize("export_format", ["", "csv", "xlsx"])
    def test_hr_officer_and_unit_head_are_refused(
        self, client, hr_a, unit_head_a, region, view, export_format
    ):
        for user in (hr_a, unit_head_a):
            response = signed_in(client, user).get(
                reverse(f"lms_report_{view}"), {"export": export_format}
            )
            assert is_denied(response)

    @pytest.mark.parametrize("view", VIEWS)
    @pytest.mark.parametrize("export_format", ["", "csv"])
    def test_trainer_and_anonymous_are_sent_to_log_in(
        self, client, trainer_user, region, view, export_format
    ):
        url = reverse(f"lms_report_{view}")
        response = client.get(url, {"export": export_format})
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
        client.force_login(trainer_user)
        response = client.get(url, {"export": export_format})
        assert response.status_code == 302
        assert "Universidad" not in response.content.decode()

    def test_menu_shows_it_to_the_integrity_officer_only(
        self, client, integrity_officer, hr_a
    ):
        url = reverse("lms_report_reach")
        client.force_login(integrity_officer)
        assert url in client.get(reverse("wagtailadmin_home")).content.decode()
        client.force_login(hr_a)
        home = client.get(reverse("wagtailadmin_home")).content.decode()
        assert reverse("lms_report_assignments") in home
        assert url not in home


@pytest.fixture
def grow(trainer_course, integrity_officer, course):
    """Return a function adding `count` trainers, each with two cohorts."""

    def add(count: int) -> None:
        for number in range(count):
            certification = certified_trainer(
                UserFactory(first_name="Formador", last_name=f"Nuevo {number}"),
                trainer_course,
                approved_by=integrity_officer,
                approved_at=NOW - timedelta(days=40),
                province=list(Province)[number % 13],
            )
            for week in range(2):
                cohort = cohort_with_sessions(
                    certification,
                    course,
                    starts_on=date(2026, 3, 2) + timedelta(weeks=week),
                    province=certification.province,
                )
                add_participants(cohort, completed=2, not_completed=1)

    return add


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [0, 8])
@pytest.mark.parametrize("view", VIEWS)
class TestQueries:
    def test_page(
        self,
        client,
        integrity_officer,
        region,
        grow,
        extra,
        view,
        django_assert_max_num_queries,
    ):
        grow(extra)
        client.force_login(integrity_officer)
        with django_assert_max_num_queries(PAGES[view]):
            response = client.get(reverse(f"lms_report_{view}"))
        assert response.context["object_list"][-1].reach.cohorts == 4 + 2 * extra

    @pytest.mark.parametrize("export_format", ["csv", "xlsx"])
    def test_export(
        self,
        client,
        integrity_officer,
        region,
        grow,
        extra,
        view,
        export_format,
        django_assert_max_num_queries,
    ):
        grow(extra)
        client.force_login(integrity_officer)
        with django_assert_max_num_queries(EXPORTS[view]):
            response = client.get(
                reverse(f"lms_report_{view}"), {"export": export_format}
            )
            b"".join(response.streaming_content)
        assert response.status_code == 200
