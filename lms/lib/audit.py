"""The audit trail: one JSON line per security event on `integridad.audit`.

A line says when (ISO time), what (`event` and the object's ids), who
(`user_id` and `user`, the account's e-mail: ids alone mean nothing to
the person reading the trail years later) and from where (`ip`, the
client address as allauth's adapter sees it, so TRUSTED_PROXY_COUNT
applies). Never pass passwords, tokens, session keys, TOTP or recovery
codes, document numbers or free text a user typed (a search may be a
DNI): only ids, codes that are public anyway, and fixed words.
"""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar

from allauth.account.adapter import get_adapter
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

logger = logging.getLogger("integridad.audit")

# The request being served, so that a change made deep inside a view or a
# model signal (a role granted in the admin) still says who and from where.
current_request: ContextVar[HttpRequest | None] = ContextVar(
    "audit_request", default=None
)


def audit(event: str, *, user=None, request: HttpRequest | None = None, **what) -> None:
    """Write one line: `user` is who acted, else the request's user."""
    request = django_request(request or current_request.get())
    if user is None and request is not None:
        user = getattr(request, "user", None)
    line = {
        "time": timezone.now().isoformat(timespec="seconds"),
        "event": event,
        "user_id": None,
        "user": None,
        "ip": client_ip(request) if request is not None else None,
    }
    if user is not None and user.is_authenticated:
        line.update(user_id=user.pk, user=user.email)
    line.update(what)
    logger.info(json.dumps(line, ensure_ascii=False, default=str))


def django_request(request) -> HttpRequest | None:
    """Return the Django request beneath a REST framework one.

    Reading a REST framework request's user authenticates it: a failed
    attempt announces `user_login_failed`, whose line would read the user
    again, and so on until RecursionError. The Django request's user is
    the one its session signed in, and reading it authenticates nothing.
    """
    return getattr(request, "_request", request)


def client_ip(request: HttpRequest) -> str | None:
    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:  # no address at all, e.g. a shell
        return None


def attempted_account(credentials: dict) -> dict:
    """Name the account a login tried by its id, and what was typed by a hash.

    People type their password into the e-mail box, so the typed name is
    never written; its keyed hash still shows many failures against one
    name, whether or not an account has it.
    """
    typed = (credentials.get("email") or credentials.get("username") or "").strip()
    account = get_user_model().objects.filter(email__iexact=typed).only("pk").first()
    digest = salted_hmac("integridad.audit.login", typed.lower()).hexdigest()
    return {"account_id": account.pk if account else None, "login": digest[:16]}
