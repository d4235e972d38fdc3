#!/usr/bin/env bash
# Install, migrate, load the demo content and accounts, and serve the demo at
# http://127.0.0.1:8000 on the embedded defaults (SQLite, immediate tasks).
# Safe to run again: migrations and seed_demo are idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
# WeasyPrint draws certificates with Pango; libharfbuzz-subset0 subsets fonts
# in C (without it each page takes several times longer).
bash scripts/install.sh "" $(cat scripts/debian-packages.txt)
export DJANGO_SETTINGS_MODULE=lms.settings.dev
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py create_issuer_key --if-missing
.venv/bin/python manage.py seed_demo
exec .venv/bin/python manage.py runserver 127.0.0.1:8000
