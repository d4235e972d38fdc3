from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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
