"""gunicorn's settings for the production stack (scripts/production.sh).

Each value can be changed from the environment; see README, "Production".
The stack tests (tests/production/) start gunicorn with this same file.
"""

import multiprocessing
import os

wsgi_app = "lms.wsgi"
# Only the proxy in front (which terminates TLS) should reach the app server.
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# Sync workers, each serving one request at a time; gunicorn's suggested
# starting point is two per core plus one.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
# Rendering a certificate the worker has not rendered yet happens in the
# request that downloads it; it takes seconds, never this long.
timeout = 60
# The app is imported once, in the master, and each worker is forked from it:
# a replaced worker answers within milliseconds instead of importing Django
# and Wagtail again (about 2 s of CPU), which, with every worker recycling
# near the same count, left the server answering nobody for seconds. Nothing
# opens a database or Redis connection at import: each worker opens its own.
preload_app = True
# A worker is replaced after this many requests, so a slow leak never grows;
# the wide jitter spreads the replacements so that they never come together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = max_requests // 2
# The heartbeat file in memory: a worker on a slow disk is not killed as hung.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# The control socket's default path is one per user, shared by every gunicorn
# it runs (the stack tests' too); the service manager controls this one.
control_socket_disable = True
accesslog = os.environ.get("ACCESS_LOG", "-")
# The combined format and the time taken, in milliseconds.
access_log_format = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
)
