"""Forms of My account: one's own names and title form, and erasure."""

from __future__ import annotations

from allauth.core import ratelimit
from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models import TitleForm
from lms.models import Person


class PersonalDataForm(forms.ModelForm):
    """The names and the title form a person may correct themselves.

    The identity document is not here: once a person has an account, only
    the integrity officer changes it (lms.scopes.Scope.owns_identity).
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
