"""Change password (plain Flask, like sign-in): every session of the user ends, and this
browser continues on a fresh one."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from services.common.errors import DomainError, InvalidForm, TryLater
from services.identity.accounts import change_password
from services.identity.passwords import MIN_PASSWORD, RULE
from web.request_clock import request_now
from web.sign_in import begin_session

bp = Blueprint("account", __name__)


def _form(errors=None, error=None, status=200, headers=None):
    return render_template("password.html", errors=errors or {}, error=error, min_length=MIN_PASSWORD, rule=RULE,
                           email=current_user.actor.email), status, headers or {}


@bp.route("/account/password", methods=["GET", "POST"])
def password():
    if request.method == "GET":
        return _form()
    actor = current_user.actor
    try:
        change_password(current_app.extensions["reseller_db"], actor, request.form.get("current"),
                        request.form.get("new"), request.form.get("repeat"), client=request.remote_addr,
                        now=request_now())
    except InvalidForm as refused:
        return _form(refused.errors, refused.message, 400)
    except TryLater as later:
        return _form(error=later.message, status=429, headers={"Retry-After": str(later.retry_after)})
    except DomainError as refused:
        return _form(error=refused.message, status=403)
    begin_session(actor)
    # Post/redirect/get: reloading the confirmation does not send the form again.
    return redirect(url_for("account.password_changed"))


@bp.route("/account/password/changed")
def password_changed():
    return render_template("welcome.html", heading="Password changed",
                           message="Every other browser signed in as you has been signed out.",
                           next_step="Back to the console", next_href="/")


def init_account(server) -> None:
    server.register_blueprint(bp)
