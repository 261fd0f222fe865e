"""Reseller Console: create_app() builds the Flask server and the Dash app on it.

`python app.py` serves it (see README.md for the environment variables).
"""
from __future__ import annotations

import logging
import os
import sys
import threading
from pathlib import Path

import dash_mantine_components as dmc
from flask import Flask
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.serving import WSGIRequestHandler

from callbacks import (
    activity,
    batch_invite,
    directory,
    invite,
    panels,
    placements,
    renewals,
    reseller,
    reseller_pools,
    subscriptions,
    team,
    users,
)
from callbacks.jobs import Jobs
from components.shell import app_layout
from config import Settings
from data.db import Database
from data.demo import DEMO_PASSWORD, DEMO_USERS, load_demo
from data.migrate import upgrade
from services.common.clock import Clock, MovingClock, SystemClock
from services.identity.sign_in import has_demo_users
from services.metrics.upkeep import keep_stored_figures_current
from services.notify.alerts import send_due_alerts
from services.notify.outbox import deliver_all_due, run_delivery_loop
from services.notify.transport import transport_for
from web.account import init_account
from web.callback_requests import init_callback_requests
from web.compression import init_compression
from web.index_page import INDEX, ConsoleDash
from web.password_pages import init_password_pages
from web.security import init_security
from web.sign_in import init_sign_in
from web.sign_in_gate import SignInGate
from web.sign_up import init_sign_up

ROOT = Path(__file__).parent
log = logging.getLogger("reseller_console")


def prepare_database(settings: Settings, clock: Clock) -> Database:
    """Schema at head, demo data when asked for. gunicorn runs this once in its master
    before any worker starts (gunicorn.conf.py), so workers never race to migrate."""
    upgrade(settings.database_url)
    db = Database(settings.database_url)
    keep_stored_figures_current()  # before the demo load: its commit writes the stored figures
    if settings.demo_data and not settings.production and load_demo(db, now=clock.now()):
        log.info("Loaded the demo data.")
    if settings.production and has_demo_users(db):
        raise SystemExit("APP_ENV=production refuses to run with demo users in the database.")
    return db




def clock_for(settings: Settings) -> Clock:
    return MovingClock(settings.clock_at) if settings.clock_at else SystemClock()


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> ConsoleDash:
    """clock: the one the app reads (once per request); the system clock unless CLOCK_AT or a
    test says otherwise."""
    settings = settings or Settings.from_env()
    clock = clock or clock_for(settings)
    db = prepare_database(settings, clock)

    server = Flask(__name__, instance_path=str(settings.instance), template_folder=str(ROOT / "templates"))
    server.config["SECRET_KEY"] = settings.secret_key
    server.wsgi_app = SignInGate(server, settings.production)  # inside ProxyFix: it counts client addresses
    if settings.proxy_hops:
        # The client's own address (sign-in throttling counts per address) and scheme, as
        # the trusted proxies report them; never trusted without PROXY_HOPS.
        hops = settings.proxy_hops
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    server.extensions["reseller_db"] = db
    server.extensions["reseller_settings"] = settings
    server.extensions["reseller_clock"] = clock
    server.extensions["mail_transport"] = transport_for(settings.smtp_url, settings.instance / "outbox")
    init_sign_in(server)
    init_sign_up(server)
    init_password_pages(server)
    init_account(server)

    app = ConsoleDash(
        __name__,
        server=server,
        use_pages=True,
        pages_folder=str(ROOT / "pages"),
        assets_folder=str(ROOT / "assets"),
        suppress_callback_exceptions=True,
        title="Reseller Console",
        update_title=None,
        external_stylesheets=dmc.styles.ALL,
    )
    app.layout = app_layout
    app.index_string = INDEX
    server.extensions["jobs"] = Jobs(settings, server.extensions["mail_transport"], clock)
    init_security(server, production=settings.production, script_hashes=app.csp_hashes)
    init_callback_requests(server, lambda: app.callback_map)
    init_compression(server)
    directory.register(app)
    reseller.register(app)
    reseller_pools.register(app)
    placements.register(app)
    panels.register(app)
    invite.register_resend(app)
    batch_invite.register(app, server.extensions["jobs"])
    users.register(app)
    team.register(app)
    renewals.register(app)
    subscriptions.register(app)
    activity.register(app)
    _register_code_paths(app)
    return app


def _register_code_paths(app: ConsoleDash) -> None:
    """Dash learns which script files it may serve while it renders its index page, so a
    gunicorn worker that had not rendered one refused the scripts a page from another worker
    asked for. Each process renders it once at start-up."""
    with app.server.test_request_context("/"):
        app._setup_server()  # what Dash does before its first request (Dash Pages, callbacks)
        app.index()


def start(build=create_app):
    """(settings, build(settings)), or one line saying which path is unusable and what to do."""
    instance = os.environ.get("INSTANCE_PATH", "instance")
    try:
        settings = Settings.from_env()
        return settings, build(settings)
    except (OSError, SQLAlchemyError) as error:
        reason = getattr(error, "orig", None) or error
        raise SystemExit(f"Cannot start: {reason}. Check that INSTANCE_PATH ({instance}) is a writable folder "
                         "and DATABASE_URL points at a database this process may write.") from None


def start_delivery(server) -> None:
    """Each serving process delivers the outbox in the background; claims keep them apart."""
    db, transport = server.extensions["reseller_db"], server.extensions["mail_transport"]
    threading.Thread(target=run_delivery_loop, args=(db, transport, server.extensions["reseller_clock"]), name="outbox",
                     daemon=True).start()


def wsgi():
    """The WSGI application for gunicorn (`gunicorn -c gunicorn.conf.py`)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    server = start()[1].server
    start_delivery(server)
    return server


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings, app = start()
    db, transport = app.server.extensions["reseller_db"], app.server.extensions["mail_transport"]
    clock = app.server.extensions["reseller_clock"]
    if sys.argv[1:] == ["send-emails"]:  # for cron: deliver what is due, once
        print(deliver_all_due(db, transport, clock))
        return
    if sys.argv[1:] == ["send-alerts"]:  # for cron: queue the alerts and digests due, then deliver
        print(send_due_alerts(db, now=clock.now(), base_url=settings.base_url))
        print(deliver_all_due(db, transport, clock))
        return
    if not settings.production and has_demo_users(db):
        print(f"Demo sign-in (password {DEMO_PASSWORD}): {', '.join(u[0] for u in DEMO_USERS)}")
    start_delivery(app.server)
    # No server name and version in responses (the Server header tells an attacker what to try).
    WSGIRequestHandler.server_version, WSGIRequestHandler.sys_version = "reseller-console", ""
    print(f"Reseller Console on http://127.0.0.1:{settings.port}/")
    if not os.environ.get("BASE_URL"):
        print(f"Links in emails point to {settings.base_url}/ (set BASE_URL to the address people open).")
    app.run(host="127.0.0.1", port=settings.port, debug=False)


if __name__ == "__main__":
    main()
