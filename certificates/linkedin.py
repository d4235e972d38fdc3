"""LinkedIn's "Add to profile" link for a certification, filled in for the holder."""

from urllib.parse import urlencode

from certificates.models import Certificate

ADD_TO_PROFILE = "https://www.linkedin.com/profile/add"


def add_to_profile_url(certificate: Certificate) -> str | None:
    """Return the link, or None for a company's certificate.

    A company's certificate is the company's, earned through its
    representative: it is no qualification of the person's own to list
    on a personal profile.
    """
    if certificate.company_id:
        return None
    fields = {
        "startTask": "CERTIFICATION_NAME",
        "name": certificate.certificate_title,
        "organizationName": certificate.issuer.get("name", ""),
        "issueYear": certificate.issued_on.year,
        "issueMonth": certificate.issued_on.month,
        "certUrl": certificate.verification_url(),
        "certId": certificate.code,
    }
    if certificate.expires_on:
        fields["expirationYear"] = certificate.expires_on.year
        fields["expirationMonth"] = certificate.expires_on.month
    return f"{ADD_TO_PROFILE}?{urlencode(fields)}"
