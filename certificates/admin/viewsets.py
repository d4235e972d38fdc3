"""The certificates' admin: a read-only listing and inspect view, plus actions.

Certificates are only ever issued by completing a course and changed only by
the actions in certificates.admin.actions, so the admin offers no add, edit or
delete view.
"""

from __future__ import annotations

from django.contrib.admin.utils import quote
from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.ui.tables import StatusTagColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import BaseButton, Button, HeaderButton

from certificates.admin import actions as admin_actions
from certificates.admin.actions import NAMESPACE, admin_url, can_act
from certificates.admin.filters import (
    SEARCH_FIELDS,
    CertificateFilterSet,
    filter_params,
    search,
)
from certificates.models import Certificate, Status
from lms.models import User

# Who may see certificates at all: "view" to look, "revoke" to act as well.
SEE_PERMISSIONS = ["view", "revoke"]


def action_buttons(
    user: User, certificate: Certificate, button_class: type[BaseButton]
) -> list[BaseButton]:
    """Return buttons for the actions the user may take on the certificate."""
    if not can_act(user):
        return []
    status = certificate.status(today=timezone.localdate())
    actions = [("render", _("Re-render PDF"), "rotate", 10)]
    if status in (Status.VALID, Status.EXPIRED):
        actions.append(("reissue", _("Re-issue"), "resubmit", 20))
    if status != Status.REVOKED:
        actions.append(("revoke", _("Revoke"), "cross", 30))
    return [
        button_class(
            label, url=admin_url(name, certificate), icon_name=icon, priority=priority
        )
        for name, label, icon, priority in actions
    ]


class StatusColumn(StatusTagColumn):
    def get_value(self, instance: Certificate) -> str:
        return instance.status(today=timezone.localdate()).label


class CertificateIndexView(IndexView):
    any_permission_required = SEE_PERMISSIONS

    @cached_property
    def header_buttons(self) -> list:
        if not can_act(self.request.user):
            return super().header_buttons
        url = reverse("certificate_exports:start")
        if query := urlencode(filter_params(self.request.GET)):
            url = f"{url}?{query}"
        label = _("Export PDFs (ZIP)")
        export = HeaderButton(label, url=url, icon_name="download", priority=50)
        return [*super().header_buttons, export]

    def search_queryset(self, queryset: QuerySet) -> QuerySet:
        if not self.is_searching:
            return queryset
        return search(queryset, self.search_query)

    def order_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().order_queryset(queryset)
        # Many certificates share an issue date; the key keeps pages stable.
        return queryset.order_by(*queryset.query.order_by, "-pk")

    def get_inspect_url(self, instance: Certificate) -> str | None:
        if self.user_has_any_permission(SEE_PERMISSIONS):
            return reverse(self.inspect_url_name, args=[quote(instance.pk)])
        return None

    def get_list_more_buttons(self, instance: Certificate) -> list:
        buttons = super().get_list_more_buttons(instance)
        return buttons + action_buttons(self.request.user, instance, Button)


class CertificateInspectView(InspectView):
    any_permission_required = SEE_PERMISSIONS
    # Fields whose label is not their translated verbose name.
    labels = {
        "status": _("Status"),
        "supersedes": _("Replaces"),
        "completion": _("completion"),
        "created_at": _("created at"),
    }

    def get_object(self, queryset=None) -> Certificate:
        related = ["person", "course", "revoked_by", "superseded_by", "supersedes"]
        return get_object_or_404(
            Certificate.objects.select_related(*related), pk=self.pk
        )

    @cached_property
    def header_buttons(self) -> list:
        return action_buttons(self.request.user, self.object, HeaderButton)

    @cached_property
    def header_more_buttons(self) -> list:
        url = admin_url("history", self.object)
        return [Button(_("History"), url=url, icon_name="history")]

    def get_field_label(self, field_name: str, field) -> str:
        if field_name in self.labels:
            return capfirst(self.labels[field_name])
        return super().get_field_label(field_name, field)

    def get_field_display_value(self, field_name: str, field):
        value = super().get_field_display_value(field_name, field)
        return "-" if value is None or value == "" else value

    def get_status_display_value(self) -> str:
        return self.object.status(today=timezone.localdate()).label

    def get_superseded_by_display_value(self) -> str:
        return _inspect_link(self.object.superseded_by)

    def get_supersedes_display_value(self) -> str:
        return _inspect_link(getattr(self.object, "supersedes", None))

    def get_issuer_display_value(self) -> str:
        issuer = self.object.issuer
        signatories = format_html_join(
            "", "<br>{} – {}", ((s["name"], s["post"]) for s in issuer["signatories"])
        )
        return format_html("{}{}", issuer.get("name", ""), signatories)

    def get_delivery_display_value(self) -> str:
        delivery = self.object.delivery
        if not delivery:
            return _("Online")
        return format_html(
            "{} ({})<br>{} – {}",
            delivery.get("trainer", ""),
            delivery.get("trainer_code", ""),
            delivery.get("place", ""),
            delivery.get("partner", ""),
        )

    def get_pdf_display_value(self) -> str:
        pdf = self.object.pdf
        if not pdf:
            return "-"
        return format_html(
            '<a href="{}">{}</a>', admin_url("pdf", self.object), pdf.name
        )


class CertificatePdfView(CertificateInspectView):
    """The stored PDF, for whoever may inspect the certificate.

    Served by Django from any storage: the media folder is never published,
    as it holds personal data.
    """

    def get(self, request, *args, **kwargs) -> FileResponse:
        certificate = self.get_object()
        if not certificate.pdf:
            raise Http404
        return FileResponse(
            certificate.pdf.open("rb"),
            filename=f"{certificate.code}.pdf",
            content_type="application/pdf",
        )


class CertificateHistoryView(HistoryView):
    any_permission_required = SEE_PERMISSIONS
    header_buttons = []  # its parent offers "Edit", and there is no editing


class CertificateURLFinder(ModelAdminURLFinder):
    """Link log entries and reports to the inspect view, there being no edit view."""

    def get_edit_url(self, instance: Certificate) -> str | None:
        if self.user and not (
            self.user.has_perm("certificates.view_certificate") or can_act(self.user)
        ):
            return None
        return admin_url("inspect", instance)


class CertificateViewSet(ModelViewSet):
    model = Certificate
    name = NAMESPACE
    url_prefix = "certificates"
    menu_label = _("Certificates")
    icon = "clipboard-list"
    add_to_admin_menu = True
    menu_order = 300
    index_view_class = CertificateIndexView
    inspect_view_class = CertificateInspectView
    history_view_class = CertificateHistoryView
    url_finder_class = CertificateURLFinder
    inspect_view_enabled = True
    copy_view_enabled = False
    # Certificates hold no references worth tracking, and tracking them would
    # add queries to every issue.
    add_to_reference_index = False
    list_display = [
        "code",
        "holder_name",
        "course_title",
        "issued_on",
        "expires_on",
        StatusColumn(
            "status",
            label=_("Status"),
            primary=lambda certificate: (
                certificate.status(today=timezone.localdate()) == Status.VALID
            ),
        ),
    ]
    filterset_class = CertificateFilterSet
    search_fields = SEARCH_FIELDS
    ordering = "-issued_on"
    inspect_view_fields = [
        "code",
        "status",
        "holder_name",
        "holder_document",
        "person",
        "company",
        "representative_name",
        "course",
        "course_title",
        "certificate_title",
        "period",
        "hours",
        "score",
        "issued_on",
        "expires_on",
        "issuer",
        "delivery",
        "completion",
        "revoked_at",
        "revocation_reason",
        "revoked_by",
        "superseded_by",
        "supersedes",
        "pdf",
        "pdf_sha256",
        "delivered_at",
        "created_at",
    ]

    def get_common_view_kwargs(self, **kwargs) -> dict:
        # No view may link to adding, editing or deleting: there are none.
        return super().get_common_view_kwargs(
            add_url_name=None, edit_url_name=None, delete_url_name=None, **kwargs
        )

    def get_history_view_kwargs(self, **kwargs) -> dict:
        # The history links back to the certificate, which is its inspect view.
        inspect = self.get_url_name("inspect")
        return super().get_history_view_kwargs(edit_url_name=inspect, **kwargs)

    @property
    def pdf_view(self):
        return self.construct_view(CertificatePdfView, **self.get_inspect_view_kwargs())

    def get_permissions_to_register(self) -> QuerySet:
        # Groups are offered only what the admin can do: look, and act.
        codenames = ["view_certificate", "revoke_certificate"]
        return super().get_permissions_to_register().filter(codename__in=codenames)

    def get_urlpatterns(self) -> list:
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
            path("pdf/<int:pk>/", self.pdf_view, name="pdf"),
            path("history/<int:pk>/", self.history_view, name="history"),
            path(
                "history-results/<int:pk>/",
                self.history_results_view,
                name="history_results",
            ),
            path("revoke/<int:pk>/", admin_actions.revoke, name="revoke"),
            path("render/<int:pk>/", admin_actions.render_again, name="render"),
            path("reissue/<int:pk>/", admin_actions.reissue, name="reissue"),
        ]


def _inspect_link(certificate: Certificate | None) -> str:
    if certificate is None:
        return "-"
    return format_html(
        '<a href="{}">{}</a>', admin_url("inspect", certificate), certificate.code
    )
