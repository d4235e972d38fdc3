#!/usr/bin/env bash
# Screenshots of every demo role's main pages at 1280 and 375 px, into
# docs/screens/ (see docs/screens/README.md). Needs the demo running on this
# machine: `bash scripts/demo.sh` in another terminal first.
# Usage: bash scripts/screens.sh [--url URL] [--role NAME ...]
set -euo pipefail
cd "$(dirname "$0")/.."
# Playwright comes with the test tools; it drives Debian's Chromium. Installing
# them into the demo's environment makes its server reload: screens.py waits.
if ! .venv/bin/python -c "import playwright" 2>/dev/null || ! command -v chromium >/dev/null; then
  bash scripts/install.sh test chromium
fi
exec .venv/bin/python scripts/screens.py "$@"
