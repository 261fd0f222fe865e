"""gunicorn settings: `make serve`, or `gunicorn -c gunicorn.conf.py` (see README.md).

Workers share nothing in memory: sessions, sign-in throttling, the outbox and pool seats
live in the database, background jobs in diskcache or Redis. So any worker (or any host,
on PostgreSQL) can answer any request.
"""
import multiprocessing
import os

import gunicorn.http.wsgi

wsgi_app = "app:wsgi()"
bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8050')}")
# Callbacks are mostly Python work: a process per core, plus threads to overlap database waits.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
timeout = 60
graceful_timeout = 20
keepalive = 5
accesslog = os.environ.get("ACCESS_LOG") or None
errorlog = "-"
# One machine may run several instances (tests, benchmarks): no shared control socket.
control_socket_disable = True
# Behind a proxy, set PROXY_HOPS (the app then trusts X-Forwarded-For/-Proto that many hops).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# No server name and version in responses (the Server header tells an attacker what to try).
gunicorn.http.wsgi.SERVER = "reseller-console"


def on_starting(_server):
    """Migrate and load demo data once, in the master, before any worker imports the app."""
    from app import clock_for, prepare_database, start
    start(lambda settings: prepare_database(settings, clock_for(settings)).dispose())
