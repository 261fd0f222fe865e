"""Set a password from a link (a teammate's invitation, a forgotten password's reset) and ask
for a reset link: plain Flask, open without signing in (the link's token is the credential)."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from services.common.errors import InvalidForm
from services.identity.password_links import LinkUnusable, open_link, request_reset, set_password
from web.request_clock import request_now

bp = Blueprint("password_pages", __name__)


def _db():
    return current_app.extensions["reseller_db"]


@bp.route("/password/<token>", methods=["GET", "POST"])
def choose(token: str):
    try:
        opened = open_link(_db(), token, now=request_now())
    except LinkUnusable as refused:
        return render_template("set_password.html", unusable=refused.message), 410
    if request.method == "GET":
        return render_template("set_password.html", opened=opened, errors={})
    try:
        set_password(_db(), token, request.form.get("new"), request.form.get("repeat"), now=request_now())
    except InvalidForm as refused:
        return render_template("set_password.html", opened=opened, errors=refused.errors, error=refused.message), 400
    except LinkUnusable as refused:
        return render_template("set_password.html", unusable=refused.message), 410
    return render_template("welcome.html", heading="Password set",
                           message=f"Sign in as {opened.email} with your new password.",
                           next_step="Go to sign in", next_href="/login")


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot():
    if request.method == "GET":
        return render_template("forgot_password.html", email=request.args.get("email", "")[:254], sent=False)
    email = request.form.get("email", "")[:254]
    request_reset(_db(), email, current_app.extensions["reseller_settings"].base_url, now=request_now(),
                  client=request.remote_addr)
    # The same answer whether or not the address has an account.
    return render_template("forgot_password.html", email=email, sent=True)


def init_password_pages(server) -> None:
    server.register_blueprint(bp)
