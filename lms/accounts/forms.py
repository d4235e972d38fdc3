"""Forms of My account: one's own names and title form, and erasure."""

from __future__ import annotations

from allauth.core import ratelimit
from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from courses.models import TitleForm
from lms.accounts.privacy import record_consent
from lms.people.identity import DocumentType, normalise_document_number
from lms.people.models import Person
from lms.staff.invitations import claim_at_signup


class PersonalDataForm(forms.ModelForm):
    """The names and the title form a person may correct themselves.

    The identity document is not here: once a person has an account, only
    the integrity officer changes it (lms.staff.scopes.Scope.owns_identity).
    """

    title_form = forms.ChoiceField(
        label=_("How should your certificate titles read?"),
        choices=TitleForm.choices,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Person
        fields = ["first_names", "last_names", "title_form"]

    def clean_first_names(self) -> str:
        return self.cleaned_data["first_names"].strip()

    def clean_last_names(self) -> str:
        return self.cleaned_data["last_names"].strip()


class ErasureForm(forms.Form):
    """Erasure is confirmed by typing the password again."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, request, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        user = self.request.user
        # allauth's limit on re-entering a password: a session left open
        # must not become a way to guess it.
        if not ratelimit.consume(self.request, action="reauthenticate", user=user):
            raise forms.ValidationError(
                _("Too many attempts. Wait a few minutes and try again."),
                code="too_many_attempts",
            )
        if not user.check_password(password):
            raise forms.ValidationError(
                _("The password is not correct."), code="wrong_password"
            )
        return password


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
