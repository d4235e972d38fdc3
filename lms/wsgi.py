"""The WSGI application, which gunicorn imports once and forks into its workers.

What Django otherwise loads on each worker's first request, the URLconf with
every view module behind it and the translations, is loaded here, in the
process that forks (scripts/gunicorn.conf.py preloads the app): a worker that
replaces another answers at once instead of importing them again.
"""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver
from django.utils import translation

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.production")

application = get_wsgi_application()

get_resolver().url_patterns  # noqa: B018 - imports every URL module and view
for language, _name in settings.LANGUAGES:
    translation.activate(language)
translation.deactivate()
