import functools

from django.conf import settings
from django.contrib import messages
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from lms.accounts.staff_security import keep_staff_session_alive, session_security
from lms.lib.audit import audit, current_request
from lms.security_headers import admin_prefix


class SiteLanguageMiddleware(LocaleMiddleware):
    """Speak Spanish unless the visitor chose English with the language switch.

    The browser's Accept-Language is ignored on purpose: shared office and
    internet-café computers in the provinces often run English browsers.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if chosen not in dict(settings.LANGUAGES):
            chosen = settings.LANGUAGE_CODE
        translation.activate(chosen)
        request.LANGUAGE_CODE = translation.get_language()


class StaffSecurityMiddleware:
    """Staff must set up two-factor before anything else; idle staff sessions end.

    Runs after authentication and messages. Pages needed to set up the
    second factor, to leave, and those that are no one's (static files,
    the health check, the language switch) stay open.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        security = session_security(request)
        if security.must_use_mfa:
            keep_staff_session_alive(request.session, now=timezone.now())
        if security.lacks_mfa and not request.path_info.startswith(_open_paths()):
            messages.warning(
                request,
                _(
                    "Your account can see other people's data or change the "
                    "site, so it needs a second factor. Set up an authenticator "
                    "app to continue."
                ),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)


@functools.cache
def _open_paths() -> tuple[str, ...]:
    return (
        reverse("mfa_index"),
        reverse("account_reauthenticate"),
        reverse("account_logout"),
        reverse("set_language"),
        settings.STATIC_URL,
        settings.MEDIA_URL,
        reverse("healthz"),
    )


class PrivateResponsesMiddleware:
    """Keep every page shown to a signed-in user out of shared caches.

    Such a page may show the user's or other people's personal data, and a
    proxy or the browser's back button must not show it to the next person
    at a shared computer. Public pages that show someone's name say so
    themselves with `never_cache`.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response


class AuditMiddleware:
    """Give audit lines their request; write one for every refusal."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            response = self.get_response(request)
            if response.status_code == 403 or _wagtail_refused(request, response):
                audit("permission_denied", path=request.path)
            return response
        finally:
            current_request.reset(token)


def _wagtail_refused(request, response) -> bool:
    """Whether the Wagtail admin refused: it redirects with an error message.

    wagtail.admin.auth answers a refusal with a message and a redirect
    rather than a 403, so the refusal is read from the message it queued,
    in whichever language the admin spoke to the user.
    """
    if response.status_code != 302 or not request.path.startswith(admin_prefix()):
        return False
    queued = getattr(getattr(request, "_messages", None), "_queued_messages", ())
    return any(str(message).strip() in _wagtail_refusals() for message in queued)


# Wagtail's own words (its translations apply), not ours to translate.
WAGTAIL_REFUSALS = (
    "Sorry, you do not have permission to access this area.",
    "You do not have permission to access the admin.",
)


@functools.cache
def _wagtail_refusals() -> frozenset[str]:
    texts = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            texts.update(translation.gettext(text) for text in WAGTAIL_REFUSALS)
    return frozenset(texts)
