"""Open data of the transparency dashboard: CSV, JSON and the data dictionary."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.cache import cache
from django.urls import reverse

from lms.models import Assignment
from lms.transparency import figures
from lms.transparency.figures import DATASETS, WITHHELD, Kind
from tests.lms.transparency.test_transparency import build_dataset

SLUGS = list(DATASETS)


@pytest.fixture
def dataset(catalogue, integrity_officer):
    return build_dataset(catalogue=catalogue, integrity_officer=integrity_officer)


def read_csv(response) -> list[dict]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body[1:])))


def read_json(response) -> list[dict]:
    return response.json()["rows"]


def people_columns(slug: str) -> list[str]:
    return [c.name for c in DATASETS[slug].columns if c.kind == Kind.PEOPLE]


def percent_columns(slug: str) -> list[str]:
    return [c.name for c in DATASETS[slug].columns if c.kind == Kind.PERCENT]


def test_units_csv_has_exact_figures_and_a_filename(client, dataset):
    response = client.get(reverse("transparency:dataset_csv", args=["units"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="units-{dataset.today.isoformat()}.csv"'
    )
    rows = {row["unit_code"]: row for row in read_csv(response)}
    assert rows["PPR"] == {
        "unit_code": "PPR",
        "unit_name": "Procuraduría Pública Regional",
        "staff_due": "5",
        "completed_on_time": "5",
        "on_time_percent": "100",
    }
    # 6 due and 5 on time would tell the 1 late: on time is withheld.
    assert rows["GRDS"]["staff_due"] == "6"
    assert rows["GRDS"]["completed_on_time"] == WITHHELD
    assert rows["GRDS"]["on_time_percent"] == WITHHELD
    assert rows["GRDE"]["staff_due"] == WITHHELD
    assert rows["GRDE"]["completed_on_time"] == WITHHELD
    assert rows["GRDE"]["on_time_percent"] == WITHHELD


def test_units_json_suppresses_small_shares_as_null(client, dataset):
    response = client.get(reverse("transparency:dataset_json", args=["units"]))

    assert response.status_code == 200
    rows = {row["unit_code"]: row for row in read_json(response)}
    assert rows["GRDS"]["staff_due"] == 6
    assert rows["GRDS"]["on_time_percent"] is None
    assert rows["PPR"]["on_time_percent"] == 100
    assert rows["GRDE"]["staff_due"] == WITHHELD
    assert rows["GRDE"]["on_time_percent"] is None
    assert response.json()["figures_as_of"] == dataset.today.isoformat()


def test_other_datasets_have_exact_figures(client, dataset):
    def json_rows(slug):
        url = reverse("transparency:dataset_json", args=[slug])
        return read_json(client.get(url))

    provinces = {row["province"]: row for row in json_rows("trainers_by_province")}
    assert provinces["Jaén"]["certified_trainers"] == 5
    assert provinces["Chota"]["certified_trainers"] == WITHHELD
    months = json_rows("certificates_by_month")
    assert len(months) == 12
    this_month = dataset.today.strftime("%Y-%m")
    assert months[-1] == {
        "month": this_month,
        "citizen_certificates": 6,
        "business_certificates": WITHHELD,
    }
    assert months[-3]["citizen_certificates"] == 5
    assert json_rows("champions") == [
        {
            "unit_code": "PPR",
            "unit_name": "Procuraduría Pública Regional",
            "staff_due": 5,
        }
    ]
    [summary] = json_rows("summary")
    assert summary["senior_officials_trained"] == 5
    assert summary["figures_as_of"] == dataset.today.isoformat()


@pytest.mark.parametrize("slug", SLUGS)
def test_no_count_below_five_in_any_file(client, dataset, slug):
    csv_rows = read_csv(client.get(reverse("transparency:dataset_csv", args=[slug])))
    json_rows = read_json(client.get(reverse("transparency:dataset_json", args=[slug])))

    assert csv_rows and len(csv_rows) == len(json_rows)
    for row in csv_rows:
        for name in percent_columns(slug):
            assert row[name] == WITHHELD or 0 <= int(row[name]) <= 100
        for name in people_columns(slug):
            assert row[name] == WITHHELD or int(row[name]) >= 5
    for row in json_rows:
        for name in people_columns(slug):
            assert row[name] == WITHHELD or row[name] >= 5
        for name in percent_columns(slug):
            assert row[name] is None or isinstance(row[name], int)


def test_a_share_is_published_only_with_its_count_and_group(client, dataset):
    for row in read_json(
        client.get(reverse("transparency:dataset_json", args=["units"]))
    ):
        assert (row["on_time_percent"] is None) == (
            WITHHELD in (row["staff_due"], row["completed_on_time"])
        )


@pytest.mark.parametrize("slug", SLUGS)
def test_no_personal_data_in_any_file(client, dataset, slug):
    bodies = [
        client.get(reverse(name, args=[slug])).content.decode()
        for name in ("transparency:dataset_csv", "transparency:dataset_json")
    ]

    assert dataset.personal_data()
    for body in bodies:
        for text in dataset.personal_data():
            assert text not in body


def test_unknown_dataset_is_404(client, db):
    for name in ("transparency:dataset_csv", "transparency:dataset_json"):
        assert client.get(reverse(name, args=["staff"])).status_code == 404


def test_files_are_read_only(client, dataset):
    url = reverse("transparency:dataset_csv", args=["units"])

    assert client.post(url).status_code == 405


def test_dictionary_describes_every_column_and_the_rule(client, english, db):
    page = client.get(reverse("transparency:dictionary"))
    data = client.get(reverse("transparency:dictionary_json")).json()

    assert page.status_code == 200
    assert data["suppressed_marker"] == WITHHELD
    assert "below 5" in data["small_group_rule"]
    assert '"x"' in data["small_group_rule"]
    assert [d["name"] for d in data["datasets"]] == SLUGS
    for described in data["datasets"]:
        columns = [c.name for c in DATASETS[described["name"]].columns]
        assert [c["name"] for c in described["columns"]] == columns
        for column in described["columns"]:
            assert column["description"] and column["unit"] and column["type"]
            assert column["name"] in page.content.decode()
        assert reverse("transparency:dataset_csv", args=[described["name"]]) in (
            page.content.decode()
        )


def test_files_read_the_cached_figures(client, dataset):
    figures.figures(today=dataset.today)
    Assignment.objects.all().delete()

    rows = read_json(client.get(reverse("transparency:dataset_json", args=["units"])))
    assert {row["unit_code"]: row for row in rows}["GRDS"]["staff_due"] == 6


# The day's counts, and the quarter's release: read, or stored (in a savepoint).
FILE_QUERIES = 10


@pytest.mark.parametrize("scale", [1, 3])
def test_file_query_count_is_fixed(
    client, catalogue, integrity_officer, django_assert_max_num_queries, scale
):
    build_dataset(catalogue=catalogue, integrity_officer=integrity_officer, scale=scale)
    for slug in SLUGS:
        for name in ("transparency:dataset_csv", "transparency:dataset_json"):
            cache.clear()
            with django_assert_max_num_queries(FILE_QUERIES):
                response = client.get(reverse(name, args=[slug]))
            assert response.status_code == 200
