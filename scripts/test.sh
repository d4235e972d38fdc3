#!/usr/bin/env bash
# Install everything the tests need (Chromium for the browser test, gettext for
# the translation check, poppler-utils to read rendered PDFs), check the
# installed packages for known vulnerabilities, check lint, formatting and
# migrations, and run the whole suite. Extra arguments go to pytest.
# Uses SQLite unless DATABASE_URL points at PostgreSQL (as .ci/run does).
# PIP_AUDIT=off skips the vulnerability check, saying so.
set -euo pipefail
cd "$(dirname "$0")/.."
# On PostgreSQL the production stack tests (tests/production/) also run, with
# a PostgreSQL cluster and a Redis server of their own.
stack_packages=()
[[ "${DATABASE_URL:-}" == postgres* ]] && stack_packages=(postgresql redis-server)
bash scripts/install.sh test $(cat scripts/debian-packages.txt) chromium gettext poppler-utils \
  "${stack_packages[@]}"

if [ "${PIP_AUDIT:-on}" = off ]; then
  echo "pip-audit: SKIPPED (PIP_AUDIT=off); the packages were not checked for known vulnerabilities." >&2
else
  # Every installed package at its exact version (pip freeze leaves out pip and
  # setuptools, the installer's own tools). A known vulnerability stops here; a
  # package that could not be looked up is named, loudly, and the tests go on.
  audit_report=$(mktemp)
  .venv/bin/pip freeze --exclude-editable \
    | .venv/bin/pip-audit --no-deps --disable-pip --progress-spinner off \
      --format json --output "$audit_report" --requirement /dev/stdin 2>/dev/null || true
  audit_status=0
  .venv/bin/python scripts/vulnerability_report.py "$audit_report" || audit_status=$?
  rm -f "$audit_report"
  [ "$audit_status" -eq 0 ] || exit "$audit_status"
fi

# Lint and formatting as CI holds them, and no model change without its migration.
.venv/bin/ruff check .
.venv/bin/ruff format --check --quiet .
DJANGO_SETTINGS_MODULE=lms.settings.test .venv/bin/python manage.py makemigrations --check --dry-run

# Both cores: pytest-xdist runs the tests in two processes, each with its own
# test database.
exec .venv/bin/python -m pytest --numprocesses 2 "$@"
