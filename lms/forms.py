from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from courses.models import TitleForm
from lms.accounts.privacy import record_consent
from lms.identity import DocumentType, normalise_document_number
from lms.invitations import claim_at_signup
from lms.models import Person


class SignupForm(forms.Form):
    """Extra sign-up fields: certificates carry the holder's name and document."""

    first_name = forms.CharField(label=_("First names"), max_length=150)
    last_name = forms.CharField(label=_("Last names"), max_length=150)
    document_type = forms.ChoiceField(
        label=_("Document type"), choices=DocumentType.choices, initial=DocumentType.DNI
    )
    document_number = forms.CharField(label=_("Document number"), max_length=20)
    title_form = forms.ChoiceField(
        label=_("How should your certificate titles read?"),
        choices=TitleForm.choices,
        initial=TitleForm.NEUTRAL,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("You can change it later in My account."),
    )
    privacy_consent = forms.BooleanField(
        label=_(
            "I agree that the Regional Government of Cajamarca processes my "
            "personal data to run my courses and issue my certificates, under "
            "Ley 29733 (Personal Data Protection Law)."
        ),
        error_messages={"required": _("Your consent is needed to create an account.")},
        help_text=format_lazy(
            '<a href="{}" target="_blank">{}</a>',
            reverse_lazy("accounts:privacy"),
            _("Read the privacy notice: what is kept, why, for how long, who sees it."),
        ),
    )

    field_order = [
        "first_name",
        "last_name",
        "document_type",
        "document_number",
        "email",
        "password1",
        "password2",
        "title_form",
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
        return cleaned

    @transaction.atomic
    def signup(self, request, user) -> None:
        data = self.cleaned_data
        user.first_name = data["first_name"].strip()
        user.last_name = data["last_name"].strip()
        user.save(update_fields=["first_name", "last_name"])
        claim_at_signup(
            user=user,
            document_type=data["document_type"],
            document_number=data["document_number"],
        )
        # Only an account that got its person now takes the choice: a staff
        # record's person is linked later, and chooses in My account.
        Person.objects.filter(user=user).update(
            title_form=data["title_form"] or TitleForm.NEUTRAL
        )
        record_consent(user=user, now=timezone.now())
