"""The certified trainers' admin: the registry, approving and withdrawing.

Only the integrity officer (and superusers) reach it. Certifications are
made and closed only by lms.trainers.registry, so the admin offers no edit or delete
view: a row is approved once and withdrawn once, and both stay on record.
"""

from __future__ import annotations

from operator import attrgetter

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, StatusTagColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.history import HistoryView

from lms.learning.models import Completion
from lms.lib.dates import short_date
from lms.staff.policies import OFFICER, RolePermissionPolicy, RoleViewSet
from lms.staff.viewsets import title_column
from lms.trainers import registry
from lms.trainers.models import Province, TrainerCertification
from lms.trainers.registry import TrainerError

NAMESPACE = "lms_trainers"
INDEX = f"{NAMESPACE}:index"

# The registry belongs to the integrity officer alone: HR officers and unit
# heads hold no part of it.
trainer_policy = RolePermissionPolicy(
    TrainerCertification,
    {"view": (OFFICER,), "add": (OFFICER,), "change": (OFFICER,)},
)


def certificate_code(certification: TrainerCertification) -> str:
    """Return the code of the qualifying certificate, if one was issued."""
    # The reverse one-to-one of certificates.Certificate.completion: lms may
    # read it by name without importing certificates.
    certificate = getattr(certification.qualification, "certificate", None)
    return certificate.code if certificate else "-"


def approval(certification: TrainerCertification) -> str:
    return _("%(date)s by %(user)s") % {
        "date": short_date(timezone.localdate(certification.approved_at)),
        "user": certification.approved_by,
    }


def status(certification: TrainerCertification) -> str:
    if certification.is_active:
        return _("Active")
    return _("Withdrawn on %(date)s by %(user)s") % {
        "date": short_date(timezone.localdate(certification.withdrawn_at)),
        "user": certification.withdrawn_by,
    }


def qualification_label(completion: Completion) -> str:
    """Describe a completion to choose: holder, masked document, course, date."""
    user = completion.enrolment.user
    # Someone never approved may have no person yet: approval makes one.
    person = getattr(user, "person", None)
    parts = [
        person.full_name if person else str(user),
        person.masked_document() if person else "",
        completion.enrolment.course.title,
        short_date(timezone.localdate(completion.completed_at)),
    ]
    return " · ".join(part for part in parts if part)


class ApproveTrainerForm(forms.ModelForm):
    """The approval's choices; `registry.approve_trainer` checks and saves them.

    A model form for the model's labels and help texts; it is never saved.
    """

    qualification = forms.TypedChoiceField(
        label=gettext_lazy("Qualifying completion"),
        coerce=int,
        help_text=gettext_lazy(
            "Current completions of a trainer course by people who are not "
            "certified trainers."
        ),
    )

    class Meta:
        model = TrainerCertification
        fields = ["qualification", "province", "institution", "listed_publicly"]

    def __init__(self, *args, eligible: list[Completion], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.eligible = {completion.pk: completion for completion in eligible}
        self.fields["qualification"].choices = [
            ("", "---------"),
            *((pk, qualification_label(each)) for pk, each in self.eligible.items()),
        ]

    def clean_qualification(self) -> Completion:
        return self.eligible[self.cleaned_data["qualification"]]


class WithdrawTrainerForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for withdrawal"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Kept with the record and shown in its history."),
    )


def _require(request: HttpRequest, action: str) -> None:
    if not trainer_policy.user_has_permission(request.user, action):
        raise PermissionDenied


def _render(
    request: HttpRequest, template: str, title: str, form: forms.Form, **context
) -> TemplateResponse:
    """Render an admin form page; a refused submission is a 400."""
    context |= {
        "form": form,
        "header_title": title,
        "header_icon": "group",
        "breadcrumbs_items": [
            *WagtailAdminTemplateMixin.breadcrumbs_items,
            {
                "url": reverse(INDEX),
                "label": capfirst(TrainerCertification._meta.verbose_name_plural),
            },
            {"url": "", "label": title},
        ],
    }
    template_name = f"lms/admin/trainers/{template}.html"
    status_code = 400 if form.is_bound else 200
    return TemplateResponse(request, template_name, context, status=status_code)


@require_http_methods(["GET", "POST"])
def approve(request: HttpRequest) -> HttpResponse:
    _require(request, "add")
    eligible = registry.eligible_qualifications(today=timezone.localdate())
    form = ApproveTrainerForm(request.POST or None, eligible=eligible)
    if form.is_valid():
        try:
            certification = registry.approve_trainer(
                **form.cleaned_data, by=request.user, now=timezone.now()
            )
        except TrainerError as error:
            form.add_error(None, str(error))
        else:
            message = _("%(name)s is now a certified trainer.")
            messages.success(request, message % {"name": certification.person})
            return redirect(INDEX)
    return _render(request, "approve", _("Approve a trainer"), form)


@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "change")
    certification = get_object_or_404(
        TrainerCertification.objects.select_related("person", "approved_by"), pk=pk
    )
    if not certification.is_active:
        messages.error(request, str(registry.already_withdrawn(certification)))
        return redirect(INDEX)
    form = WithdrawTrainerForm(request.POST if request.method == "POST" else None)
    if not form.is_valid():
        title = _("Withdraw a trainer")
        return _render(request, "withdraw", title, form, certification=certification)
    try:
        registry.withdraw_trainer(
            certification=certification,
            reason=form.cleaned_data["reason"],
            by=request.user,
            now=timezone.now(),
        )
    except TrainerError as error:  # withdrawn meanwhile by someone else
        messages.error(request, str(error))
    else:
        message = _("%(name)s is no longer a certified trainer.")
        messages.success(request, message % {"name": certification.person})
    return redirect(INDEX)


class TrainerFilterSet(WagtailFilterSet):
    province = django_filters.ChoiceFilter(
        label=gettext_lazy("Province"), choices=Province.choices
    )
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        choices=[
            ("active", gettext_lazy("Active")),
            ("withdrawn", gettext_lazy("Withdrawn")),
        ],
        method="filter_status",
    )

    class Meta:
        model = TrainerCertification
        fields = ["province", "status"]

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "active":
            return queryset.active()
        return queryset.filter(withdrawn_at__isnull=False)


class TrainerIndexView(generic.IndexView):
    add_item_label = gettext_lazy("Approve a trainer")

    def get_base_queryset(self) -> QuerySet:
        return (
            super().get_base_queryset().with_validity(timezone.localdate())
        ).select_related(
            "person", "qualification__certificate", "approved_by", "withdrawn_by"
        )

    @cached_property
    def columns(self) -> list:
        title = title_column(self, accessor=lambda each: each.person.full_name)
        return [title, *super().columns[1:]]

    def get_list_more_buttons(self, instance: TrainerCertification) -> list:
        buttons = super().get_list_more_buttons(instance)
        if instance.is_active:
            url = reverse(f"{NAMESPACE}:withdraw", args=[instance.pk])
            buttons.append(MenuItem(_("Withdraw"), url, icon_name="cross", priority=10))
        history = reverse(f"{NAMESPACE}:history", args=[instance.pk])
        buttons.append(
            MenuItem(_("History"), history, icon_name="history", priority=20)
        )
        return buttons


class TrainerHistoryView(HistoryView):
    header_buttons = []  # its parent offers "Edit", and there is no editing


class TrainerViewSet(RoleViewSet):
    model = TrainerCertification
    # Rows link to their history, there being no edit view.
    row_url_name = "history"
    name = NAMESPACE
    url_prefix = "formadores"
    icon = "group"
    menu_label = gettext_lazy("Certified trainers")
    add_to_admin_menu = True
    # Just after Personnel (250), whose group this viewset cannot join.
    menu_order = 260
    index_view_class = TrainerIndexView
    history_view_class = TrainerHistoryView
    copy_view_enabled = False
    add_to_reference_index = False
    filterset_class = TrainerFilterSet
    ordering = ["person__last_names", "person__first_names", "-approved_at"]
    list_display = [
        "__str__",
        Column(
            "document",
            label=gettext_lazy("Document"),
            accessor=lambda each: each.person.masked_document(),
        ),
        Column(
            "province", label=gettext_lazy("Province"), accessor="get_province_display"
        ),
        "institution",
        Column(
            "certificate",
            label=gettext_lazy("Qualifying certificate"),
            accessor=certificate_code,
        ),
        Column("approved", label=gettext_lazy("Approved"), accessor=approval),
        Column("status", label=gettext_lazy("Status"), accessor=status),
        StatusTagColumn(
            "valid_today",
            label=gettext_lazy("Valid today"),
            accessor=lambda each: _("Yes") if each.is_valid else _("No"),
            primary=attrgetter("is_valid"),
        ),
    ]

    def get_urlpatterns(self) -> list:
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("aprobar/", approve, name="add"),
            path("<int:pk>/retirar/", withdraw, name="withdraw"),
            path("history/<int:pk>/", self.history_view, name="history"),
            path(
                "history-results/<int:pk>/",
                self.history_results_view,
                name="history_results",
            ),
        ]
