"""Settings of the bare project: only what Django needs to answer one view."""

import os

import dj_database_url

SECRET_KEY = os.environ["SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "tests.benchmarks.floor.urls"
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
# Connections kept across requests, as the project's production settings keep
# them (DATABASE_CONN_MAX_AGE): the floor pays no connection per request either.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ["DATABASE_URL"],
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
USE_TZ = True
TIME_ZONE = "America/Lima"
