"""Sending an invitation from the admin, and accepting it on the public site."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms import invitations
from lms.scopes import staff_for_user


@require_POST
def invite(request: HttpRequest, staff_id: int) -> HttpResponse:
    staff = staff_for_user(request.user, staff_id, manage=True)
    try:
        invitations.invite(staff=staff, by=request.user, now=timezone.now())
    except invitations.InvitationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Invitation sent to %(email)s.") % {"email": staff.email}
        )
    return redirect("lms_staff_detail", staff.pk)


def accept_invitation(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    staff = invitations.staff_for_link(uidb64, token)
    if staff is None:
        return unavailable(request, _("This invitation link is not valid."))
    if invitations.email_has_account(staff.email):
        return unavailable(request, _("An account with this email already exists."))
    form = SetPasswordForm(invitations.new_account(staff), request.POST or None)
    if not form.is_valid():
        return render(
            request, "lms/invitation_accept.html", {"form": form, "staff": staff}
        )
    try:
        user = invitations.accept_invitation(
            staff=staff, password=form.cleaned_data["new_password1"]
        )
    except invitations.InvitationError as error:
        return unavailable(request, str(error))
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, _("Welcome! Your account is ready."))
    return redirect("lms:my_courses")


def unavailable(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "lms/invitation_unavailable.html", {"reason": reason})


# Registered in the Wagtail admin, which requires a staff role to open.
admin_urlpatterns = [
    path("personal/<int:staff_id>/invitar/", invite, name="lms_staff_invite"),
]
