"""Change password (plain Flask, like sign-in): every session of the user ends, and this
browser continues on a fresh one."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

from services.accounts import MIN_PASSWORD, change_password
from services.errors import DomainError, InvalidForm
from web.sign_in import begin_session

bp = Blueprint("account", __name__)


@bp.route("/account/password", methods=["GET", "POST"])
def password():
    if request.method == "GET":
        return render_template("password.html", errors={}, min_length=MIN_PASSWORD)
    actor = current_user.actor
    try:
        change_password(current_app.extensions["reseller_db"], actor, request.form.get("current"),
                        request.form.get("new"), request.form.get("repeat"))
    except InvalidForm as refused:
        return render_template("password.html", errors=refused.errors, error=refused.message,
                               min_length=MIN_PASSWORD), 400
    except DomainError as refused:
        return render_template("password.html", errors={}, error=refused.message, min_length=MIN_PASSWORD), 403
    begin_session(actor)
    return render_template("welcome.html", heading="Password changed",
                           message="Every other browser signed in as you has been signed out.",
                           next_step="Back to the console", next_href="/")


def init_account(server) -> None:
    server.register_blueprint(bp)
