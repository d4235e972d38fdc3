import os
import subprocess
import sys

import pytest
from django.conf import settings

# Variables a developer's shell or CI may set; each test starts without them.
CONFIG_VARIABLES = {
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DEBUG",
    "DATABASE_URL",
    "REDIS_URL",
    "TASKS_BACKEND",
    "AWS_STORAGE_BUCKET_NAME",
    "TRUSTED_PROXY_COUNT",
}


def start(module: str, print_settings: str = "'started'", **env: str):
    """Start Django with the given settings module in a fresh process."""
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        f"print({print_settings})"
    )
    clean = {k: v for k, v in os.environ.items() if k not in CONFIG_VARIABLES}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": module, **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({"ALLOWED_HOSTS": "integridad.example"}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "s" * 50}, "ALLOWED_HOSTS must be set"),
        (
            {"SECRET_KEY": "s" * 50, "ALLOWED_HOSTS": "x", "DEBUG": "1"},
            "DEBUG must be off",
        ),
        (
            {"SECRET_KEY": "s" * 50, "ALLOWED_HOSTS": "x", "DEBUG": "maybe"},
            "DEBUG must be a boolean",
        ),
    ],
)
def test_production_refuses_to_start_when_misconfigured(env, complaint):
    result = start("lms.settings.production", **env)
    assert result.returncode != 0
    assert complaint in result.stderr


def test_production_starts_with_a_secret_and_hosts():
    result = start(
        "lms.settings.production",
        SECRET_KEY="s" * 50,
        ALLOWED_HOSTS="integridad.example",
    )
    assert result.stdout.strip() == "started", result.stderr


def test_production_reads_client_addresses_behind_one_proxy_unless_told():
    secrets = {"SECRET_KEY": "s" * 50, "ALLOWED_HOSTS": "integridad.example"}
    behind_proxy = start(
        "lms.settings.production", "s.ALLAUTH_TRUSTED_PROXY_COUNT", **secrets
    )
    two_proxies = start(
        "lms.settings.production",
        "s.ALLAUTH_TRUSTED_PROXY_COUNT",
        TRUSTED_PROXY_COUNT="2",
        **secrets,
    )
    demo = start("lms.settings.dev", "s.ALLAUTH_TRUSTED_PROXY_COUNT")

    assert behind_proxy.stdout.strip() == "1", behind_proxy.stderr
    assert two_proxies.stdout.strip() == "2"
    assert demo.stdout.strip() == "0"


def test_the_demo_settings_demand_a_secret_once_debug_is_off():
    assert start("lms.settings.dev").stdout.strip() == "started"
    assert "SECRET_KEY must be set" in start("lms.settings.dev", DEBUG="0").stderr


def test_the_embedded_defaults_are_sqlite_locmem_and_immediate_tasks():
    result = start(
        "lms.settings.dev",
        "s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'], "
        "s.TASKS['default']['BACKEND'], s.EMAIL_BACKEND, s.TIME_ZONE, s.LANGUAGE_CODE",
    )
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "django.core.cache.backends.locmem.LocMemCache",
        "django_tasks.backends.immediate.ImmediateBackend",
        "django.core.mail.backends.console.EmailBackend",
        "America/Lima",
        "es",
    ]


def test_an_empty_database_url_means_the_embedded_sqlite():
    result = start(
        "lms.settings.dev", "s.DATABASES['default']['ENGINE']", DATABASE_URL=""
    )
    assert result.stdout.strip() == "django.db.backends.sqlite3", result.stderr


def test_database_and_redis_urls_switch_the_backends():
    result = start(
        "lms.settings.dev",
        "s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'], "
        "s.CACHES['default']['BACKEND'], s.TASKS['default']['BACKEND'], "
        "s.RQ_QUEUES['default']['URL']",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/integridad",
        REDIS_URL="redis://127.0.0.1:6379/1",
    )
    assert result.stdout.split() == [
        "lms.postgresql",
        "integridad",
        "lms.cache.OutageTolerantRedisCache",
        "django_tasks_rq.RQBackend",
        "redis://127.0.0.1:6379/1?socket_connect_timeout=0.5&socket_timeout=0.5",
    ]


def test_tasks_backend_overrides_the_redis_workers():
    result = start(
        "lms.settings.dev",
        "s.TASKS['default']['BACKEND']",
        REDIS_URL="redis://127.0.0.1:6379/1",
        TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
    )
    assert result.stdout.strip() == "django_tasks.backends.immediate.ImmediateBackend"


def test_a_bucket_name_moves_media_to_private_s3():
    result = start(
        "lms.settings.dev",
        "s.STORAGES['default']['BACKEND'], s.STORAGES['default']['OPTIONS']",
        AWS_STORAGE_BUCKET_NAME="integridad-media",
        AWS_S3_ENDPOINT_URL="https://s3.example",
    )
    backend, options = result.stdout.split(" ", 1)
    assert backend == "storages.backends.s3.S3Storage", result.stderr
    assert "'bucket_name': 'integridad-media'" in options
    assert "'endpoint_url': 'https://s3.example'" in options
    assert "'default_acl': 'private'" in options
    assert "'querystring_auth': True" in options


def test_pages_may_show_images_from_the_bucket():
    result = start(
        "lms.settings.dev",
        "s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']",
        AWS_STORAGE_BUCKET_NAME="integridad-media",
    )
    assert result.stdout.strip() == (
        "[\"'self'\", 'data:', 'https://integridad-media.s3.amazonaws.com']"
    ), result.stderr


def test_postgresql_plans_iterator_cursors_for_all_their_rows():
    """QuerySet.iterator() is read to the end here (exports): no first-rows plan."""
    options = "s.DATABASES['default']['OPTIONS']"
    postgresql = start(
        "lms.settings.test", options, DATABASE_URL="postgres://u@db:5432/integridad"
    )
    told_otherwise = start(
        "lms.settings.test",
        options,
        DATABASE_URL="postgres://u@db:5432/integridad?options=-c%20jit%3Doff",
    )

    assert "cursor_tuple_fraction=1" in postgresql.stdout, postgresql.stderr
    assert "jit=off" in told_otherwise.stdout
    assert "cursor_tuple_fraction" not in told_otherwise.stdout
