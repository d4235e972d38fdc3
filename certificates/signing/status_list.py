"""The revocation Bitstring Status List: one signed list of every certificate.

Bit i (the most significant bit of the first byte being bit 0) is set when the
certificate with primary key i is revoked. The list is GZIP-compressed and
base64url-encoded with the multibase "u" prefix, as W3C Bitstring Status List
v1.0 says, and served as a VC-JWT signed like the credentials.
"""

from __future__ import annotations

import base64
import gzip
import math

from django.core.cache import cache
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone

from certificates.models import Certificate
from certificates.signing import credentials

# The spec's minimum, 16 KiB, so that a list says little about how many
# certificates exist; the list grows by whole blocks of this size.
BLOCK_BITS = 131_072
CACHE_KEY = "certificate-status-list:revocation"
# Revocations clear the entry at once (forget_status_list); the timeout only
# bounds how long a list sized before many new certificates lingers.
CACHE_TIMEOUT = 60 * 60


def revocation_bits() -> bytes:
    """Return the revocation bitstring, read from the database in one query.

    A superseded certificate is published as revoked too: its replacement is
    the one that certifies now.
    """
    newest = Certificate.objects.order_by("-pk").values("pk")[:1]
    withdrawn = Q(revoked_at__isnull=False) | Q(superseded_by__isnull=False)
    rows = list(
        Certificate.objects.filter(withdrawn | Q(pk=newest))
        .annotate(withdrawn=ExpressionWrapper(withdrawn, output_field=BooleanField()))
        .values_list("pk", "withdrawn")
    )
    highest = max((pk for pk, _withdrawn in rows), default=0)
    size = max(1, math.ceil((highest + 1) / BLOCK_BITS)) * BLOCK_BITS
    bits = bytearray(size // 8)
    for pk, is_withdrawn in rows:
        if is_withdrawn:
            bits[pk // 8] |= 0x80 >> (pk % 8)
    return bytes(bits)


def encode(bits: bytes) -> str:
    """Return a bitstring as the spec's encodedList (multibase base64url of GZIP)."""
    compressed = gzip.compress(bits, mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode().rstrip("=")


def decode(encoded_list: str) -> bytes:
    """Return the bitstring of an encodedList; raise ValueError if it is not one."""
    if not encoded_list.startswith("u"):
        raise ValueError("encodedList must be multibase base64url ('u' prefix)")
    data = encoded_list[1:]
    try:
        return gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
    except (OSError, EOFError) as error:
        raise ValueError("encodedList is not GZIP-compressed") from error


def build_status_list(bits: bytes) -> dict:
    """Return the unsigned BitstringStatusListCredential of a bitstring."""
    url = credentials.status_list_url()
    return {
        "@context": [credentials.VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": credentials.issuer_profile(""),
        "validFrom": timezone.now().replace(microsecond=0).isoformat(),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode(bits),
        },
    }


def signed_status_list() -> str:
    """Return the signed status list, built at most once per revocation."""
    token = cache.get(CACHE_KEY)
    if token is None:
        token = credentials.sign(build_status_list(revocation_bits()))
        cache.set(CACHE_KEY, token, CACHE_TIMEOUT)
    return token


def forget_status_list() -> None:
    """Drop the cached list; call it whenever a certificate is revoked."""
    cache.delete(CACHE_KEY)


def bits_from_status_list(token: str, *, keys: dict) -> bytes:
    """Return the bitstring of a signed status list; raise ValueError if untrusted."""
    payload = credentials.open_token(token, keys=keys)
    if isinstance(payload, credentials.Verdict):
        raise ValueError(f"status list: {payload.reason}")
    try:
        subject = payload["credentialSubject"]
        if "BitstringStatusListCredential" not in payload["type"] or (
            subject["statusPurpose"] != "revocation"
        ):
            raise ValueError("status list: not a revocation status list")
        return decode(subject["encodedList"])
    except (KeyError, TypeError) as error:
        raise ValueError("status list: not a revocation status list") from error
