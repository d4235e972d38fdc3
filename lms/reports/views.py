"""HR reports in the Wagtail admin: pages, filters and CSV/XLSX exports.

Screens show document numbers masked. Exports carry the full number, which
HR needs to reconcile the lists with the payroll system; their heading says
so. The reach of the trainers' cascade is reported here too, to the
integrity officer alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import django_filters
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, StatusTagColumn, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.coreutils import multigetattr

from courses.models import CoursePage
from lms.cohorts.models import Cohort
from lms.cohorts.reach import (
    AreaReach,
    TrainerReach,
    reach_by_province,
    reach_by_trainer,
)
from lms.lib.audit import audit
from lms.reports.exports import (
    ExportColumn,
    RowCells,
    csv_chunks,
    new_hire_columns,
    overdue_columns,
    status_columns,
)
from lms.reports.queries import (
    NEW_HIRE_DAYS,
    CompletedVia,
    completed_via,
    completed_via_q,
    completion_by_unit,
    current_assignments,
    group_of,
    hired_within,
    overdue_assignments,
    requirement_field,
    with_requirement_statuses,
)
from lms.staff.models import (
    Assignment,
    AssignmentStatus,
    Organisation,
    Regime,
    Role,
    StaffMember,
    TrainingRequirement,
    active_staff_q,
)
from lms.staff.policies import cached_scope
from lms.staff.scopes import READ_ROLES, Scope

# Rows fetched per round trip while an export streams, and written per chunk
# of a CSV: memory stays flat whatever the size of the list. It is still one
# query (a server-side cursor on PostgreSQL), since no row needs a prefetch.
EXPORT_CHUNK_SIZE = 2000


# Filters ---------------------------------------------------------------------


def required_courses(request) -> QuerySet[CoursePage]:
    return CoursePage.objects.filter(
        pk__in=TrainingRequirement.objects.values("course")
    ).order_by("title")


class ScopedFilterSet(WagtailFilterSet):
    """Filters whose unit choices are the units the user's scope reaches."""

    unit_prefix = "staff__unit__"

    unit = django_filters.ModelChoiceFilter(
        label=_("Unit"),
        queryset=Organisation.objects.none(),
        method="filter_unit",
        help_text=_("The unit and the units under it."),
    )

    def __init__(self, *args, scope: Scope, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A unit outside the scope is then an invalid choice, not an empty list.
        self.filters["unit"].queryset = scope.organisations().order_by("path")

    def filter_unit(self, queryset: QuerySet, name: str, value: Organisation):
        return queryset.filter(value.subtree_q(self.unit_prefix))


class AssignmentFilterSet(ScopedFilterSet):
    regime = django_filters.ChoiceFilter(
        label=_("Employment regime"), field_name="staff__regime", choices=Regime.choices
    )
    course = django_filters.ModelChoiceFilter(
        label=_("Course"), field_name="requirement__course", queryset=required_courses
    )
    requirement = django_filters.ModelChoiceFilter(
        label=_("Requirement"), queryset=TrainingRequirement.objects.all()
    )
    due_on = django_filters.DateFromToRangeFilter(
        label=_("Due date"), widget=DateRangePickerWidget
    )
    hired_on = django_filters.DateFromToRangeFilter(
        label=_("Hire date"), field_name="staff__hired_on", widget=DateRangePickerWidget
    )

    class Meta:
        model = Assignment
        fields = []


class AssignmentStatusFilterSet(AssignmentFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=AssignmentStatus.choices
    )
    completed_via = django_filters.ChoiceFilter(
        label=_("Completed via"),
        choices=CompletedVia.choices,
        method="filter_completed_via",
    )

    def filter_completed_via(self, queryset: QuerySet, name: str, value: str):
        return queryset.filter(completed_via_q(value))


class NewHireFilterSet(ScopedFilterSet):
    unit_prefix = "unit__"

    days = django_filters.NumberFilter(
        label=_("Hired in the last (days)"),
        method="filter_days",
        initial=NEW_HIRE_DAYS,
        min_value=1,
        max_value=366,
        decimal_places=0,
    )
    regime = django_filters.ChoiceFilter(
        label=_("Employment regime"), choices=Regime.choices
    )

    class Meta:
        model = StaffMember
        fields = []

    def __init__(self, data=None, *args, **kwargs) -> None:
        # The period always applies: without a value, it is the default one.
        if data is not None and not data.get("days"):
            data = data.copy()
            data["days"] = NEW_HIRE_DAYS
        super().__init__(data, *args, **kwargs)

    def filter_days(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return hired_within(queryset, today=timezone.localdate(), days=int(value))


def taught_courses(request) -> QuerySet[CoursePage]:
    return CoursePage.objects.filter(pk__in=Cohort.objects.values("course")).order_by(
        "title"
    )


class ReachFilterSet(WagtailFilterSet):
    course = django_filters.ModelChoiceFilter(
        label=_("Course"), queryset=taught_courses
    )
    starts_on = django_filters.DateFromToRangeFilter(
        label=_("Cohort start date"), widget=DateRangePickerWidget
    )

    class Meta:
        model = Cohort
        fields = []


# Columns and export fields ---------------------------------------------------


def person_columns(staff: str) -> list[Column]:
    """Return who and where someone is; `staff` leads from a row to StaffMember."""
    return [
        TitleColumn(
            "name",
            label=_("Name"),
            accessor=f"{staff}person.full_name",
            get_url=lambda row: reverse(
                "lms_staff_detail", args=[multigetattr(row, f"{staff}pk")]
            ),
            sort_key=f"{staff.replace('.', '__')}person__last_names",
        ),
        Column(
            "document", label=_("Document"), accessor=f"{staff}person.masked_document"
        ),
        Column("unit", label=_("Unit"), accessor=f"{staff}unit.name"),
        Column("post", label=_("Post"), accessor=f"{staff}post"),
        Column("regime", label=_("Regime"), accessor=f"{staff}get_regime_display"),
    ]


def transcript_column(staff: str) -> Column:
    return TitleColumn(
        "transcript",
        label=_("Transcript"),
        accessor=lambda row: _("PDF"),
        get_url=lambda row: reverse(
            "certificates_staff_transcript", args=[multigetattr(row, f"{staff}pk")]
        ),
    )


def status_label(value: str | None) -> str:
    return str(AssignmentStatus(value).label) if value else ""


def status_column(name: str, label: str) -> StatusTagColumn:
    return StatusTagColumn(
        name,
        label=label,
        accessor=lambda row: status_label(getattr(row, name)) or _("Not assigned"),
        primary=lambda row: getattr(row, name) == AssignmentStatus.COMPLETED,
    )


def completed_via_text(row: Assignment) -> str:
    """Return "Online", or the group, its trainer and its place."""
    cohort = group_of(row)
    if cohort is None:
        via = completed_via(row.completed_on, in_a_group=False)
        return str(via.label) if via else ""
    return _("Group: %(group)s – %(trainer)s, %(place)s") % {
        "group": cohort.name,
        "trainer": cohort.trainer.person.full_name,
        "place": cohort.place(),
    }


@dataclass(frozen=True)
class Bar:
    """One bar of a report's chart: its label, length (percent of the track), figure."""

    label: str
    percent: int
    figure: object


class Streamed:
    """A queryset read in chunks: iterating it keeps no rows in memory."""

    def __init__(self, queryset: QuerySet) -> None:
        self.queryset = queryset
        self.model = queryset.model

    def __iter__(self) -> Iterator:
        return self.queryset.iterator(chunk_size=EXPORT_CHUNK_SIZE)


# Views -----------------------------------------------------------------------


class SpreadsheetReportView(ReportView):
    """A report exported as CSV (streamed) or XLSX, with the page's filters."""

    header_icon = "table"
    results_template_name = "lms/admin/reports/results.html"
    # (a dotted path on the row, heading)
    export_fields: list[tuple[str, str]] = []

    def dispatch(self, request, *args, **kwargs):
        self.today = timezone.localdate()
        return super().dispatch(request, *args, **kwargs)

    @property
    def list_export(self) -> list[str]:
        return [field for field, _heading in self.export_fields]

    @property
    def export_headings(self) -> dict[str, str]:
        return dict(self.export_fields)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        # Wagtail ignores an invalid filter and lists everything; a mistyped or
        # tampered filter lists nothing instead, and the form says why.
        if self.filters and not self.filters.is_valid():
            return queryset.none()
        return super().filter_queryset(queryset)

    def get_filtered_queryset(self):
        return self.get_queryset()  # Wagtail's get_queryset already filters.

    def get(self, request, *args, **kwargs):
        if not self.is_export:
            return super().get(request, *args, **kwargs)
        # ReportView.get builds the page's context first, and its row count
        # would load every row of the export into memory.
        return self.as_spreadsheet(self.get_filtered_queryset(), request.GET["export"])

    def as_spreadsheet(self, queryset, spreadsheet_format: str):
        response = super().as_spreadsheet(queryset, spreadsheet_format)
        if response is not None:  # a format Wagtail knows: csv or xlsx
            # The filters are not written: a search may be someone's name.
            audit(
                "hr_export",
                report=self.request.resolver_match.view_name,
                format=spreadsheet_format,
            )
        return response


class ScopedReportView(SpreadsheetReportView):
    """A report on the units the user's roles reach."""

    def dispatch(self, request, *args, **kwargs):
        # Shared with the admin's menus, which ask for the same scope.
        self.scope = cached_scope(request.user, READ_ROLES)
        if self.scope.is_empty:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_filterset_kwargs(self) -> dict:
        return {**super().get_filterset_kwargs(), "scope": self.scope}


class ListReportView(ScopedReportView):
    """A list of people or assignments, exported from plain rows.

    The export reads only its columns' values with `values_list` (see
    lms/reports/exports.py), never model objects, and writes its CSV some
    thousand rows at a time; the page lists model objects as usual.
    """

    def get_export_columns(self) -> list[ExportColumn]:
        raise NotImplementedError

    @cached_property
    def export_columns(self) -> list[ExportColumn]:
        return self.get_export_columns()  # labels read in the request's language

    @cached_property
    def export_fields(self) -> list[tuple[str, str]]:
        return [(column.name, column.heading) for column in self.export_columns]

    @cached_property
    def row_cells(self) -> RowCells:
        return RowCells(self.export_columns)

    def to_row_dict(self, item: tuple) -> dict:
        return dict(zip(self.list_export, self.row_cells(item), strict=True))

    def as_spreadsheet(self, queryset: QuerySet, spreadsheet_format: str):
        rows = queryset.values_list(*self.row_cells.lookups)
        return super().as_spreadsheet(Streamed(rows), spreadsheet_format)

    def stream_csv(self, queryset) -> Iterator[str]:
        headings = [self.get_heading(queryset, field) for field in self.list_export]
        rows = map(self.row_cells, queryset)
        return csv_chunks(headings, rows, rows_per_chunk=EXPORT_CHUNK_SIZE)


class CompletionReportView(ScopedReportView):
    """Each unit's completion of mandatory training, its sub-units included.

    A unit's row adds up the unit and every unit under it, which is what its
    head answers for; sub-units follow, indented, with their own totals.
    Only people still on staff count, and only the latest cycle of each
    requirement, waived and closed ones left out.
    """

    page_title = _("Training completion by unit")
    index_url_name = "lms_report_completion"
    index_results_url_name = "lms_report_completion_results"
    template_name = "lms/admin/reports/chart_report.html"
    results_template_name = "lms/admin/reports/completion_results.html"
    filterset_class = AssignmentFilterSet
    paginate_by = None
    columns = [
        Column("unit", label=_("Unit"), accessor="indented_name"),
        Column("assigned", label=_("Assigned")),
        Column("completed", label=_("Completed")),
        Column("in_groups", label=_("Completed in groups")),
        Column("on_time", label=_("Completed on time")),
        Column("overdue", label=_("Overdue")),
        Column("rate", label=_("Completion rate (%)")),
    ]
    export_fields = [
        ("unit.code", _("Unit code")),
        ("unit.name", _("Unit")),
        ("assigned", _("Assigned")),
        ("completed", _("Completed")),
        ("in_groups", _("Completed in groups")),
        ("on_time", _("Completed on time")),
        ("overdue", _("Overdue")),
        ("rate", _("Completion rate (%)")),
    ]
    export_filename = "cumplimiento-por-unidad"

    def get_base_queryset(self) -> QuerySet:
        return (
            self.scope.assignments()
            .latest_cycles()
            .filter(active_staff_q(today=self.today, prefix="staff__"))
        )

    def get_filtered_queryset(self):
        units = self.scope.organisations()
        if self.filters.is_valid() and (unit := self.filters.form.cleaned_data["unit"]):
            units = units.filter(unit.subtree_q(""))
        return completion_by_unit(self.get_queryset(), units, today=self.today)

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["bars"] = [
            Bar(
                row.indented_name,
                row.rate or 0,
                "–" if row.rate is None else f"{row.rate} %",
            )
            for row in context["object_list"]
        ]
        return context


class OverdueReportView(ListReportView):
    page_title = _("Overdue training")
    header_icon = "warning"
    index_url_name = "lms_report_overdue"
    index_results_url_name = "lms_report_overdue_results"
    filterset_class = AssignmentFilterSet
    default_ordering = ("due_on", "pk")
    columns = [
        *person_columns("staff."),
        Column("requirement", label=_("Requirement"), accessor="requirement.name"),
        Column("course", label=_("Course"), accessor="course_title"),
        Column("due_on", label=_("Due date"), sort_key="due_on"),
        Column("overdue_by", label=_("Days overdue"), accessor="overdue_by.days"),
        transcript_column("staff."),
    ]
    export_filename = "capacitacion-vencida"

    def get_export_columns(self) -> list[ExportColumn]:
        return overdue_columns()

    def get_base_queryset(self) -> QuerySet:
        return overdue_assignments(self.scope, today=self.today)


class NewHiresReportView(ListReportView):
    """Staff hired lately, with their status in each active requirement."""

    page_title = _("New hires")
    header_icon = "user"
    index_url_name = "lms_report_new_hires"
    index_results_url_name = "lms_report_new_hires_results"
    filterset_class = NewHireFilterSet
    default_ordering = ("-hired_on", "pk")
    export_filename = "nuevos-ingresos"

    @cached_property
    def requirements(self) -> list[TrainingRequirement]:
        return list(TrainingRequirement.objects.active())

    @cached_property
    def columns(self) -> list[Column]:
        return [
            *person_columns(""),
            Column("hired_on", label=_("Hire date"), sort_key="hired_on"),
            *(
                status_column(requirement_field(requirement), requirement.name)
                for requirement in self.requirements
            ),
            transcript_column(""),
        ]

    def get_export_columns(self) -> list[ExportColumn]:
        return new_hire_columns(self.requirements)

    def get_base_queryset(self) -> QuerySet:
        staff = (
            self.scope.staff().active(today=self.today).select_related("person", "unit")
        )
        return with_requirement_statuses(staff, self.requirements, today=self.today)


class AssignmentReportView(ListReportView):
    """Every person's latest cycle of each requirement, with its status."""

    page_title = _("Training assignments")
    header_icon = "list-ul"
    index_url_name = "lms_report_assignments"
    index_results_url_name = "lms_report_assignments_results"
    filterset_class = AssignmentStatusFilterSet
    default_ordering = ("staff__person__last_names", "requirement__name", "pk")
    columns = [
        *person_columns("staff."),
        Column("requirement", label=_("Requirement"), accessor="requirement.name"),
        Column("due_on", label=_("Due date"), sort_key="due_on"),
        Column("completed_on", label=_("Completed on")),
        Column("completed_via", label=_("Completed via"), accessor=completed_via_text),
        status_column("status", _("Status")),
        transcript_column("staff."),
    ]
    export_filename = "asignaciones"

    def get_export_columns(self) -> list[ExportColumn]:
        return status_columns()

    def get_base_queryset(self) -> QuerySet:
        return current_assignments(self.scope, today=self.today)


class ReachReportView(SpreadsheetReportView):
    """How far the trainers' cascade has spread, for the integrity officer.

    Trainers and cohorts belong to no unit, so no unit's role reaches them:
    HR officers and unit heads are refused.
    """

    header_icon = "group"
    filterset_class = ReachFilterSet
    paginate_by = None
    template_name = "lms/admin/reports/chart_report.html"
    results_template_name = "lms/admin/reports/reach_results.html"

    def dispatch(self, request, *args, **kwargs):
        if not cached_scope(request.user, [Role.INTEGRITY_OFFICER]).everything:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self) -> QuerySet[Cohort]:
        return Cohort.objects.all()

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("export", None)
        context["query_string"] = params.urlencode()
        return context


# The figures of a row's Reach, shared by both views' tables and exports.
REACH_FIGURES = [
    ("reach.cohorts", _("Cohorts")),
    ("reach.participants", _("Participants")),
    ("reach.completions", _("Completions")),
    ("reach.rate", _("Completion rate (%)")),
]
REACH_COLUMNS = [
    Column(path.removeprefix("reach."), label=label, accessor=path)
    for path, label in REACH_FIGURES
]


class ProvinceReachReportView(ReachReportView):
    page_title = _("Train-the-trainer reach by province")
    index_url_name = "lms_report_reach"
    index_results_url_name = "lms_report_reach_results"
    columns = [
        Column("name", label=_("Province")),
        Column("trainers", label=_("Certified trainers today")),
        *REACH_COLUMNS,
    ]
    export_fields = [
        ("name", _("Province")),
        ("trainers", _("Certified trainers today")),
        *REACH_FIGURES,
    ]
    export_filename = "alcance-por-provincia"

    def get_filtered_queryset(self) -> list[AreaReach]:
        rows = reach_by_province(self.get_queryset(), today=self.today)
        return [*rows, AreaReach.total(rows)]

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        rows = context["object_list"][:-1]  # the total is not a bar
        most = max((row.reach.completions for row in rows), default=0)
        context["bars"] = [
            Bar(
                row.name,
                round(100 * row.reach.completions / most) if most else 0,
                row.reach.completions,
            )
            for row in rows
        ]
        return context


class TrainerReachReportView(ReachReportView):
    page_title = _("Train-the-trainer reach by trainer")
    index_url_name = "lms_report_reach_trainers"
    index_results_url_name = "lms_report_reach_trainers_results"
    columns = [
        Column("name", label=_("Trainer")),
        Column("province", label=_("Province")),
        Column("institution", label=_("Institution")),
        *REACH_COLUMNS,
        Column("last_session", label=_("Last session")),
    ]
    export_fields = [
        ("name", _("Trainer")),
        ("province", _("Province")),
        ("institution", _("Institution")),
        *REACH_FIGURES,
        ("last_session", _("Last session")),
    ]
    export_filename = "alcance-por-formador"

    def get_filtered_queryset(self) -> list[TrainerReach]:
        rows = reach_by_trainer(self.get_queryset(), now=timezone.now())
        return [*rows, TrainerReach.total(rows)]
