"""The invitation link's page (plain Flask, open without signing in): sign up, or accept."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from services.common.errors import InvalidForm
from services.identity.passwords import MIN_PASSWORD, RULE
from services.invitations.sign_up import LinkUnusable, accept_invitation, open_invitation, register_from_invitation
from web.request_clock import request_now

bp = Blueprint("sign_up", __name__)
PREFIX = "/sign-up/"


def _db():
    return current_app.extensions["reseller_db"]


def _base_url() -> str:
    """Where the LAR's email links (the settings' address, never the request's)."""
    return current_app.extensions["reseller_settings"].base_url


@bp.route(PREFIX + "<token>", methods=["GET", "POST"])
def invitation(token: str):
    try:
        opened = open_invitation(_db(), token, now=request_now())
    except LinkUnusable as refused:
        return render_template("sign_up.html", unusable=refused.message), 410
    if request.method == "GET":
        return render_template("sign_up.html", invitation=opened, errors={}, organization_name=opened.organization_name)
    name = request.form.get("organization_name", "")
    try:
        if opened.registered:
            lar = accept_invitation(_db(), token, _base_url(), now=request_now())
            heading, message = "Invitation accepted", f"{opened.organization_name} is now a reseller of {lar}."
        else:
            lar = register_from_invitation(_db(), token, name, request.form.get("password"),
                                           request.form.get("repeated"), _base_url(), now=request_now())
            heading, message = f"Welcome, {name.strip()}", "Your organization is registered. You can sign in now."
    except InvalidForm as refused:
        return render_template("sign_up.html", invitation=opened, errors=refused.errors, error=refused.message,
                               organization_name=name), 400
    except LinkUnusable as refused:
        return render_template("sign_up.html", unusable=refused.message), 410
    return render_template("welcome.html", heading=heading, message=message, lar_name=lar)


def init_sign_up(server) -> None:
    # The one password rule, for every page that sets a password.
    server.context_processor(lambda: {"password_rule": RULE, "password_min": MIN_PASSWORD})
    server.register_blueprint(bp)
