"""Public verification: finding a certificate by its code and checking its PDF."""

from __future__ import annotations

import functools
import hashlib
import hmac
import ipaddress
import math
import time
from datetime import date

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files import File
from django.http import HttpRequest
from django.utils.translation import gettext as _
from joserfc.jwk import OKPKey

from certificates import codes
from certificates.models import Certificate, Status
from certificates.signing import credentials
from lms.cache import count_in_window

# allauth's notation: requests / period / per. Only "ip" is supported here.
DEFAULT_RATE_LIMIT = "30/m/ip"
_PERIODS = {"s": 1, "m": 60, "h": 60 * 60, "d": 24 * 60 * 60}
# An IPv6 client usually holds a whole /64; counting single addresses would
# give it billions of budgets.
IPV6_PREFIX = 64


def lookup(code: str) -> Certificate | None:
    """Return the certificate with this canonical code, or None if there is none.

    One query on the code's unique index, with the company's RUC and the
    replacement's code joined in (as `company_ruc` and `replacement_code`),
    which is all the public pages and the API show of either. Nothing is
    remembered between requests: the index answers in a fraction of a
    millisecond even for a guessed code, so a revocation or a new PDF shows
    at once without anything to forget.
    """
    return next(iter(Certificate.objects.raw(_by_code_sql(), [code])), None)


def fingerprint_matches(certificate: Certificate, file: File) -> bool:
    """Return whether the file is, byte for byte, the PDF issued with it."""
    if not certificate.pdf_sha256:
        return False
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    return hmac.compare_digest(digest.hexdigest(), certificate.pdf_sha256.lower())


# What a certificate's freshly signed credential must say of each status: a
# superseded certificate is published as revoked (see status_list).
CREDENTIAL_VERDICTS = {
    Status.VALID: credentials.Reason.VALID,
    Status.EXPIRED: credentials.Reason.EXPIRED,
    Status.REVOKED: credentials.Reason.REVOKED,
    Status.SUPERSEDED: credentials.Reason.REVOKED,
}


def problems(
    certificate: Certificate,
    *,
    today: date,
    keys: dict[str, OKPKey] | None,
    status_bits: bytes | None,
) -> list[str]:
    """Return what keeps the certificate from verifying as issued, if anything.

    The checks of the public pages: its code is found, its stored PDF is the
    one issued, and its signed credential verifies with the published keys
    and tells its status (skipped when `keys` is None). A PDF not rendered
    yet is no problem: it is rendered on first request.
    """
    found = []
    code = certificate.code
    if _canonical(code) != code or lookup(code) != certificate:
        found.append(_("its code does not find it"))
    if certificate.pdf_sha256 or certificate.pdf:
        found.extend(_pdf_problems(certificate))
    if keys is not None:
        token = credentials.signed_credential(certificate)
        verdict = credentials.verify(
            token, keys=keys, today=today, status_bits=status_bits
        )
        expected = CREDENTIAL_VERDICTS[certificate.status(today=today)]
        if verdict.reason != expected:
            found.append(
                _("its signed credential reads “%(reason)s”, not “%(expected)s”")
                % {"reason": verdict.reason, "expected": expected}
            )
    return found


def _canonical(code: str) -> str:
    """Return the code as the verification page reads it, or "" if it cannot."""
    try:
        return codes.normalise(code, prefix=settings.CERTIFICATE_CODE_PREFIX)
    except codes.CodeError:
        return ""


def _pdf_problems(certificate: Certificate) -> list[str]:
    if not certificate.pdf:
        return [_("its PDF's fingerprint is recorded but no PDF is stored")]
    try:
        with certificate.pdf.open("rb") as pdf:
            if fingerprint_matches(certificate, pdf):
                return []
    except OSError:
        return [_("its PDF %(name)s is missing") % {"name": certificate.pdf.name}]
    return [
        _("its PDF %(name)s is not the one issued (SHA-256 differs)")
        % {"name": certificate.pdf.name}
    ]


def throttle(request: HttpRequest) -> int:
    """Count one verification from the client; return the seconds to wait, or 0.

    A fixed window per client address: simple and cheap, at the cost of letting
    a client spend two windows' budget around a window's edge.
    """
    rate = getattr(settings, "CERTIFICATE_VERIFY_RATE_LIMIT", DEFAULT_RATE_LIMIT)
    if not rate:
        return 0
    limit, period = parse_rate(rate)
    now = time.time()
    window_ends = (now // period + 1) * period
    key = f"certificate-verify:{_client_address(request)}:{window_ends:.0f}"
    count = count_in_window(key, period)
    # None: the cache is down and ignores its errors (REDIS_URL); checking a
    # certificate is public and cheap, so it stays open rather than refused.
    if count is None or count <= limit:
        return 0
    return max(1, math.ceil(window_ends - now))


def parse_rate(rate: str) -> tuple[int, int]:
    """Return (requests, seconds) from a rate such as "30/m/ip" or "100/5m"."""
    try:
        amount, period, *per = rate.split("/")
        seconds = float(period[:-1] or 1) * _PERIODS[period[-1]]
        if per not in ([], ["ip"]) or int(amount) < 1 or seconds < 1:
            raise ValueError(rate)
    except (ValueError, KeyError, IndexError) as error:
        raise ImproperlyConfigured(
            f"CERTIFICATE_VERIFY_RATE_LIMIT must look like '30/m/ip', not {rate!r}"
        ) from error
    return int(amount), int(seconds)


@functools.cache
def _by_code_sql() -> str:
    # Written once rather than compiled by the ORM on every request: the
    # compiler took longer than the query itself on the busiest public path.
    table = Certificate._meta.db_table
    columns = ", ".join(
        f'certificate."{field.column}"' for field in Certificate._meta.concrete_fields
    )
    company = Certificate._meta.get_field("company").related_model._meta
    return (
        f"SELECT {columns}, company.{company.get_field('ruc').column} AS company_ruc,"
        f" replacement.code AS replacement_code FROM {table} certificate"
        f" LEFT JOIN {company.db_table} company"
        " ON company.id = certificate.company_id"
        f" LEFT JOIN {table} replacement"
        " ON replacement.id = certificate.superseded_by_id"
        " WHERE certificate.code = %s"
    )


def _client_address(request: HttpRequest) -> str:
    # allauth's adapter honours ALLAUTH_TRUSTED_PROXY_COUNT and
    # ALLAUTH_TRUSTED_CLIENT_IP_HEADER, so login and verification agree on
    # who the client is behind a proxy.
    address = ipaddress.ip_address(get_adapter(request).get_client_ip(request))
    if address.version == 6:
        network = ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False)
        return str(network.network_address)
    return str(address)
