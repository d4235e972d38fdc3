"""Forms of the company pages: registering a company, its proof, inviting."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lms.companies.models import Company, ProofKind
from lms.companies.registration import CompanyError, proof_extension
from lms.people.identity import normalise_ruc


class ProofForm(forms.Form):
    proof_kind = forms.ChoiceField(
        label=_("Proof of representation"),
        choices=ProofKind.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "A vigencia de poder from SUNARP naming you, or the company's ficha "
            "RUC from SUNAT listing you as its legal representative."
        ),
    )
    proof = forms.FileField(
        label=_("Document"),
        help_text=_("PDF, JPEG or PNG, up to 5 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "application/pdf,image/jpeg,image/png,.pdf,.jpg,.png"}
        ),
    )

    def clean_proof(self):
        proof = self.cleaned_data["proof"]
        try:
            proof_extension(proof)
        except CompanyError as error:
            raise forms.ValidationError(str(error), code="invalid_proof") from error
        return proof


class CompanyForm(ProofForm, forms.ModelForm):
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
