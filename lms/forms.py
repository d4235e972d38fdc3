from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from lms.identity import DocumentType, normalise_document_number
from lms.invitations import may_link_at_signup
from lms.models import Person, StaffMember


class SignupForm(forms.Form):
    """Extra sign-up fields: certificates carry the holder's name and document."""

    first_name = forms.CharField(label=_("First names"), max_length=150)
    last_name = forms.CharField(label=_("Last names"), max_length=150)
    document_type = forms.ChoiceField(
        label=_("Document type"), choices=DocumentType.choices, initial=DocumentType.DNI
    )
    document_number = forms.CharField(label=_("Document number"), max_length=20)
    privacy_consent = forms.BooleanField(
        label=_(
            "I agree that the Regional Government of Cajamarca processes my "
            "personal data to run my courses and issue my certificates, under "
            "Ley 29733 (Personal Data Protection Law)."
        ),
        error_messages={"required": _("Your consent is needed to create an account.")},
    )

    field_order = [
        "first_name",
        "last_name",
        "document_type",
        "document_number",
        "email",
        "password1",
        "password2",
        "privacy_consent",
    ]

    def clean(self):
        cleaned = super().clean()
        document_type = cleaned.get("document_type")
        raw_number = cleaned.get("document_number")
        if not (document_type and raw_number):
            return cleaned
        try:
            number = normalise_document_number(document_type, raw_number)
        except ValidationError as error:
            self.add_error("document_number", error)
            return cleaned
        cleaned["document_number"] = number
        owner = Person.objects.filter(
            document_type=document_type, document_number=number, user__isnull=False
        )
        if owner.exists():
            self.add_error(
                "document_number",
                _(
                    "This document already belongs to an account. Log in with it, "
                    "or write to the integrity office if it is not yours."
                ),
            )
            return cleaned
        email = cleaned.get("email")
        if email and not may_link_at_signup(
            document_type=document_type, document_number=number, email=email
        ):
            self.add_error(
                "document_number",
                _(
                    "This DNI belongs to a staff record of the Regional Government. "
                    "Sign up with your institutional email, or ask HR for an "
                    "invitation."
                ),
            )
        return cleaned

    @transaction.atomic
    def signup(self, request, user) -> None:
        data = self.cleaned_data
        user.first_name = data["first_name"].strip()
        user.last_name = data["last_name"].strip()
        user.save(update_fields=["first_name", "last_name"])
        # A staff record is claimed only once its institutional email is
        # confirmed (lms.receivers): knowing someone's DNI and work address
        # must not be enough to take their record.
        if StaffMember.objects.filter(
            person__document_type=data["document_type"],
            person__document_number=data["document_number"],
        ).exists():
            return
        # HR may have registered the person before they had an account.
        Person.objects.update_or_create(
            document_type=data["document_type"],
            document_number=data["document_number"],
            user=None,
            defaults={
                "user": user,
                "first_names": user.first_name,
                "last_names": user.last_name,
            },
        )
