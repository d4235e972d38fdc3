"""The companies' admin: reviewing proof of representation.

Only the integrity officer (and superusers) reach it. A request is approved,
rejected with a reason, or corrected and approved, each by lms.companies.registration,
which audits it; the proof is served from private storage by a view that
checks the same permission. There is no add, edit or delete view.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from lms.companies import registration
from lms.companies.models import Company, CompanyStatus
from lms.lib.audit import audit
from lms.staff.policies import OFFICER, RolePermissionPolicy, RoleViewSet

NAMESPACE = "lms_companies"
INDEX = f"{NAMESPACE}:index"
PROOF_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}

# Proofs carry people's identity documents: the integrity officer's alone.
company_policy = RolePermissionPolicy(
    Company, {"view": (OFFICER,), "change": (OFFICER,)}
)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for rejection"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "The representative reads it on the company page: say what to "
            "upload instead."
        ),
    )


class CorrectForm(forms.ModelForm):
    """The company's data as the proof shows it; lms.companies.registration saves it."""

    class Meta:
        model = Company
        fields = list(registration.CORRECTABLE_FIELDS)


def admin_url(name: str, company: Company) -> str:
    return reverse(f"{NAMESPACE}:{name}", args=[company.pk])


def _company(request: HttpRequest, pk: int) -> Company:
    # Checked before the lookup, so others cannot tell which requests exist.
    if not company_policy.user_has_permission(request.user, "change"):
        raise PermissionDenied
    return get_object_or_404(
        Company.objects.select_related("representative__user", "reviewed_by"), pk=pk
    )


def _render(
    request: HttpRequest,
    company: Company,
    action: str,
    title: str,
    form: forms.Form | None,
    submit: str,
) -> TemplateResponse:
    """Render the request beside the form of one decision; a refusal is a 400."""
    context = {
        "company": company,
        "form": form,
        "submit": submit,
        "action_url": admin_url(action, company),
        "proof_url": admin_url("proof", company) if company.proof else "",
        "header_title": f"{title}: {company.legal_name}",
        "header_icon": "site",
        "breadcrumbs_items": [
            *WagtailAdminTemplateMixin.breadcrumbs_items,
            {
                "url": reverse(INDEX),
                "label": capfirst(Company._meta.verbose_name_plural),
            },
            {"url": "", "label": title},
        ],
    }
    status = 400 if form is not None and form.is_bound else 200
    return TemplateResponse(
        request, "lms/admin/companies/review.html", context, status=status
    )


def _decided(request: HttpRequest, company: Company, message: str) -> HttpResponse:
    messages.success(request, message % {"name": company.legal_name})
    return redirect(INDEX)


@require_http_methods(["GET", "POST"])
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    company = _company(request, pk)
    if request.method != "POST":
        return _render(request, company, "approve", _("Approve"), None, _("Approve"))
    try:
        registration.approve_company(
            company=company, by=request.user, now=timezone.now()
        )
    except registration.CompanyError as error:
        messages.error(request, str(error))
        return redirect(INDEX)
    return _decided(request, company, _("%(name)s is approved."))


@require_http_methods(["GET", "POST"])
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    company = _company(request, pk)
    form = RejectForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            registration.reject_company(
                company=company,
                reason=form.cleaned_data["reason"],
                by=request.user,
                now=timezone.now(),
            )
        except registration.CompanyError as error:
            form.add_error(None, str(error))
        else:
            return _decided(request, company, _("The request of %(name)s is rejected."))
    return _render(request, company, "reject", _("Reject"), form, _("Reject"))


@require_http_methods(["GET", "POST"])
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    company = _company(request, pk)
    data = request.POST if request.method == "POST" else None
    # Bound to a copy: the page keeps showing the data as submitted.
    form = CorrectForm(
        data, instance=Company(legal_name=company.legal_name, address=company.address)
    )
    if form.is_valid():
        try:
            registration.approve_company(
                company=company,
                by=request.user,
                now=timezone.now(),
                corrections=form.cleaned_data,
            )
        except registration.CompanyError as error:
            form.add_error(None, str(error))
        else:
            return _decided(request, company, _("%(name)s is corrected and approved."))
    title = _("Correct and approve")
    return _render(request, company, "correct", title, form, title)


@require_GET
def proof(request: HttpRequest, pk: int) -> FileResponse:
    """Serve the proof from private storage to the integrity officer."""
    company = _company(request, pk)
    if not company.proof:
        raise Http404
    extension = company.proof.name.rpartition(".")[2]
    audit("company_proof_viewed", company_id=company.pk, ruc=company.ruc)
    # The type is the one its first bytes proved at upload, and nosniff
    # (Django's default) keeps browsers to it.
    return FileResponse(
        company.proof.open("rb"),
        filename=f"representacion-{company.ruc}.{extension}",
        content_type=PROOF_TYPES[extension],
    )


def status_label(company: Company) -> str:
    if company.status == CompanyStatus.PENDING and not company.proof:
        return _("Awaiting proof")
    return company.get_status_display()


class CompanyFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"), choices=CompanyStatus.choices
    )

    class Meta:
        model = Company
        fields = ["status"]


class CompanyIndexView(generic.IndexView):
    def get_base_queryset(self) -> QuerySet:
        return super().get_base_queryset().select_related("representative")

    def get_list_more_buttons(self, instance: Company) -> list:
        buttons = super().get_list_more_buttons(instance)
        if instance.status != CompanyStatus.PENDING or not instance.proof:
            return buttons
        actions = [
            ("approve", _("Approve"), "check", 10),
            ("correct", _("Correct and approve"), "edit", 20),
            ("reject", _("Reject"), "cross", 30),
        ]
        return buttons + [
            MenuItem(label, admin_url(name, instance), icon_name=icon, priority=order)
            for name, label, icon, order in actions
        ]


class CompanyViewSet(RoleViewSet):
    model = Company
    # Rows link to their approval page, there being no edit view.
    row_url_name = "approve"
    hidden_url_names = ("add_url_name", "edit_url_name", "delete_url_name")
    name = NAMESPACE
    url_prefix = "empresas"
    icon = "site"
    menu_label = gettext_lazy("Companies")
    add_to_admin_menu = True
    # Just after the certified trainers (260).
    menu_order = 270
    index_view_class = CompanyIndexView
    copy_view_enabled = False
    inspect_view_enabled = False
    add_to_reference_index = False
    filterset_class = CompanyFilterSet
    search_fields = ["ruc", "legal_name"]
    # The latest proofs first: those are the ones awaiting review.
    ordering = ["-proof_uploaded_at"]
    list_display = [
        "legal_name",
        "ruc",
        Column(
            "representative",
            label=gettext_lazy("Representative"),
            accessor=lambda each: each.representative.full_name,
        ),
        Column("status", label=gettext_lazy("Status"), accessor=status_label),
        "proof_uploaded_at",
    ]

    def get_urlpatterns(self) -> list:
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("<int:pk>/aprobar/", approve, name="approve"),
            path("<int:pk>/rechazar/", reject, name="reject"),
            path("<int:pk>/corregir/", correct, name="correct"),
            path("<int:pk>/documento/", proof, name="proof"),
        ]
