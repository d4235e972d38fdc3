#!/usr/bin/env bash
# Run the production stack on this machine from a clone: gunicorn serving
# lms.wsgi on 127.0.0.1:$PORT (behind a proxy that terminates TLS) and one
# task worker. PostgreSQL and Redis are services of their own, reached
# through DATABASE_URL and REDIS_URL. See README, "Production".
#
#   SECRET_KEY=... ALLOWED_HOSTS=integridad.regioncajamarca.gob.pe \
#   CSRF_TRUSTED_ORIGINS=https://integridad.regioncajamarca.gob.pe \
#   SITE_URL=https://integridad.regioncajamarca.gob.pe \
#   DATABASE_URL=postgres://integridad@127.0.0.1:5432/integridad \
#   REDIS_URL=redis://127.0.0.1:6379/0 MEDIA_ROOT=/srv/integridad/media \
#   bash scripts/production.sh
#
# It creates no accounts and no demo content; stop it with Ctrl-C or SIGTERM.
# When either process ends, the other is stopped too, so a service manager
# sees the stack fail and restarts it.
set -euo pipefail
cd "$(dirname "$0")/.."

for name in SECRET_KEY ALLOWED_HOSTS DATABASE_URL REDIS_URL SITE_URL; do
  if [ -z "${!name:-}" ]; then
    echo "$name must be set (see README, \"Production\")." >&2
    exit 2
  fi
done

bash scripts/install.sh "" $(cat scripts/debian-packages.txt)
export DJANGO_SETTINGS_MODULE=lms.settings.production
# Connections kept open for a minute, checked before reuse (a database
# restart costs no request an error).
export DATABASE_CONN_MAX_AGE="${DATABASE_CONN_MAX_AGE:-60}"

.venv/bin/python manage.py check --deploy
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py collectstatic --noinput --verbosity 0
.venv/bin/python manage.py create_issuer_key --if-missing

.venv/bin/gunicorn --config scripts/gunicorn.conf.py &
web=$!
bash scripts/worker.sh &
worker=$!

stop() {
  kill -TERM "$web" "$worker" 2>/dev/null || true
  wait "$web" "$worker" 2>/dev/null || true
}
trap 'stop; exit 0' INT TERM
status=0
wait -n "$web" "$worker" || status=$?
echo "A production process stopped (status $status); stopping the other." >&2
stop
# Neither should ever end by itself: even a clean exit is a failure here.
exit $((status == 0 ? 1 : status))
