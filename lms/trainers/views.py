"""Public pages of certified trainers: the list by province, and one's consent.

The list shows a trainer's name and institution only, and only with the
trainer's agreement (Ley 29733): never a document number or an e-mail.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lms.trainers import registry
from lms.trainers.models import TrainerCertification


class ListingForm(forms.Form):
    # Unticked, or missing, means no: the safe answer for personal data.
    listed = forms.BooleanField(required=False)


def trainer_list(request: HttpRequest) -> HttpResponse:
    provinces = registry.listed_by_province(today=timezone.localdate())
    context = {
        "provinces": provinces,
        "total": sum(len(listed) for _province, listed in provinces),
    }
    return render(request, "lms/trainers/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def listing(request: HttpRequest) -> HttpResponse:
    """Let a certified trainer agree to the public list, or stop agreeing."""
    certification = get_object_or_404(
        TrainerCertification.objects.for_user(request.user).active()
    )
    if request.method == "POST":
        form = ListingForm(request.POST)
        form.is_valid()  # a lone optional checkbox is always valid
        listed = form.cleaned_data["listed"]
        registry.set_listing(certification=certification, listed=listed)
        if listed:
            messages.success(request, _("You now appear on the public list."))
        else:
            messages.success(request, _("You no longer appear on the public list."))
        return redirect("trainers:listing")
    context = {
        "certification": certification,
        "valid_today": certification.is_valid_on(timezone.localdate()),
    }
    return render(request, "lms/trainers/listing.html", context)
