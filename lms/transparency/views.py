"""Public transparency pages and open-data files: aggregates only, no login.

Every figure comes from `lms.transparency.figures`, cached for the day (the
induction figures as published when their quarter closed), with the small
counts and whatever would give one away already withheld by
`lms.transparency.suppression`: these views only lay them out.
"""

from __future__ import annotations

import io
from datetime import date

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_GET

from lms.lib.spreadsheet_cells import CsvWriter
from lms.transparency import figures as transparency_figures
from lms.transparency.figures import DATASETS, Dataset, Figures

CHART_BAR_MAX = 100


def _dataset(slug: str) -> Dataset:
    try:
        return DATASETS[slug]
    except KeyError:
        raise Http404 from None


def _bars(values: list[tuple[str, int | None]], *, scale: int | None = None) -> list:
    """Return (label, value, width in %) for a bar chart; suppressed ones get none."""
    top = scale or max((value or 0 for _label, value in values), default=0) or 1
    return [
        (label, value, round(CHART_BAR_MAX * (value or 0) / top))
        for label, value in values
    ]


def _month(day: date) -> str:
    return date_format(day, "YEAR_MONTH_FORMAT")


def _charts(figures: Figures) -> dict[str, list]:
    return {
        "units": _bars(
            [(unit.name, unit.on_time_share) for unit in figures.units], scale=100
        ),
        "provinces": _bars(
            [(province.name, province.trainers) for province in figures.provinces]
        ),
        "citizens": _bars([(_month(m.month), m.citizens) for m in figures.months]),
        "businesses": _bars([(_month(m.month), m.businesses) for m in figures.months]),
    }


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    figures = transparency_figures.figures(today=timezone.localdate())
    context = {
        "figures": figures,
        "charts": _charts(figures),
        "datasets": DATASETS.values(),
        "refreshed": transparency_figures.REFRESH_TEXT,
    }
    return render(request, "lms/transparency/dashboard.html", context)


def _filename(dataset: Dataset, figures: Figures, extension: str) -> str:
    return f"{dataset.slug}-{figures.as_of.isoformat()}.{extension}"


@require_GET
def dataset_csv(request: HttpRequest, dataset: str) -> HttpResponse:
    dataset = _dataset(dataset)
    figures = transparency_figures.figures(today=timezone.localdate())
    buffer = io.StringIO()
    writer = CsvWriter(buffer)
    writer.writerow(column.name for column in dataset.columns)
    for row in dataset.rows(figures):
        writer.writerow(
            transparency_figures.open_value(column, value, for_json=False)
            for column, value in zip(dataset.columns, row, strict=True)
        )
    # The byte-order mark makes Excel read the accents as UTF-8.
    response = HttpResponse(
        "\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8"
    )
    filename = _filename(dataset, figures, "csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def dataset_json(request: HttpRequest, dataset: str) -> HttpResponse:
    dataset = _dataset(dataset)
    figures = transparency_figures.figures(today=timezone.localdate())
    data = {
        "dataset": dataset.slug,
        "title": str(dataset.title),
        "figures_as_of": figures.as_of.isoformat(),
        "rows": [
            {
                column.name: transparency_figures.open_value(
                    column, value, for_json=True
                )
                for column, value in zip(dataset.columns, row, strict=True)
            }
            for row in dataset.rows(figures)
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    filename = _filename(dataset, figures, "json")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _dictionary() -> dict:
    return {
        "small_group_rule": str(transparency_figures.SMALL_GROUP_RULE_TEXT),
        "suppressed_marker": transparency_figures.WITHHELD,
        "refreshed": str(transparency_figures.REFRESH_TEXT),
        "datasets": [
            {
                "name": dataset.slug,
                "title": str(dataset.title),
                "description": str(dataset.description),
                "columns": [
                    {
                        "name": column.name,
                        "type": column.kind,
                        "unit": str(transparency_figures.KIND_UNITS[column.kind]),
                        "description": str(column.description),
                    }
                    for column in dataset.columns
                ],
            }
            for dataset in DATASETS.values()
        ],
    }


@require_GET
def dictionary(request: HttpRequest) -> HttpResponse:
    return render(
        request, "lms/transparency/dictionary.html", {"dictionary": _dictionary()}
    )


@require_GET
def dictionary_json(request: HttpRequest) -> HttpResponse:
    return JsonResponse(_dictionary(), json_dumps_params={"ensure_ascii": False})
