"""Public verification: finding a certificate by its code and checking its PDF."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
import time

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest

from certificates.models import Certificate

# Only the primary key is cached, never the row: a revocation, a replacement
# or a new PDF shows at once, whoever writes it.
FOUND_TIMEOUT = 60 * 60
# Remembering unknown codes spares the database repeated guesses. Codes are
# drawn at issue and never typed before, so a stale "unknown" cannot hide one;
# the entries expire soon anyway, being many and worth little.
UNKNOWN = "unknown"
UNKNOWN_TIMEOUT = 10 * 60

# allauth's notation: requests / period / per. Only "ip" is supported here.
DEFAULT_RATE_LIMIT = "30/m/ip"
_PERIODS = {"s": 1, "m": 60, "h": 60 * 60, "d": 24 * 60 * 60}
# An IPv6 client usually holds a whole /64; counting single addresses would
# give it billions of budgets.
IPV6_PREFIX = 64


def lookup(code: str) -> Certificate | None:
    """Return the certificate with this canonical code, or None if there is none."""
    cached = cache.get(_cache_key(code))
    if cached == UNKNOWN:
        return None
    if cached is not None:
        return _get(pk=cached)
    certificate = _get(code=code)
    if certificate is None:
        cache.set(_cache_key(code), UNKNOWN, UNKNOWN_TIMEOUT)
    else:
        cache.set(_cache_key(code), certificate.pk, FOUND_TIMEOUT)
    return certificate


def forget(code: str) -> None:
    """Drop what lookup() remembers of this code."""
    cache.delete(_cache_key(code))


def fingerprint_matches(certificate: Certificate, uploaded_file: UploadedFile) -> bool:
    """Return whether the file is, byte for byte, the PDF issued with it."""
    if not certificate.pdf_sha256:
        return False
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    return hmac.compare_digest(digest.hexdigest(), certificate.pdf_sha256.lower())


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
    cache.add(key, 0, timeout=period)
    try:
        count = cache.incr(key)
    except ValueError:  # the entry expired between add() and incr()
        count = 1
        cache.set(key, count, timeout=period)
    if count <= limit:
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


def _get(**lookup) -> Certificate | None:
    try:
        # A company's certificate shows the company's RUC.
        return Certificate.objects.select_related("company").get(**lookup)
    except Certificate.DoesNotExist:
        return None


def _cache_key(code: str) -> str:
    return f"certificate:{code}"


def _client_address(request: HttpRequest) -> str:
    # allauth's adapter honours ALLAUTH_TRUSTED_PROXY_COUNT and
    # ALLAUTH_TRUSTED_CLIENT_IP_HEADER, so login and verification agree on
    # who the client is behind a proxy.
    address = ipaddress.ip_address(get_adapter(request).get_client_ip(request))
    if address.version == 6:
        network = ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False)
        return str(network.network_address)
    return str(address)
