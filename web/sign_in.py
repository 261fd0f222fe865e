"""Sign-in and sign-out pages (plain Flask: nothing of the Dash app loads before sign-in)."""
from __future__ import annotations

import logging
from urllib.parse import urlparse

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from sqlalchemy.exc import SQLAlchemyError

from services.access.principal import Principal
from services.common.errors import AddressOverLimit, NotAConsoleUser, SignInFailed, TryLater
from services.identity.held_back import HeldBackAddresses
from services.identity.sessions import end_session, resume_session, start_session
from services.identity.sign_in import authenticate
from web.index_page import console_code
from web.request_clock import request_now
from web.security import CSRF_COOKIE

bp = Blueprint("sign_in", __name__)
log = logging.getLogger(__name__)
login_manager = LoginManager()


class SessionUser(UserMixin):
    """Flask-Login keeps get_id() in the signed cookie: here the session token, not the user id,
    so the cookie is worth nothing once the session row is gone."""

    def __init__(self, actor: Principal, token: str):
        self.actor = actor
        self.id = token


def _db():
    return current_app.extensions["reseller_db"]


def _held_back() -> HeldBackAddresses:
    return current_app.extensions["held_back_addresses"]


@login_manager.user_loader
def _load(token: str):
    actor = resume_session(_db(), token, now=request_now())
    return SessionUser(actor, token) if actor else None


def begin_session(actor: Principal) -> None:
    """A fresh cookie (no fixation: nothing of the anonymous session, its CSRF token included,
    carries over) naming a fresh session row."""
    session.clear()
    login_user(SessionUser(actor, start_session(_db(), actor, client=request.remote_addr, now=request_now())))


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never an open redirect."""
    if not target:
        return "/"
    parsed = urlparse(target)
    # A browser reads "/\host" as "//host": another site.
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith(("//", "/\\")) \
            or any(c in target for c in "\r\n"):
        return "/"
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    error, status = None, 200
    email = ""
    if request.method == "POST":
        email = request.form.get("email", "")
        try:
            actor = authenticate(_db(), email, request.form.get("password", ""), now=request_now(),
                                 client=request.remote_addr)
            begin_session(actor)
        except NotAConsoleUser as reseller:
            return render_template("welcome.html", heading=f"Welcome, {reseller.organization_name}",
                                   message="Your organization is registered as a reseller in Elements.",
                                   lar_name=None)
        except SignInFailed as refused:
            error, status = refused.message, 401
        except TryLater as later:
            # Answered at once, never parked on a thread: a flood would hold every one.
            if isinstance(later, AddressOverLimit):
                _held_back().remember(request.remote_addr, later)
            return _try_later(email, later)
        except SQLAlchemyError as fault:
            # Failures could not be counted (or no session stored): refuse rather than let
            # guesses through uncounted.
            log.warning("sign-in refused, the database cannot be written: %s", getattr(fault, "orig", fault))
            return render_template("login.html", email=email,
                                   error="Signing in is unavailable right now. Try again in a few minutes."), 503
        else:
            return redirect(_safe_next(request.args.get("next")))
    # assets/session_end.js sends a browser here with ended=1 when its session ended elsewhere.
    ended = request.method == "GET" and request.args.get("ended") == "1"
    return _sign_in_page(email, error, ended=ended), status


def _sign_in_page(email: str, error: str | None, ended: bool = False) -> str:
    return render_template("login.html", error=error, email=email, ended=ended, prefetch=console_code()["prefetch"])


def _try_later(email: str, later: TryLater):
    return _sign_in_page(email, later.message), 429, {"Retry-After": str(later.retry_after)}


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    """POST signs out (CSRF-checked). GET, e.g. a typed or bookmarked address, asks first:
    a link must not be able to sign anyone out."""
    if request.method == "GET":
        if not current_user.is_authenticated:
            return redirect(url_for("sign_in.login"))
        return render_template("sign_out.html")
    if current_user.is_authenticated:
        end_session(_db(), current_user.get_id())
    logout_user()
    session.clear()
    response = redirect(url_for("sign_in.login"))
    response.delete_cookie(CSRF_COOKIE)
    return response


@bp.route("/healthz")
def healthz():
    """Up, and able to write: a database that cannot take writes is reported, not hidden."""
    problem = _db().writable(now=request_now())
    if problem:
        return {"ok": False, "database": f"not writable: {problem}"}, 503
    return {"ok": True}


def init_sign_in(server) -> None:
    server.extensions["held_back_addresses"] = HeldBackAddresses()
    server.context_processor(lambda: {"favicon": console_code()["favicon"]})
    login_manager.init_app(server)
    login_manager.session_protection = "basic"
    server.register_blueprint(bp)
