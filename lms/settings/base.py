"""Settings shared by every environment; each value can come from the environment."""

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from whitenoise.compress import Compressor

from lms.settings.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "lms",
    "courses",
    "certificates",
    "wagtail.api.v2",
    "wagtail.contrib.settings",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "ninja",  # serves the API docs' assets itself instead of from a CDN
    "django_tasks",
    "django_rq",  # its `rqworker` command runs the Redis-backed tasks
    "csp",  # checks the CONTENT_SECURITY_POLICY setting
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",  # which sessions a user has, to end them all at once
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside XFrameOptionsMiddleware, so it sees the frame option it set.
    "lms.security_headers.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lms.middleware.SiteLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check, which reads the body it refuses.
    "lms.lib.uploads.UploadLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "lms.middleware.AuditMiddleware",
    "lms.middleware.PrivateResponsesMiddleware",
    "lms.middleware.StaffSecurityMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "lms.accounts.navigation.navigation",
            ],
        },
    },
]

DATABASES = {
    # An empty DATABASE_URL means "not set", as an unset one does.
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", "") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        # A kept connection is checked before a request reuses it, so a
        # database restart costs no request an error (see lms/postgresql).
        conn_health_checks=True,
    )
}
# The demo's SQLite serves the server's threads and its immediate tasks at
# once. Write-ahead logging lets pages be read while someone writes; BEGIN
# IMMEDIATE takes the write lock when a transaction starts, so a second writer
# waits for it (up to 20 s) instead of failing at once with "database is
# locked" (an editor saving a page while a task writes the search index).
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}
# Django declares a server-side cursor only for QuerySet.iterator(), and every
# use here reads it to the end (HR exports, batch jobs): PostgreSQL should
# plan it for all its rows, not for its default first tenth. That plan took a
# 50,000-row HR export 0.9 s longer than COPY of the same query (2.0 s).
#
# No JIT compiling either. PostgreSQL compiles a query whose estimated cost
# passes jit_above_cost, and the HR reports' counts over a million assignments
# pass it: compiling cost them 40-150 ms per request and never paid back, as
# no query here runs for seconds. Both are startup parameters of every
# connection: a pooler in between must pass `options` on.
POSTGRESQL_OPTIONS = {"options": "-c cursor_tuple_fraction=1 -c jit=off"}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's, with a health check that costs no round trip (lms/postgresql).
    DATABASES["default"]["ENGINE"] = "lms.postgresql"
    # Options given in DATABASE_URL's query string win.
    DATABASES["default"]["OPTIONS"] = {
        **POSTGRESQL_OPTIONS,
        **DATABASES["default"].get("OPTIONS", {}),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "lms.User"

REDIS_URL = env_str("REDIS_URL", "")
# Seconds to wait for Redis: short, so an outage costs a request this much,
# never a hang.
REDIS_TIMEOUT = 0.5
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "lms.cache.OutageTolerantRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": REDIS_TIMEOUT,
                "SOCKET_TIMEOUT": REDIS_TIMEOUT,
                # Without Redis a read is a miss and a rate limit counts from
                # zero: pages keep serving instead of failing.
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    DJANGO_REDIS_LOGGER = "lms.cache"
    RQ_QUEUES = {
        "default": {
            # rq's worker raises the read timeout itself for its blocking pop.
            "URL": f"{REDIS_URL}{'&' if '?' in REDIS_URL else '?'}"
            f"socket_connect_timeout={REDIS_TIMEOUT}&socket_timeout={REDIS_TIMEOUT}",
            "DEFAULT_TIMEOUT": 900,
        }
    }
    # Workers (`manage.py rqworker default`) must run jobs as Django tasks,
    # and outlive a Redis outage.
    RQ = {
        "JOB_CLASS": "django_tasks_rq.Job",
        "WORKER_CLASS": "lms.workers.OutageTolerantWorker",
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

TASKS = {
    "default": {
        "BACKEND": env_str(
            "TASKS_BACKEND",
            "django_tasks_rq.RQBackend"
            if REDIS_URL
            else "django_tasks.backends.immediate.ImmediateBackend",
        )
    }
}

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "lms.staff.policies.OrganisationRoleBackend",
]
PASSWORD_VALIDATION = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{PASSWORD_VALIDATION}.UserAttributeSimilarityValidator"},
    {
        "NAME": f"{PASSWORD_VALIDATION}.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    # Django's list of common passwords and the local favourites.
    {"NAME": "lms.people.passwords.CommonPasswordValidator"},
    {"NAME": f"{PASSWORD_VALIDATION}.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "lms:my_courses"
# Passwords are typed into allauth's login only, with its rate limits and
# second factor. Django REST framework would also take them in HTTP Basic
# (and a session) on Wagtail's /api/v2/, a public, read-only catalogue: it
# authenticates no one. The admin's own API sets its session auth itself.
REST_FRAMEWORK = {"DEFAULT_AUTHENTICATION_CLASSES": []}

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "lms.accounts.forms.SignupForm"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# The account's owner is told by e-mail of a changed password, address or
# second factor: a change they did not make is how a stolen account shows.
# (Subjects, signature and HTML of allauth's e-mails: lms.accounts.adapter.)
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env_str("SITE_PROTOCOL", "http")
ACCOUNT_ADAPTER = "lms.accounts.adapter.AccountAdapter"
# Counted in the default cache, which is Redis when REDIS_URL is set, so the
# limits hold across every worker and machine. "key" is the e-mail typed; a
# wrong second-factor code counts as a failed login of that account.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/15m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "reauthenticate": "10/m/user",
}
# Client addresses (rate limits, audit trail) come from X-Forwarded-For only
# through this many proxies of ours; 0 trusts no header.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Staff (lms.accounts.staff_security) must use an authenticator app.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Integridad Cajamarca"

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env_str(
    "DEFAULT_FROM_EMAIL", "Integridad Cajamarca <no-responder@regioncajamarca.gob.pe>"
)

LANGUAGE_CODE = "es"
LANGUAGES = [("es", "Español"), ("en", "English")]
# The second holds Spanish for Wagtail's own strings that its catalogue lacks;
# makemessages would drop them from the first, as they are not in our sources.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "wagtail"]
FORMAT_MODULE_PATH = ["lms.formats"]
TIME_ZONE = "America/Lima"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Compressing (gzip and brotli) every copy took half a minute of collectstatic:
# browsers ask only for hashed names, and source maps only for developer tools.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME", "")
# Where browsers fetch media from besides this site: the bucket, if any.
MEDIA_ORIGINS: list[str] = []
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = env_str("AWS_S3_ENDPOINT_URL", "")
    AWS_S3_REGION_NAME = env_str("AWS_S3_REGION_NAME", "")
    # Wagtail's images are shown from the bucket by signed links.
    MEDIA_ORIGINS = [
        AWS_S3_ENDPOINT_URL or f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com"
    ]
    # Keys come from boto3's own variables (AWS_ACCESS_KEY_ID and
    # AWS_SECRET_ACCESS_KEY) or the machine's role.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": AWS_S3_ENDPOINT_URL or None,
            "region_name": AWS_S3_REGION_NAME or None,
            # Certificates are personal data: no public objects, only links
            # signed for a short while.
            "default_acl": "private",
            "querystring_auth": True,
            "signature_version": "s3v4",
            "querystring_expire": env_int("AWS_QUERYSTRING_EXPIRE", 300),
            "file_overwrite": False,
        },
    }

WAGTAIL_SITE_NAME = "Integridad Cajamarca"
WAGTAILADMIN_BASE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# One login for the whole site, with its second factor and rate limits.
WAGTAILADMIN_LOGIN_URL = "account_login"
# And one password reset: allauth's, which is rate-limited; Wagtail's is not.
WAGTAIL_PASSWORD_RESET_ENABLED = False
# The admin's account page would change a password with no rate limit and an
# e-mail address unverified: allauth's pages do both, rate-limited, verified.
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
WAGTAIL_I18N_ENABLED = False
# Workflow and comment notices get an HTML part too, made from their text as
# every e-mail of the site (templates/wagtailadmin/notifications/).
WAGTAILADMIN_NOTIFICATION_USE_HTML = True
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "xlsx", "pptx", "txt", "csv"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILAPI_LIMIT_MAX = 100
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

SESSION_COOKIE_HTTPONLY = True
# Wagtail allows its own preview pages in a same-origin frame itself.
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Only this site's own scripts, styles and fonts, and no inline scripts: an
# injected <script> or onclick does not run. Lesson videos play in frames of
# the providers listed in CSP_FRAME_SRC.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *MEDIA_ORIGINS],
        "frame-src": [
            SELF,
            *env_list(
                "CSP_FRAME_SRC",
                [
                    "https://www.youtube.com",
                    "https://www.youtube-nocookie.com",
                    "https://player.vimeo.com",
                ],
            ),
        ],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
# The admin's looser script and style rules: lms.security_headers.
# Nothing in the admin reaches out to other sites: no avatars sent to
# Gravatar with each editor's e-mail hash, no check for new Wagtail releases.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False

# Printed before every certificate code; codes already issued keep theirs, so
# change it only together with a rule that still accepts the old prefix.
CERTIFICATE_CODE_PREFIX = "GRC"
# Used until an editor fills in the issuer in Wagtail's settings.
CERTIFICATE_ISSUER = "Gobierno Regional de Cajamarca"
# The issuer's signing keys stay out of the database and out of git; every key
# in the folder stays published, so credentials survive a rotation.
CERTIFICATE_KEYS_DIR = Path(env_str("CERTIFICATE_KEYS_DIR", str(BASE_DIR / "keys")))
# A course's offline material is built in the background as soon as the course
# or one of its pages is published, so the first download is instant. Without
# Redis tasks run inline: building there would hold up the editor's publishing
# (and seed_demo) for seconds per course, so the first download builds it.
BUILD_MATERIAL_ON_PUBLISH = bool(REDIS_URL)
# Public verification (page and JSON) per client address, in allauth's notation.
CERTIFICATE_VERIFY_RATE_LIMIT = env_str("CERTIFICATE_VERIFY_RATE_LIMIT", "30/m/ip")

# Mandatory training. The renewal window opens this many days before a
# completion must be renewed: the next cycle is assigned and a retake allowed.
RENEWAL_WINDOW_DAYS = env_int("RENEWAL_WINDOW_DAYS", 60)
# Learners hear from the platform this many days before a due date.
REMINDER_DAYS_BEFORE = env_int("REMINDER_DAYS_BEFORE", 7)
# Days an HR invitation link stays usable; a newer invitation voids older ones.
INVITATION_TIMEOUT_DAYS = env_int("INVITATION_TIMEOUT_DAYS", 14)

# The audit trail (lms.lib.audit): JSON lines on stderr, which gunicorn or the
# service manager keeps; each line is one event and already holds its time.
# The site's own warnings (a failed health check, Redis unreachable) go to
# stderr too, django-redis's ignored errors as one line each.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redis_outage": {"()": "lms.log_filters.RedisOutage"}},
    "formatters": {
        "message": {"format": "%(message)s"},
        "warning": {"format": "%(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "audit": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "message",
        },
        "warnings": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "warning",
        },
    },
    "loggers": {
        "integridad.audit": {
            "handlers": ["audit"],
            "level": "INFO",
            "propagate": False,
        },
        "lms": {"handlers": ["warnings"], "level": "WARNING"},
        "lms.cache": {"filters": ["redis_outage"]},
    },
}
