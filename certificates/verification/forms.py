"""Forms of the public verification pages."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certificates import codes

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
PDF_SIGNATURE = b"%PDF"


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Certificate code"),
        max_length=64,
        widget=forms.TextInput(
            attrs={
                "autocapitalize": "characters",
                "autocomplete": "off",
                "spellcheck": "false",
            }
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        example = f"{settings.CERTIFICATE_CODE_PREFIX}-XXXX-XXXX-XXXX-XXXX-X"
        self.fields["code"].widget.attrs["placeholder"] = example

    def clean_code(self) -> str:
        try:
            return codes.normalise(
                self.cleaned_data["code"], prefix=settings.CERTIFICATE_CODE_PREFIX
            )
        except codes.CodeError as error:
            raise forms.ValidationError(str(error), code="invalid_code") from error


class FingerprintForm(forms.Form):
    pdf = forms.FileField(
        label=gettext_lazy("Certificate PDF"),
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_pdf(self):
        pdf = self.cleaned_data["pdf"]
        if pdf.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 5 MB: it cannot be the issued PDF."),
                code="too_large",
            )
        if pdf.read(len(PDF_SIGNATURE)) != PDF_SIGNATURE:
            raise forms.ValidationError(
                _("The file is not a PDF."),
                code="not_pdf",
            )
        return pdf
