"""Sign-in and sign-out pages (plain Flask: nothing of the Dash app loads before sign-in)."""
from __future__ import annotations

import logging
from urllib.parse import urlparse

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import LoginManager, UserMixin, login_user, logout_user
from sqlalchemy.exc import SQLAlchemyError

from services.actor import Actor
from services.auth import authenticate, load_actor
from services.errors import NotAConsoleUser, SignInFailed

bp = Blueprint("sign_in", __name__)
log = logging.getLogger(__name__)
login_manager = LoginManager()


class SessionUser(UserMixin):
    def __init__(self, actor: Actor):
        self.actor = actor
        self.id = str(actor.user_id)


def _db():
    return current_app.extensions["reseller_db"]


@login_manager.user_loader
def _load(user_id: str):
    try:
        actor = load_actor(_db(), int(user_id))
    except ValueError:
        return None
    return SessionUser(actor) if actor else None


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never an open redirect."""
    if not target:
        return "/"
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    error = None
    email = ""
    if request.method == "POST":
        email = request.form.get("email", "")
        try:
            actor = authenticate(_db(), email, request.form.get("password", ""), client=request.remote_addr)
        except NotAConsoleUser as reseller:
            return render_template("welcome.html", heading=f"Welcome, {reseller.organization_name}",
                                   message="Your organization is registered as a reseller in Elements.",
                                   lar_name=None)
        except SignInFailed as refused:
            error = refused.message
        except SQLAlchemyError as fault:
            # Failures could not be counted: refuse rather than let guesses through uncounted.
            log.warning("sign-in refused, the database cannot be written: %s", getattr(fault, "orig", fault))
            return render_template("login.html", email=email,
                                   error="Signing in is unavailable right now. Try again in a few minutes."), 503
        else:
            login_user(SessionUser(actor))
            return redirect(_safe_next(request.args.get("next")))
    status = 401 if error else 200
    return render_template("login.html", error=error, email=email), status


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    return redirect(url_for("sign_in.login"))


@bp.route("/healthz")
def healthz():
    """Up, and able to write: a database that cannot take writes is reported, not hidden."""
    problem = _db().writable()
    if problem:
        return {"ok": False, "database": f"not writable: {problem}"}, 503
    return {"ok": True}


def init_sign_in(server) -> None:
    login_manager.init_app(server)
    login_manager.session_protection = "basic"
    server.register_blueprint(bp)
