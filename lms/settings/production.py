"""Many machines behind a proxy: every secret and host comes from the environment."""

from django.core.exceptions import ImproperlyConfigured

from lms.settings.base import *  # noqa: F403
from lms.settings.env import require_production_settings

if DEBUG:  # noqa: F405
    raise ImproperlyConfigured("DEBUG must be off in production (unset DEBUG).")
require_production_settings(
    debug=DEBUG,  # noqa: F405
    secret_key=SECRET_KEY,  # noqa: F405
    hosts=ALLOWED_HOSTS,  # noqa: F405
)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
