"""Security headers: the policy on every page, HTTPS rules in production."""

import json
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.http import HttpResponse
from django.urls import reverse

from lms.models import User
from lms.security_headers import ContentSecurityPolicyMiddleware
from tests.admin_helpers import signed_in
from tests.factories import PASSWORD, with_mfa

pytestmark = pytest.mark.django_db

# Read from lms.settings.production itself, so these tests follow its values.
HTTPS_SETTINGS = [
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SECURE_REDIRECT_EXEMPT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
]
# As the proxy in front of the app servers says a request came over HTTPS.
OVER_HTTPS = {"HTTP_X_FORWARDED_PROTO": "https"}


def production_env(**extra: str) -> dict:
    return {
        **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "REDIS_URL"}},
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "integridad.example",
        **extra,
    }


@pytest.fixture(scope="module")
def production_https_settings() -> dict:
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {HTTPS_SETTINGS!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=production_env(),
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def production(settings, production_https_settings):
    """Run the test with production's HTTPS settings."""
    for name, value in production_https_settings.items():
        setattr(settings, name, tuple(value) if isinstance(value, list) else value)


@pytest.fixture
def editor(db):
    return with_mfa(User.objects.create_superuser("editora", "editora@example.pe"))


def policy(response) -> dict[str, list[str]]:
    directives = response["Content-Security-Policy"].split(";")
    return {d.split()[0]: d.split()[1:] for d in (d.strip() for d in directives)}


@pytest.mark.parametrize(
    "env",
    [{}, {"REDIS_URL": "redis://127.0.0.1:6379/0"}],
    ids=["embedded-services", "redis"],
)
def test_check_deploy_finds_nothing_to_fix_in_production(env):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        env=production_env(**env),
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert result.stderr == ""


def test_production_sends_browsers_to_https_for_a_year_with_subdomains(
    production_https_settings,
):
    assert production_https_settings["SECURE_SSL_REDIRECT"] is True
    assert production_https_settings["SECURE_HSTS_SECONDS"] >= 365 * 24 * 60 * 60
    assert production_https_settings["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True


@pytest.mark.usefixtures("production")
def test_a_public_page_over_https_carries_every_header(client, catalogue):
    response = client.get("/", **OVER_HTTPS)

    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert policy(response) == {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "frame-src": [
            "'self'",
            "https://www.youtube.com",
            "https://www.youtube-nocookie.com",
            "https://player.vimeo.com",
        ],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }


@pytest.mark.usefixtures("production")
def test_plain_http_is_sent_to_https(client, catalogue):
    response = client.get("/verificar/")

    assert response.status_code == 301
    assert response["Location"] == "https://testserver/verificar/"


@pytest.mark.usefixtures("production")
def test_the_health_check_answers_load_balancers_over_plain_http(client):
    assert client.get(reverse("healthz")).status_code == 200


@pytest.mark.usefixtures("production")
def test_a_signed_in_page_has_the_same_policy_and_secure_cookies(
    client, learner, catalogue
):
    login = client.post(
        reverse("account_login"),
        {"login": learner.email, "password": PASSWORD},
        **OVER_HTTPS,
    )
    response = client.get(reverse("lms:my_courses"), **OVER_HTTPS)

    assert response.status_code == 200
    assert login.cookies[django_settings.SESSION_COOKIE_NAME]["secure"] is True
    assert login.cookies[django_settings.CSRF_COOKIE_NAME]["secure"] is True
    assert policy(response)["script-src"] == ["'self'"]
    assert policy(response)["frame-ancestors"] == ["'none'"]
    assert "Strict-Transport-Security" in response


@pytest.mark.usefixtures("production")
def test_the_admin_allows_inline_scripts_and_styles_but_no_framing(client, editor):
    response = signed_in(client, editor).get(reverse("wagtailadmin_home"), **OVER_HTTPS)

    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert policy(response)["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy(response)["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy(response)["frame-ancestors"] == ["'none'"]
    assert policy(response)["default-src"] == ["'self'"]


def test_a_page_preview_may_be_framed_by_the_editor_only(client, editor, lessons):
    preview = reverse("wagtailadmin_pages:preview_on_edit", args=[lessons[0].pk])

    response = signed_in(client, editor).get(preview)

    assert response.status_code == 200
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert policy(response)["frame-ancestors"] == ["'self'"]
    assert response.headers.get("Content-Security-Policy").count("frame-ancestors") == 1


def test_a_views_own_policy_still_changes_its_header(rf):
    def view(request):
        response = HttpResponse("ok")
        # What django-csp's @csp_update decorator sets.
        response._csp_update = {"img-src": ["https://mapas.example.pe"]}
        return response

    plain = ContentSecurityPolicyMiddleware(lambda request: HttpResponse("ok"))
    own = ContentSecurityPolicyMiddleware(view)

    assert "https://mapas.example.pe" in own(rf.get("/"))["Content-Security-Policy"]
    assert "mapas" not in plain(rf.get("/"))["Content-Security-Policy"]
    assert policy(plain(rf.get("/"))) == policy(plain(rf.get("/otra/")))
