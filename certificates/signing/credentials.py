"""Certificates as signed Open Badges 3.0 credentials (VC-JWT), and checking them.

A credential is an `OpenBadgeCredential` in the W3C Verifiable Credentials
Data Model 2.0, secured as VC-JOSE-COSE says: the credential itself is the
payload of a compact JWS, with protected header
{"alg": "EdDSA", "kid": "<did>#<kid>", "typ": "vc+jwt"}. Beside the
credential's own members the payload carries two registered JWT claims that
repeat it, for JWT libraries: `iss` (the issuer's DID) and `jti` (the
credential's id). There is no `sub` (holders have no DID), and no
`exp`/`nbf`/`iat`: `validFrom` and `validUntil` say when it holds.

The issuer is did:web on SITE_URL's host, so its keys are found at
/.well-known/did.json. A path in SITE_URL is ignored: the site must be served
from the root of its host.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.urls import reverse
from joserfc import jws
from joserfc.errors import BadSignatureError, JoseError
from joserfc.jwa import EdDSAAlgorithm, JWSRegistry
from joserfc.jwk import OKPKey

from certificates.models import Certificate
from certificates.signing import keys
from lms.staff.reminders import site_url

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CREDENTIAL_TYPE = ["VerifiableCredential", "OpenBadgeCredential"]
ALGORITHM = "EdDSA"
MEDIA_TYPE = "application/vc+jwt"
JWT_TYPE = "vc+jwt"


class Ed25519Algorithm(EdDSAAlgorithm):
    """EdDSA over Ed25519 only, the curve of every issuer key.

    RFC 9864 prefers the new name "Ed25519", but Open Badges and VC verifiers
    expect "EdDSA"; joserfc's warning about the old name is silenced here.
    """

    security_warning = None

    def verify(self, msg: bytes, sig: bytes, key: OKPKey) -> bool:
        if not isinstance(key.get_op_key("verify"), Ed25519PublicKey):
            return False
        return super().verify(msg, sig, key)


class Registry(JWSRegistry):
    algorithms = {ALGORITHM: Ed25519Algorithm()}


REGISTRY = Registry(algorithms=[ALGORITHM])


class Reason:
    VALID = "valid"
    MALFORMED = "malformed token"
    UNKNOWN_KEY = "unknown key"
    BAD_SIGNATURE = "bad signature"
    TAMPERED = "tampered claims"
    NOT_YET_VALID = "not yet valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    STATUS_UNKNOWN = "status unknown"


@dataclass(frozen=True)
class Verdict:
    reason: str
    credential: dict | None = None

    @property
    def valid(self) -> bool:
        return self.reason == Reason.VALID


def issuer_did() -> str:
    """Return the issuer's did:web, e.g. did:web:127.0.0.1%3A8000."""
    host = urlsplit(site_url()).netloc.lower()
    return "did:web:" + quote(host, safe="")


def credential_url(certificate: Certificate) -> str:
    path = reverse("api-v1:certificate_credential", args=[certificate.code])
    return site_url() + path


def status_list_url() -> str:
    return site_url() + reverse("api-v1:revocation_status_list")


def build_credential(certificate: Certificate) -> dict:
    """Return the unsigned OpenBadgeCredential of a certificate.

    The holder is named but never identified by document number: the name is
    also the subject's identifier, which Open Badges requires when there is
    no subject id.
    """
    credential = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": credential_url(certificate),
        "type": CREDENTIAL_TYPE,
        "name": certificate.certificate_title,
        "issuer": issuer_profile(certificate.issuer.get("name", "")),
        "validFrom": _at(certificate.issued_on, time.min),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": certificate.holder_name,
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": certificate.holder_name,
                    "identityType": "name",
                    "hashed": False,
                }
            ],
            "achievement": _achievement(certificate),
        },
        "credentialStatus": {
            "id": f"{status_list_url()}#{certificate.pk}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(certificate.pk),
            "statusListCredential": status_list_url(),
        },
    }
    if certificate.expires_on:
        credential["validUntil"] = _at(certificate.expires_on, time(23, 59, 59))
    return credential


def issuer_profile(name: str) -> dict:
    return {
        "id": issuer_did(),
        "type": ["Profile"],
        "name": name or settings.CERTIFICATE_ISSUER,
        "url": site_url(),
    }


def signed_credential(certificate: Certificate) -> str:
    """Return the certificate's credential signed with the current key."""
    return sign(build_credential(certificate))


def sign(credential: dict) -> str:
    """Return the credential as a VC-JWT signed with the current key."""
    signing_key = keys.current_signing_key()
    header = {
        "alg": ALGORITHM,
        "kid": f"{issuer_did()}#{signing_key.kid}",
        "typ": JWT_TYPE,
    }
    payload = {**credential, "iss": credential["issuer"]["id"]}
    if "id" in credential:
        payload["jti"] = credential["id"]
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return jws.serialize_compact(
        header, body.encode(), signing_key.key, registry=REGISTRY
    )


def published_keys() -> dict[str, OKPKey]:
    """Return the site's public keys by verification method id (did#kid)."""
    did = issuer_did()
    return {f"{did}#{kid}": key for kid, key in keys.public_keys().items()}


def keys_from_jwks(jwks: dict, *, did: str) -> dict[str, OKPKey]:
    """Return the Ed25519 keys of a JWK set by verification method id."""
    found = {}
    for jwk in jwks.get("keys", []):
        kind = (jwk.get("kty"), jwk.get("crv"))
        if kind == ("OKP", "Ed25519") and "kid" in jwk and "x" in jwk:
            public = {"kty": "OKP", "crv": "Ed25519", "x": jwk["x"]}
            found[f"{did}#{jwk['kid']}"] = OKPKey.import_key(public)
    return found


def verify(
    token: str, *, keys: dict[str, OKPKey], today: date, status_bits: bytes | None
) -> Verdict:
    """Check a VC-JWT credential: signature, structure, dates and, if given, status.

    `keys` maps verification method ids ("did:web:…#2026-11-22") to public
    keys. `status_bits` is the decoded revocation bitstring; without it the
    revocation status is not checked.
    """
    credential = open_token(token, keys=keys)
    if isinstance(credential, Verdict):
        return credential
    if not _is_open_badge(credential, signer=_signer_did(token)):
        return Verdict(Reason.TAMPERED, credential)
    if status_bits is not None:
        index = int(credential["credentialStatus"]["statusListIndex"])
        if index >= len(status_bits) * 8:
            return Verdict(Reason.STATUS_UNKNOWN, credential)
        if status_bits[index // 8] >> (7 - index % 8) & 1:
            return Verdict(Reason.REVOKED, credential)
    if _day(credential["validFrom"]) > today:
        return Verdict(Reason.NOT_YET_VALID, credential)
    if "validUntil" in credential and _day(credential["validUntil"]) < today:
        return Verdict(Reason.EXPIRED, credential)
    return Verdict(Reason.VALID, credential)


def open_token(token: str, *, keys: dict[str, OKPKey]) -> dict | Verdict:
    """Return a VC-JWT's payload if one of the keys signed it, else a Verdict."""
    try:
        header = jws.extract_compact(token.strip().encode(), registry=REGISTRY)
        header = header.headers()
    except (JoseError, ValueError, UnicodeError):
        return Verdict(Reason.MALFORMED)
    if header.get("alg") != ALGORITHM or header.get("typ") != JWT_TYPE:
        return Verdict(Reason.MALFORMED)
    kid = header.get("kid")
    key = keys.get(kid) if isinstance(kid, str) else None
    if key is None:
        return Verdict(Reason.UNKNOWN_KEY)
    try:
        signed = jws.deserialize_compact(token.strip(), key, registry=REGISTRY)
    except BadSignatureError:
        return Verdict(Reason.BAD_SIGNATURE)
    except (JoseError, ValueError):
        return Verdict(Reason.MALFORMED)
    try:
        payload = json.loads(signed.payload)
    except ValueError:
        return Verdict(Reason.TAMPERED)
    return payload if isinstance(payload, dict) else Verdict(Reason.TAMPERED)


def _signer_did(token: str) -> str:
    header = jws.extract_compact(token.strip().encode(), registry=REGISTRY)
    return header.headers()["kid"].split("#")[0]


def _is_open_badge(credential: dict, *, signer: str) -> bool:
    """Whether the payload is an OpenBadgeCredential of the key's own issuer."""
    try:
        issuer = credential["issuer"]
        return (
            credential["@context"][:2] == [VC_CONTEXT, OB_CONTEXT]
            and set(CREDENTIAL_TYPE) <= set(credential["type"])
            and issuer["id"] == signer
            and credential.get("iss", signer) == signer
            and "AchievementSubject" in credential["credentialSubject"]["type"]
            and "Achievement" in credential["credentialSubject"]["achievement"]["type"]
            and credential["credentialStatus"]["statusPurpose"] == "revocation"
            and int(credential["credentialStatus"]["statusListIndex"]) >= 0
            and _day(credential["validFrom"]) is not None
            and _day(credential.get("validUntil", credential["validFrom"])) is not None
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        return False


def _achievement(certificate: Certificate) -> dict:
    hours = f"{certificate.hours.normalize():f}"
    return {
        # A URN keeps the id stable when the course page is moved or renamed.
        "id": uuid.uuid5(
            uuid.NAMESPACE_URL, f"{site_url()}/courses/{certificate.course_id}"
        ).urn,
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "name": certificate.certificate_title,
        "description": certificate.course_title,
        "criteria": {
            "narrative": (
                f"Aprobó el curso «{certificate.course_title}» ({hours} horas)."
            )
        },
    }


def _at(day: date, moment: time) -> str:
    """Return a day and time in the site's time zone as an XML dateTimeStamp."""
    zone = ZoneInfo(settings.TIME_ZONE)
    return datetime.combine(day, moment, tzinfo=zone).isoformat()


def _day(value: str) -> date:
    return datetime.fromisoformat(value).date()
