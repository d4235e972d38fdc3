"""The Content-Security-Policy header, with what Wagtail's admin still needs."""

import functools

from csp.constants import HEADER, SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse

# Wagtail 8's admin still writes inline scripts (date pickers, choosers,
# inline panels) and its editors add inline styles. Allowed there only: the
# admin is reached after a login with a second factor, and Wagtail escapes
# what editors type.
ADMIN_ALLOWANCES = {"script-src": [UNSAFE_INLINE], "style-src": [UNSAFE_INLINE]}
# What a view sets on its response to change the policy (django-csp's
# decorators); then the header is built for that response alone.
VIEW_POLICY_ATTRIBUTES = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_exempt",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt_ro",
)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's header, relaxed for the admin and for framed previews.

    Browsers obey the policy's frame-ancestors over X-Frame-Options. Pages are
    framed by no one, except those that ask for SAMEORIGIN themselves, such
    as Wagtail's page previews shown in the editor.

    Without a nonce or a view's own policy the header is one of four strings
    (admin or not, framed or not), built once each: django-csp built it anew
    on every response, a tenth of the time of a JSON answer.
    """

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        framed = _framed_by_this_site(response)
        if framed:
            # Wagtail renders a preview as a request of its own through every
            # middleware, which gave it the public page's policy; the admin
            # request that shows it in a frame sets the policy instead.
            response.headers.pop(HEADER, None)
        if _built_per_response(request, response):
            return super().process_response(request, response)
        if HEADER not in response:
            response[HEADER] = _policy(_in_admin(request), framed)
        return response

    def get_policy_parts(
        self,
        request: HttpRequest,
        response: HttpResponseBase,
        report_only: bool = False,
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        parts.update, parts.replace = _changes(
            _in_admin(request), _framed_by_this_site(response), parts
        )
        return parts


def _changes(admin: bool, framed: bool, parts: PolicyParts) -> tuple[dict, dict]:
    update, replace = dict(parts.update or {}), dict(parts.replace or {})
    if admin:
        update = {**ADMIN_ALLOWANCES, **update}
    if framed:
        replace["frame-ancestors"] = [SELF]
    return update, replace


@functools.cache
def _policy(admin: bool, framed: bool) -> str:
    update, replace = _changes(admin, framed, PolicyParts())
    return build_policy(update=update, replace=replace)


@receiver(setting_changed)
def _forget_policies(*, setting: str, **kwargs) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _policy.cache_clear()


def _built_per_response(request: HttpRequest, response: HttpResponseBase) -> bool:
    """Whether django-csp must build this response's header itself.

    It must when a template asked for a nonce, the view changed the policy,
    a report-only policy or excluded paths are configured, or DEBUG shows its
    error page (which django-csp leaves without a policy).
    """
    return (
        bool(getattr(request, "_csp_nonce", None))
        or any(hasattr(response, name) for name in VIEW_POLICY_ATTRIBUTES)
        or bool(getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None))
        or "EXCLUDE_URL_PREFIXES" in settings.CONTENT_SECURITY_POLICY
        or (settings.DEBUG and response.status_code in (404, 500))
    )


def _in_admin(request: HttpRequest) -> bool:
    return request.path_info.startswith(admin_prefix())


def _framed_by_this_site(response: HttpResponseBase) -> bool:
    return response.get("X-Frame-Options") == "SAMEORIGIN"


@functools.cache
def admin_prefix() -> str:
    """Where the Wagtail admin's URLs start."""
    return reverse("wagtailadmin_home")
