from __future__ import annotations

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import Client, TestCase, override_settings

from tests.factories import signed_in_session
from tests.security.world import World, build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> World:
    """Build the objects once for the module, in a transaction rolled back after.

    Each test runs in a savepoint inside it (pytest-django's `db`), so what
    a request writes is gone before the next test.
    """
    keys = tmp_path_factory.mktemp("keys")
    with (
        override_settings(CERTIFICATE_KEYS_DIR=keys),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        # Signed credentials and the status list need an issuer key.
        call_command("create_issuer_key", stdout=StringIO())
        # Run the work queued on commit (certificate delivery, the export).
        with TestCase.captureOnCommitCallbacks(execute=True):
            built = build_world()
        built.sessions = {
            role: signed_in_session(user)
            for role, user in built.users.items()
            if user is not None
        }
        yield built
        transaction.set_rollback(True)


@pytest.fixture
def as_role(db, world):
    """Return a function giving a fresh client signed in as one of the roles."""

    def client_for(role: str) -> Client:
        client = Client()
        if role in world.sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
        return client

    return client_for
