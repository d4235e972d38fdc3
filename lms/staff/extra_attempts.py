"""The integrity office's page of learners out of attempts, where it grants more.

HR grants another attempt on the person's page (lms.staff.views), to staff of
its units. Citizens and company representatives have no staff record, so the
integrity officer grants theirs here, and may grant anyone's: the page lists
every enrolment out of attempts. Each grant goes through
lms.learning.assessment.grant_extra_attempt, which checks the rule again under a lock
(a double click grants once) and audits it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from wagtail.admin import messages
from wagtail.admin.forms.search import SearchForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from courses.search_terms import match_every_word
from lms.learning.assessment import (
    AssessmentError,
    Standing,
    grant_extra_attempt,
    out_of_attempts,
)
from lms.learning.models import Enrolment, ExtraAttempt
from lms.staff.forms import GrantAttemptForm
from lms.staff.policies import OFFICER, RolePermissionPolicy

INDEX = "lms_extra_attempts"
GRANT = "lms_extra_attempts_grant"
TEMPLATE = "lms/admin/extra_attempts/index.html"
PAGE_SIZE = 25
# A person is found by their document, names or e-mail; an account with no
# person (an administrator's) by the account's names.
SEARCH_FIELDS = [
    "user__person__document_number",
    "user__person__first_names",
    "user__person__last_names",
    "user__first_name",
    "user__last_name",
    "user__email",
]
# The list shows everyone's e-mail and document: the integrity officer's alone.
extra_attempt_policy = RolePermissionPolicy(
    ExtraAttempt, {"view": (OFFICER,), "add": (OFFICER,)}
)


@dataclass(frozen=True)
class Row:
    """One enrolment out of attempts, as the officer reads it."""

    enrolment: Enrolment
    name: str
    document: str
    email: str
    attempts_used: int
    last_attempt_at: datetime
    grants: int  # every grant, those before a completion too

    @classmethod
    def of(cls, enrolment: Enrolment, where: Standing) -> Row:
        user = enrolment.user
        # Accounts that predate identity documents have no person.
        person = getattr(user, "person", None)
        return cls(
            enrolment=enrolment,
            name=person.full_name if person else str(user),
            document=person.masked_document() if person else "",
            email=user.email,
            attempts_used=where.attempts_used,
            last_attempt_at=where.attempts[-1].submitted_at,
            grants=len(enrolment.extra_attempts.all()),
        )


def rows_out_of_attempts(query: str, *, today: date) -> list[Row]:
    """Return the rows of everyone out of attempts, the latest attempts first."""
    enrolments = Enrolment.objects.select_related("user__person")
    found = out_of_attempts(
        match_every_word(enrolments, query, SEARCH_FIELDS), today=today
    )
    rows = [Row.of(enrolment, where) for enrolment, where in found]
    # The pk keeps the order of one moment's attempts the same page to page.
    return sorted(
        rows, key=lambda row: (row.last_attempt_at, row.enrolment.pk), reverse=True
    )


class EnrolmentPaginator(WagtailPaginator):
    # A list has no model to name its rows by ("items", untranslated).
    model = Enrolment


class ExtraAttemptMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return extra_attempt_policy.user_has_permission(request.user, "view")


def _require(request: HttpRequest, action: str) -> None:
    # Checked before any lookup, so others cannot tell which enrolments exist.
    if not extra_attempt_policy.user_has_permission(request.user, action):
        raise PermissionDenied


@require_GET
def index(request: HttpRequest) -> TemplateResponse:
    """List the enrolments out of attempts, the latest attempts first."""
    _require(request, "view")
    search_form = SearchForm(request.GET, placeholder=_("Document, name or e-mail"))
    # Terms over courses.search_terms' caps search nothing, the message by the box.
    query = search_form.cleaned_data["q"] if search_form.is_valid() else ""
    rows = rows_out_of_attempts(query, today=timezone.localdate())
    paginator = EnrolmentPaginator(rows, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("p"))
    context = {
        "page": page,
        "elided_page_range": paginator.get_elided_page_range(page.number),
        "search_form": search_form,
        "query": query,
        "grant_form": GrantAttemptForm(),
        "header_title": _("Extra attempts"),
        "header_icon": "rotate",
        "breadcrumbs_items": [
            *WagtailAdminTemplateMixin.breadcrumbs_items,
            {"url": "", "label": _("Extra attempts")},
        ],
    }
    return TemplateResponse(request, TEMPLATE, context)


@require_POST
def grant(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    """Grant one more attempt at the enrolment's assessment, saying why."""
    _require(request, "add")
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("course", "user"), pk=enrolment_id
    )
    form = GrantAttemptForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["reason"][0])
        return _back_to_list(request)
    try:
        grant_extra_attempt(
            enrolment=enrolment,
            reason=form.cleaned_data["reason"],
            by=request.user,
            now=timezone.now(),
        )
    except AssessmentError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Another attempt at %(course)s granted to %(email)s.")
            % {"course": enrolment.course.title, "email": enrolment.user.email},
        )
    return _back_to_list(request)


def _back_to_list(request: HttpRequest) -> HttpResponse:
    """Return to the list with the search and page the form was sent from."""
    kept = {key: request.GET[key] for key in ("q", "p") if request.GET.get(key)}
    return redirect(reverse(INDEX) + (f"?{urlencode(kept)}" if kept else ""))


urlpatterns = [
    path("intentos-adicionales/", index, name=INDEX),
    path("intentos-adicionales/<int:enrolment_id>/otorgar/", grant, name=GRANT),
]


def menu_item() -> MenuItem:
    return ExtraAttemptMenuItem(
        gettext_lazy("Extra attempts"),
        reverse(INDEX),
        name="lms-extra-attempts",
        icon_name="rotate",
        # Just after the companies (270), the integrity office's other queue.
        order=280,
    )
