"""My account: one's own data, its download, the privacy notice and erasure."""

from __future__ import annotations

import json

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.accounts.erasure import erase_account, erasure_plan
from lms.accounts.forms import ErasureForm, PersonalDataForm
from lms.accounts.models import Consent
from lms.accounts.personal_data import personal_data
from lms.accounts.privacy import PRIVACY_NOTICE_VERSION
from lms.lib.audit import audit
from lms.lib.pdf import render_html_pdf
from lms.people.models import Person
from lms.staff.models import StaffMember


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """Show the account's data and security, and save corrected names."""
    person = Person.objects.for_user(request.user)
    form = PersonalDataForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        _save_personal_data(form)
        messages.success(request, _("Your data has been saved."))
        return redirect("accounts:account")
    context = {
        "form": form,
        "person": person,
        "has_second_factor": Authenticator.objects.filter(
            user=request.user, type=Authenticator.Type.TOTP
        ).exists(),
        "consent": Consent.objects.filter(user=request.user).first(),
        "has_staff_record": StaffMember.objects.filter(person=person).exists(),
    }
    return render(request, "lms/accounts/account.html", context)


@transaction.atomic
def _save_personal_data(form: PersonalDataForm) -> None:
    """Save the person, and name the account alike: e-mails greet it by name."""
    person = form.save()
    user = person.user
    user.first_name, user.last_name = person.first_names, person.last_names
    user.save(update_fields=["first_name", "last_name"])


@login_required
def data_json(request: HttpRequest) -> HttpResponse:
    data = personal_data(request.user, now=timezone.localtime())
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mis-datos.json"'
    audit("personal_data_downloaded", format="json")
    return response


@login_required
def data_pdf(request: HttpRequest) -> HttpResponse:
    data = personal_data(request.user, now=timezone.localtime())
    html = render_to_string(
        "lms/accounts/personal_data_pdf.html", {"data": data}, request=request
    )
    response = HttpResponse(render_html_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="mis-datos.pdf"'
    audit("personal_data_downloaded", format="pdf")
    return response


@login_required
def erase(request: HttpRequest) -> HttpResponse:
    """Say what erasure removes and keeps; erase once the password is typed."""
    form = ErasureForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        erase_account(user=request.user, now=timezone.now())
        logout(request)
        return redirect("accounts:erased")
    plan = erasure_plan(request.user, today=timezone.localdate())
    return render(request, "lms/accounts/erase.html", {"form": form, "plan": plan})


def erased(request: HttpRequest) -> HttpResponse:
    return render(request, "lms/accounts/erased.html")


def privacy_notice(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "lms/accounts/privacy_notice.html",
        {"version": PRIVACY_NOTICE_VERSION},
    )
