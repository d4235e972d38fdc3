"""Company pages: registration, the company page, invitations, the registry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from courses.search_terms import validate_search_terms
from lms.companies import registration
from lms.companies.forms import CompanyForm, InviteForm, ProofForm
from lms.companies.models import Company
from lms.lib.uploads import limit_upload

REGISTRY_PAGE_SIZE = 25


@login_required
@require_http_methods(["GET", "POST"])
@limit_upload(registration.MAX_PROOF_BYTES)
def register(request: HttpRequest) -> HttpResponse:
    form = CompanyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            company = registration.register_company(
                user=request.user, now=timezone.now(), **form.cleaned_data
            )
        except registration.CompanyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _(
                    "%(name)s is registered and in review: the integrity office "
                    "checks your proof of representation."
                )
                % {"name": company.legal_name},
            )
            return redirect("companies:detail", ruc=company.ruc)
    return render(request, "lms/companies/register.html", {"form": form})


def _certificate_row(certificate, *, today: date) -> dict:
    # `certificate` comes through Company.certificates, the reverse relation
    # of certificates.Certificate.company: lms reads it by name, unimported.
    return {"certificate": certificate, "status": certificate.status(today=today)}


def _certificate_rows(company: Company) -> list[dict]:
    today = timezone.localdate()
    return [
        _certificate_row(certificate, today=today)
        for certificate in company.certificates.all()
    ]


def _render_detail(
    request: HttpRequest,
    company: Company,
    invite_form: InviteForm | None = None,
    proof_form: ProofForm | None = None,
) -> HttpResponse:
    is_representative = company.is_represented_by(request.user)
    context = {
        "company": company,
        "certificates": _certificate_rows(company),
        "is_representative": is_representative,
    }
    if is_representative and company.awaits_proof():
        context["proof_form"] = proof_form or ProofForm()
    if is_representative:
        context["members"] = company.members.select_related("person").order_by("email")
        context["invite_form"] = invite_form or InviteForm()
        context["progress"] = registration.company_progress(
            company=company, today=timezone.localdate()
        )
    return render(request, "lms/companies/detail.html", context)


def _company(request: HttpRequest, ruc: str) -> Company:
    company = registration.for_page(request.user, ruc)
    if company is None:
        raise Http404
    return company


def _own_company(request: HttpRequest, ruc: str) -> Company:
    return get_object_or_404(
        registration.represented_by(request.user).select_related("representative"),
        ruc=ruc,
    )


# The company page and the registry name each company's representative.
@never_cache
def detail(request: HttpRequest, ruc: str) -> HttpResponse:
    return _render_detail(request, _company(request, ruc))


@login_required
@require_POST
@limit_upload(registration.MAX_PROOF_BYTES)
def upload_proof(request: HttpRequest, ruc: str) -> HttpResponse:
    """Take the representative's proof again, after a rejection or none yet."""
    company = _own_company(request, ruc)
    form = ProofForm(request.POST, request.FILES)
    if form.is_valid():
        return _carry_out(
            request,
            company,
            partial(
                registration.resubmit_proof,
                company=company,
                by=request.user,
                now=timezone.now(),
                **form.cleaned_data,
            ),
            success=_("Your proof is in review by the integrity office."),
        )
    return _render_detail(request, _company(request, ruc), proof_form=form)


@login_required
@require_POST
def invite(request: HttpRequest, ruc: str) -> HttpResponse:
    company = _own_company(request, ruc)
    form = InviteForm(request.POST)
    if form.is_valid():
        email = form.cleaned_data["email"]
        return _carry_out(
            request,
            company,
            partial(
                registration.invite_colleague,
                company=company,
                email=email,
                by=request.user,
                now=timezone.now(),
            ),
            success=_("An invitation was sent to %(email)s.") % {"email": email},
        )
    return _render_detail(request, _company(request, ruc), invite_form=form)


def _carry_out(
    request: HttpRequest,
    company: Company,
    action: Callable[[], object],
    *,
    success: str,
) -> HttpResponse:
    """Do a representative's action, say how it went, and go back to the page."""
    try:
        action()
    except registration.CompanyError as error:
        messages.warning(request, str(error))
    else:
        messages.success(request, success)
    return redirect("companies:detail", ruc=company.ruc)


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponse:
    """Show the invitation and, on POST, link the user's person to the company."""
    member = registration.member_for_token(token)
    if member is None or member.person_id:
        return render(request, "lms/companies/join_unavailable.html", status=404)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.path)
        try:
            registration.join_company(
                member=member, user=request.user, now=timezone.now()
            )
        except registration.CompanyError as error:
            messages.warning(request, str(error))
        else:
            messages.success(
                request,
                _("You joined %(name)s and are enrolled in the business course.")
                % {"name": member.company.legal_name},
            )
            return redirect("lms:my_courses")
    return render(request, "lms/companies/join.html", {"member": member})


@never_cache
def registry(request: HttpRequest) -> HttpResponse:
    query, search_error = request.GET.get("q", ""), None
    try:
        validate_search_terms(query)
    except ValidationError as error:
        query, search_error = "", error.messages[0]
    page = Paginator(registration.registry(query), REGISTRY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    rows = [
        {
            "company": company,
            # The newest, by Certificate's ordering.
            **_certificate_row(company.certificates.all()[0], today=today),
        }
        for company in page
    ]
    return render(
        request,
        "lms/companies/registry.html",
        {"page": page, "rows": rows, "query": query, "search_error": search_error},
    )
