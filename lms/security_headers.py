"""The Content-Security-Policy header, with what Wagtail's admin still needs."""

import functools

from csp.constants import HEADER, SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse

# Wagtail 8's admin still writes inline scripts (date pickers, choosers,
# inline panels) and its editors add inline styles. Allowed there only: the
# admin is reached after a login with a second factor, and Wagtail escapes
# what editors type.
ADMIN_ALLOWANCES = {"script-src": [UNSAFE_INLINE], "style-src": [UNSAFE_INLINE]}


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's header, relaxed for the admin and for framed previews.

    Browsers obey the policy's frame-ancestors over X-Frame-Options. Pages are
    framed by no one, except those that ask for SAMEORIGIN themselves, such
    as Wagtail's page previews shown in the editor.
    """

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if _framed_by_this_site(response):
            # Wagtail renders a preview as a request of its own through every
            # middleware, which gave it the public page's policy; the admin
            # request that shows it in a frame sets the policy instead.
            response.headers.pop(HEADER, None)
        return super().process_response(request, response)

    def get_policy_parts(
        self,
        request: HttpRequest,
        response: HttpResponseBase,
        report_only: bool = False,
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(admin_prefix()):
            parts.update = {**ADMIN_ALLOWANCES, **(parts.update or {})}
        if _framed_by_this_site(response):
            parts.replace = {**(parts.replace or {}), "frame-ancestors": [SELF]}
        return parts


def _framed_by_this_site(response: HttpResponseBase) -> bool:
    return response.get("X-Frame-Options") == "SAMEORIGIN"


@functools.cache
def admin_prefix() -> str:
    """Where the Wagtail admin's URLs start."""
    return reverse("wagtailadmin_home")
