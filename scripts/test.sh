#!/usr/bin/env bash
# Install everything the tests need (Chromium for the browser test, gettext for
# the translation check, poppler-utils to read rendered PDFs) and run the whole
# suite. Extra arguments go to pytest.
# Uses SQLite unless DATABASE_URL points at PostgreSQL (as .ci/run does).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh test $(cat scripts/debian-packages.txt) chromium gettext poppler-utils
exec .venv/bin/python -m pytest "$@"
