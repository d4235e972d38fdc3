#!/usr/bin/env bash
# Refresh the lock files that every install reads (scripts/install.sh): exact
# versions with their hashes, resolved from pyproject.toml's ranges.
#   bash scripts/lock.sh                            after editing pyproject.toml: keep
#                                                   every pin that still fits
#   bash scripts/lock.sh --upgrade                  the newest each range allows
#   bash scripts/lock.sh --upgrade-package django   one package only
# Then run the README's test command and commit pyproject.toml with both files.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
# uv resolves for every platform and Python >= 3.11 at once (--universal), so a
# lock made on one machine installs on another.
.venv/bin/python -m pip install --quiet "uv==0.13.10"
options=(--universal --python-version 3.11 --generate-hashes --quiet "$@")
.venv/bin/uv pip compile pyproject.toml --extra test "${options[@]}" \
  --output-file requirements/test.txt
# The demo and production install the same versions, less the test tools.
.venv/bin/uv pip compile pyproject.toml --constraints requirements/test.txt "${options[@]}" \
  --output-file requirements/main.txt
