import tempfile
from pathlib import Path

from lms.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"
ALLOWED_HOSTS = ["*"]

# MD5 makes creating users in tests fast; it is never used outside tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests must not depend on a Redis being up or share cache state between runs.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tasks run inline so a test sees their effects at once.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Most tests publish pages: rendering their material each time would slow the
# suite. The tests of that build turn it on.
BUILD_MATERIAL_ON_PUBLISH = False
# Hashed static names need collectstatic; tests render templates without it.
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Signing keys made by tests go to a throwaway folder, never the project's.
CERTIFICATE_KEYS_DIR = Path(tempfile.mkdtemp(prefix="integridad-test-keys-"))
# Rendered certificates go to a throwaway folder, never the project's media.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="integridad-test-media-"))
