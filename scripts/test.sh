#!/usr/bin/env bash
# Install everything the tests need (Chromium for the browser test, gettext for
# the translation check, poppler-utils to read rendered PDFs), check the
# installed packages for known vulnerabilities, and run the whole suite. Extra
# arguments go to pytest.
# Uses SQLite unless DATABASE_URL points at PostgreSQL (as .ci/run does).
# PIP_AUDIT=off skips the vulnerability check, saying so, on a machine that
# cannot reach PyPI's vulnerability data.
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
  audit_log=$(mktemp)
  trap 'rm -f "$audit_log"' EXIT
  # Every installed package at its exact version (pip freeze leaves out pip and
  # setuptools, the installer's own tools). --strict: a package that could not
  # be looked up fails the audit instead of passing unchecked.
  if ! .venv/bin/pip freeze --exclude-editable \
    | .venv/bin/pip-audit --strict --no-deps --disable-pip --progress-spinner off \
      --requirement /dev/stdin >"$audit_log" 2>&1; then
    grep -v -e "encouraged to fully hash" -e "pip-compile" "$audit_log" | tail -n 40 >&2
    if grep -q "^Found [0-9]* known vulnerabilit" "$audit_log"; then
      echo "pip-audit: known vulnerabilities in the installed packages (above). Raise the lower bound of each affected pin in pyproject.toml to a fixed version, then run this again." >&2
    else
      echo "pip-audit: could not check every package against PyPI's vulnerability data (above), so the tests do not run unchecked. Retry when PyPI answers, or set PIP_AUDIT=off to run the tests without this check." >&2
    fi
    exit 1
  fi
  echo "pip-audit: no known vulnerabilities in the installed packages."
fi

exec .venv/bin/python -m pytest "$@"
