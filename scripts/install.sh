#!/usr/bin/env bash
# Shared by demo.sh and test.sh: Debian packages, a virtualenv and the project.
# Usage: scripts/install.sh EXTRAS [DEBIAN_PACKAGE ...]   (EXTRAS: "" or "test")
set -euo pipefail
cd "$(dirname "$0")/.."

extras="${1:-}"
shift || true

python=${PYTHON:-python3}
packages=("$@")
# A brand-new machine may have no Python, or one without venv: Debian's
# (3.11 on bookworm) then serves.
if ! "$python" -c 'import sys, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  python=python3
  packages+=(python3 python3-venv)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "Python 3.11 or newer is needed (found $("$python" --version))." >&2
  exit 1
fi
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install --quiet "pip==26.3"
# Exactly the versions CI tested, checked against their hashes (bash
# scripts/lock.sh refreshes the lock files); then the project itself.
lock=requirements/main.txt
[ "$extras" = test ] && lock=requirements/test.txt
.venv/bin/python -m pip install --quiet --require-hashes --requirement "$lock"
.venv/bin/python -m pip install --quiet --no-deps --editable .
