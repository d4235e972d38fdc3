"""With Redis down, pages keep serving: cache reads miss, rate limits are off."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from certificates.issuance import issue_certificate
from lms.models import Person
from tests.factories import PASSWORD
from tests.lms.test_health import CLOSED_REDIS, redis_cache

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_down(settings):
    settings.CACHES = redis_cache(CLOSED_REDIS)


@pytest.mark.usefixtures("redis_down")
def test_people_still_log_in_while_rate_limits_are_off(client, learner):
    # allauth locks its counter with cache.add; django-redis's None for it
    # would refuse every login (429) until Redis is back.
    response = client.post(
        reverse("account_login"), {"login": learner.email, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert client.get(reverse("lms:my_courses")).wsgi_request.user == learner


@pytest.mark.usefixtures("redis_down")
def test_a_wrong_password_is_still_refused(client, learner):
    response = client.post(
        reverse("account_login"), {"login": learner.email, "password": "no-es-esta"}
    )

    assert response.status_code == 200
    assert not client.get(reverse("lms:my_courses")).wsgi_request.user.is_authenticated


@pytest.mark.usefixtures("redis_down")
def test_a_certificate_is_verified(client, learner, course):
    person = Person.objects.create(
        user=learner,
        document_number="42388604",
        first_names="Rosa Elena",
        last_names="Quispe Huamán",
    )
    certificate = issue_certificate(
        person=person, course=course, issued_on=timezone.localdate(), score=93
    )

    response = client.get(reverse("certificates:verify", args=[certificate.code]))

    assert response.status_code == 200
    assert "Quispe" in response.content.decode()


def test_each_skipped_cache_call_is_one_warning_without_a_traceback(settings, caplog):
    settings.CACHES = redis_cache(CLOSED_REDIS)
    # As lms.settings.base sets them with REDIS_URL.
    settings.DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    settings.DJANGO_REDIS_LOGGER = "lms.cache"

    assert cache.get("certificate-verify:ip") is None

    [record] = caplog.records
    assert (record.name, record.levelname) == ("lms.cache", "WARNING")
    assert record.getMessage().startswith("Redis unreachable, cache call skipped: ")
    assert "Connection refused" in record.getMessage()
    assert record.exc_info is None
