"""Forms of the company pages: registering a company, inviting a colleague."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lms.identity import normalise_ruc
from lms.models import Company


class CompanyForm(forms.ModelForm):
    # A plain field: the model's validator would repeat normalise_ruc's
    # message with a vaguer one.
    ruc = forms.CharField(
        label=_("RUC"),
        max_length=20,
        help_text=_("The 11 digits of the company's RUC, as SUNAT gave them."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    class Meta:
        model = Company
        fields = ["ruc", "legal_name", "address"]

    def clean_ruc(self) -> str:
        return normalise_ruc(self.cleaned_data["ruc"].strip())

    def validate_unique(self) -> None:
        # The domain function says a RUC is taken, with the constraint behind it.
        pass


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Colleague's email"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
