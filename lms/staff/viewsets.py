"""The staff admin: staff records, the unit tree, training requirements, roles.

Access comes from roles (lms.staff.policies), and every view looks its objects up
within the user's units, so another unit's objects are 404 even by URL.
"""

from __future__ import annotations

import django_filters
from django.contrib.admin.utils import quote
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import BooleanColumn, Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from courses.search_terms import match_every_word
from lms.staff import requirement_preview
from lms.staff.assignments import refresh_assignments, sync_assignments
from lms.staff.forms import (
    OrganisationForm,
    OrganisationRoleForm,
    StaffMemberForm,
    TrainingRequirementForm,
    indented,
)
from lms.staff.models import (
    Organisation,
    OrganisationRole,
    Regime,
    StaffImport,
    StaffMember,
    TrainingRequirement,
    active_staff_q,
)
from lms.staff.policies import cached_scope, staff_policy
from lms.staff.scopes import MANAGE_ROLES

STAFF_SEARCH_FIELDS = [
    "person__first_names",
    "person__last_names",
    "person__document_number",
]


class ExtensionRequestsMenuItem(MenuItem):
    """The link to the requests HR answers, for those who may answer some."""

    def __init__(self, order: int):
        super().__init__(
            _("Extension requests"),
            url=reverse("lms_extension_requests"),
            name="lms-extension-requests",
            icon_name="calendar-alt",
            order=order,
        )

    def is_shown(self, request: HttpRequest) -> bool:
        return not cached_scope(request.user, MANAGE_ROLES).is_empty


class ScopedObjectMixin:
    """Find the view's object among those the user sees, then check the action.

    An object outside the user's units is 404; one they only read (a unit
    head's, say) is refused like any other action they may not take.
    """

    scope_action = "view"

    def scoped_queryset(self) -> QuerySet:
        return self.permission_policy.instances_user_has_permission_for(
            self.request.user, "view"
        )

    def get_base_object_queryset(self) -> QuerySet:  # history views
        return self.scoped_queryset()

    def get_object(self, *args, **kwargs):
        instance = super().get_object(*args, **kwargs)
        if not self.permission_policy.user_has_permission_for_instance(
            self.request.user, self.scope_action, instance
        ):
            raise PermissionDenied
        return instance


class ScopedEditingMixin(ScopedObjectMixin):
    """Scope edit and delete views, which find their object in `get_queryset`."""

    def get_queryset(self) -> QuerySet:
        return self.scoped_queryset()


class ScopedIndexMixin:
    """List only the objects within the user's units."""

    def get_base_queryset(self) -> QuerySet:
        return self.permission_policy.instances_user_has_any_permission_for(
            self.request.user, self.any_permission_required
        )

    def get_edit_url(self, instance) -> str | None:
        # Per row: a user may read a unit's objects without managing them.
        if self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", instance
        ):
            return reverse(self.edit_url_name, args=[quote(instance.pk)])
        return None


def title_column(view: generic.IndexView, **kwargs) -> TitleColumn:
    """Return a linked name column carrying the row's menu, as Wagtail's own."""
    column_class = view._get_title_column_class(TitleColumn)
    return column_class("name", label=gettext_lazy("Name"), **kwargs)


class ScopedHistoryView(ScopedObjectMixin, HistoryView):
    scope_action = "change"


class ScopedUsageView(ScopedObjectMixin, UsageView):
    # Its title names the object: another unit's staff member is a 404.
    scope_action = "change"


# Staff


class RoleGrantedViewSet(ModelViewSet):
    """A viewset that roles open (lms.staff.policies), with one form for add and edit.

    `keeps_records` drops the delete view for models whose rows history needs.
    """

    form_class: type
    keeps_records = False
    add_to_reference_index = False

    def get_form_class(self, for_update: bool = False) -> type:
        return self.form_class

    def get_urlpatterns(self) -> list:
        patterns = super().get_urlpatterns()
        if not self.keeps_records:
            return patterns
        return [pattern for pattern in patterns if pattern.name != "delete"]

    def get_common_view_kwargs(self, **kwargs) -> dict:
        if self.keeps_records:
            kwargs["delete_url_name"] = None
        return super().get_common_view_kwargs(**kwargs)

    def get_permissions_to_register(self) -> QuerySet:
        """Offer no Django permissions to groups: roles grant these views."""
        return Permission.objects.none()


def units_in_scope(request) -> QuerySet[Organisation]:
    return staff_policy.scope(request.user, ["view"]).organisations().order_by("path")


def imports_in_scope(request) -> QuerySet[StaffImport]:
    return StaffImport.objects.touching(
        staff_policy.scope(request.user, ["view"]).staff()
    )


class StaffFilterSet(WagtailFilterSet):
    unit = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Unit"),
        queryset=units_in_scope,
        method="filter_unit",
    )
    regime = django_filters.ChoiceFilter(
        label=gettext_lazy("Employment regime"), choices=Regime.choices
    )
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        choices=[("active", gettext_lazy("Active")), ("left", gettext_lazy("Left"))],
        method="filter_status",
    )
    is_senior_official = django_filters.BooleanFilter(
        label=gettext_lazy("Senior official")
    )
    # After an import, its message links here: the people it touched.
    imported_in = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Import"), queryset=imports_in_scope, field_name="imports"
    )

    class Meta:
        model = StaffMember
        fields = ["unit", "regime", "status", "is_senior_official", "imported_in"]

    def filter_unit(self, queryset, name, unit: Organisation) -> QuerySet:
        return queryset.within(unit)

    def filter_status(self, queryset, name, value: str) -> QuerySet:
        active = queryset.active(today=timezone.localdate())
        return active if value == "active" else queryset.exclude(pk__in=active)


class StaffIndexView(ScopedIndexMixin, generic.IndexView):
    def get_base_queryset(self) -> QuerySet:
        return super().get_base_queryset().select_related("person", "unit")

    def search_queryset(self, queryset: QuerySet) -> QuerySet:
        return (
            match_every_word(queryset, self.search_query, STAFF_SEARCH_FIELDS)
            if self.is_searching
            else queryset
        )

    @cached_property
    def columns(self) -> list:
        # The name leads to the person's page, where HR works with their
        # assignments; editing the record is in the row's menu.
        title = title_column(
            self,
            accessor=str,
            url_name="lms_staff_detail",
            sort_key="person__last_names",
        )
        return [title, *super().columns[1:]]


class StaffSavingMixin:
    """Assign a person's training as soon as their record is saved ("on hire")."""

    def save_instance(self) -> StaffMember:
        member = super().save_instance()
        sync_assignments(
            today=timezone.localdate(),
            staff=StaffMember.objects.filter(pk=member.pk),
        )
        return member


class StaffCreateView(StaffSavingMixin, generic.CreateView):
    def get_success_url(self) -> str:
        return reverse("lms_staff_detail", args=[self.object.pk])


class StaffEditView(StaffSavingMixin, ScopedEditingMixin, generic.EditView):
    scope_action = "change"

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().select_related("person", "unit")

    def get_success_url(self) -> str:
        return reverse("lms_staff_detail", args=[self.object.pk])


class StaffViewSet(RoleGrantedViewSet):
    model = StaffMember
    form_class = StaffMemberForm
    # Staff records are never deleted: HR sets an end date, history stays.
    keeps_records = True
    # One record per person: a copy would only be refused as a duplicate, and
    # Wagtail's copy view answered another unit's id with a refusal, not 404.
    copy_view_enabled = False
    name = "lms_staff"
    url_prefix = "personal"
    icon = "user"
    menu_label = gettext_lazy("Staff")
    index_view_class = StaffIndexView
    index_results_template_name = "lms/admin/staff/index_results.html"
    add_view_class = StaffCreateView
    edit_view_class = StaffEditView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
    filterset_class = StaffFilterSet
    search_fields = STAFF_SEARCH_FIELDS
    ordering = ["person__last_names", "person__first_names"]
    list_display = [
        "__str__",
        Column(
            "document",
            label=gettext_lazy("Document"),
            accessor=lambda member: member.person.masked_document(),
        ),
        Column("unit", label=gettext_lazy("Unit")),
        "post",
        "regime",
        "hired_on",
    ]


# Organisations


class OrganisationIndexView(ScopedIndexMixin, generic.IndexView):
    def get_base_queryset(self) -> QuerySet:
        today = timezone.localdate()
        active = active_staff_q(today=today, prefix="staff__")
        return (
            super()
            .get_base_queryset()
            .annotate(staff_count=Count("staff", filter=active))
        )

    @cached_property
    def columns(self) -> list:
        # Indented names show the tree; it is listed in tree order.
        title = title_column(self, accessor=indented, get_url=self.get_edit_url)
        return [title, *super().columns[1:]]


class OrganisationEditView(ScopedEditingMixin, generic.EditView):
    scope_action = "change"


class OrganisationDeleteView(ScopedEditingMixin, generic.DeleteView):
    scope_action = "delete"

    def get(self, request, *args, **kwargs):
        return self.refusal() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.refusal() or super().post(request, *args, **kwargs)

    def refusal(self):
        """Refuse to delete a unit people or other units still belong to."""
        unit = self.object
        if unit.get_children_count():
            reason = _("%(unit)s has sub-units: move or delete them first.")
        elif unit.staff.exists():
            reason = _(
                "%(unit)s has staff records, current or past: move them to "
                "another unit first."
            )
        else:
            return None
        messages.error(self.request, reason % {"unit": unit.name})
        return redirect(self.index_url_name)


class OrganisationViewSet(RoleGrantedViewSet):
    model = Organisation
    form_class = OrganisationForm
    name = "lms_organisations"
    url_prefix = "personal/unidades"
    icon = "site"
    menu_label = gettext_lazy("Organisational units")
    index_view_class = OrganisationIndexView
    edit_view_class = OrganisationEditView
    delete_view_class = OrganisationDeleteView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
    ordering = "path"
    list_display = [
        "name",
        "code",
        "kind",
        Column("staff_count", label=gettext_lazy("Active staff")),
    ]
    search_fields = ["code", "name"]
    list_filter = {"kind": ["exact"]}


# Training requirements


class RequirementPreviewMixin:
    """Say what the rule means, and whom it would assign, before it is saved.

    The "Preview" button validates the form and shows the preview without
    saving; the edit page also shows it for the rule as saved.
    """

    template_name = "lms/admin/requirements/form.html"

    def post(self, request, *args, **kwargs):
        if "preview" not in request.POST:
            return super().post(request, *args, **kwargs)
        self.object = self.object_being_edited()
        self.form = self.get_form()
        if self.form.is_valid():
            self.previewed = self.form.instance
        return self.render_to_response(self.get_context_data(form=self.form))

    def object_being_edited(self) -> TrainingRequirement | None:
        return None

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        requirement = getattr(self, "previewed", None) or getattr(self, "object", None)
        if requirement is not None and requirement.course_id:
            today = timezone.localdate()
            previewed = hasattr(self, "previewed")
            context["preview"] = {
                "audience": requirement_preview.describe_audience(requirement),
                "text": requirement_preview.describe(requirement, today=today),
                # Only a preview asks what saving would change: the saved rule
                # is already applied.
                "changes": previewed
                and requirement_preview.status_changes(requirement, today=today),
                "is_saved": not previewed,
            }
        return context

    def save_instance(self) -> TrainingRequirement:
        requirement = super().save_instance()
        # Assignments follow the rule change; the immediate backend runs it at
        # once, a worker in production.
        refresh_assignments.enqueue()
        return requirement


class RequirementCreateView(RequirementPreviewMixin, generic.CreateView):
    pass


class RequirementEditView(RequirementPreviewMixin, generic.EditView):
    def object_being_edited(self) -> TrainingRequirement:
        return self.get_object()

    def get_queryset(self) -> QuerySet:
        return TrainingRequirement.objects.select_related("course", "organisation")


class RequirementIndexView(generic.IndexView):
    def get_base_queryset(self) -> QuerySet:
        return super().get_base_queryset().select_related("course", "organisation")


class TrainingRequirementViewSet(RoleGrantedViewSet):
    model = TrainingRequirement
    form_class = TrainingRequirementForm
    # Assignments keep their requirement; a rule ends by being deactivated.
    keeps_records = True
    name = "lms_requirements"
    url_prefix = "personal/requisitos"
    icon = "tasks"
    menu_label = gettext_lazy("Training requirements")
    index_view_class = RequirementIndexView
    add_view_class = RequirementCreateView
    edit_view_class = RequirementEditView
    list_display = [
        "name",
        "course",
        "organisation",
        "regime",
        "due_days",
        "recertify_months",
        BooleanColumn("is_active", label=gettext_lazy("Active")),
    ]


# Roles


class RoleIndexView(generic.IndexView):
    def get_base_queryset(self) -> QuerySet:
        return super().get_base_queryset().select_related("user", "organisation")


class OrganisationRoleViewSet(RoleGrantedViewSet):
    model = OrganisationRole
    form_class = OrganisationRoleForm
    name = "lms_roles"
    url_prefix = "personal/roles"
    icon = "key"
    menu_label = gettext_lazy("Roles")
    index_view_class = RoleIndexView
    ordering = ["user__last_name", "user__first_name", "role"]
    list_display = [
        Column("user", label=gettext_lazy("User"), accessor=lambda role: role.user),
        "role",
        Column(
            "organisation",
            label=gettext_lazy("Unit"),
            accessor=lambda role: role.organisation or _("All units"),
        ),
    ]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    list_filter = ["role"]


# The menu


class ImportMenuItem(MenuItem):
    """The link to the HR import page, for those who may import staff."""

    def __init__(self, order: int):
        super().__init__(
            gettext_lazy("Import staff"),
            url=reverse("lms_staff_import"),
            name="lms-staff-import",
            icon_name="upload",
            order=order,
        )

    def is_shown(self, request) -> bool:
        return staff_policy.user_has_permission(request.user, "add")


class PersonnelViewSetGroup(ViewSetGroup):
    menu_label = gettext_lazy("Personnel")
    menu_icon = "group"
    menu_order = 250
    items = (
        StaffViewSet,
        OrganisationViewSet,
        TrainingRequirementViewSet,
        OrganisationRoleViewSet,
    )

    def get_submenu_items(self) -> list:
        items = super().get_submenu_items()
        return [
            *items,
            ImportMenuItem(order=len(items) + 1),
            ExtensionRequestsMenuItem(order=len(items) + 2),
        ]
