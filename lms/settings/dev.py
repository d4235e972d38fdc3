"""The embedded demo: one machine, SQLite, immediate tasks, console email."""

from lms.settings.base import *  # noqa: F403
from lms.settings.env import env_bool, env_list, env_str, require_production_settings

DEBUG = env_bool("DEBUG", True)
# A fixed key is acceptable only while DEBUG is on, for the local demo.
SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key" if DEBUG else "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
require_production_settings(debug=DEBUG, secret_key=SECRET_KEY, hosts=ALLOWED_HOSTS)

# runserver serves static files itself; hashing them would need collectstatic first.
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
