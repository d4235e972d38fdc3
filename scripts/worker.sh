#!/usr/bin/env bash
# One task worker (RQ): certificate PDFs and e-mails, exports, reminders.
# It first queues again what a lost job left undelivered (a worker killed
# mid-job, or Redis down when a course was completed), then takes jobs.
# Run it from a service manager with the same environment as the web server.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-lms.settings.production}"
.venv/bin/python manage.py deliver_pending_certificates
exec .venv/bin/python manage.py rqworker default
