"""The login gate, CSRF for Dash callbacks, cookie flags, headers and error pages."""
from __future__ import annotations

import logging
import re

from dash.exceptions import DependencyException
from flask import Flask, jsonify, redirect, request, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from services.common.errors import DomainError, NotFound, PermissionDenied
from web.index_page import console_code

log = logging.getLogger(__name__)
PUBLIC_PATHS = ("/login", "/healthz")
# The invitation link, /sign-up/<token> (its token is the credential), known by the route Flask
# matched: any other address under /sign-up/ (another segment, an encoded slash, none) is Dash's
# page like any other, and needs a session.
PUBLIC_ENDPOINTS = ("sign_up.invitation", "password_pages.choose", "password_pages.forgot")
# Dash's code-running endpoints, downloads and uploads: answered 401, never redirected.
API_PREFIXES = ("/_dash", "/_reload", "/download/", "/upload/")
# Code and styles, the same for everyone and holding no one's data: the only responses a browser
# or proxy may keep. Of these, the exact addresses the console's page loads are also answered
# without a session, so the Sign in page can fetch them while the user types (the first page
# after it then waits for nothing on a slow link); any other address (another version, query
# or file, which Dash would answer too) still needs one.
CODE_FILE = re.compile(r"/(?:assets|_dash-component-suites)(?:/[\w@.\-]+)+\.(?:js|css|map|svg|png|ico|woff2?)"
                       r"|/_favicon\.ico")


def is_code(path: str) -> bool:
    return CODE_FILE.fullmatch(path) is not None


CSRF_COOKIE = "_csrf_token"  # the cookie Dash's renderer copies into X-CSRFToken

csrf = CSRFProtect()


class SessionUntouchedByCode(SecureCookieSessionInterface):
    """Code and styles neither set the session cookie nor say "Vary: Cookie" (Flask-Login reads
    the session after every request): what the Sign in page fetched stays usable after it."""

    def save_session(self, app, session, response):
        if not is_code(request.path):
            super().save_session(app, session, response)


def content_security_policy(script_hashes) -> str:
    """Scripts only from this origin plus Dash's own inline bootstrap (by hash); styles may be
    inline because Mantine and AG Grid set them at run time."""
    scripts = " ".join(["'self'", *script_hashes])  # Dash quotes its hashes
    return "; ".join([
        "default-src 'self'",
        f"script-src {scripts}",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


FIXED_HEADERS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"}
HSTS = "max-age=31536000; includeSubDomains"


def page_headers(server: Flask, production: bool) -> dict[str, str]:
    """What `harden` gives a page, for a page answered before Flask (web/sign_in_gate.py). Before
    Flask's first answer the policy lacks Dash's script hashes, which such a page does not need."""
    policy = server.config.get("CONTENT_SECURITY_POLICY") or content_security_policy(())
    headers = {**FIXED_HEADERS, "Cache-Control": "no-store", "Content-Security-Policy": policy}
    return {**headers, "Strict-Transport-Security": HSTS} if production else headers


def init_security(server: Flask, production: bool, script_hashes=lambda: ()) -> None:
    """script_hashes: called once, after Dash's first-request setup has registered every
    inline script (Dash Pages adds its own), to build the Content-Security-Policy."""
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=production,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=production,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        WTF_CSRF_SSL_STRICT=production,
        PROPAGATE_EXCEPTIONS=False,
        # The largest request is a Batch invite upload: 2 MB, base64 in a callback body.
        MAX_CONTENT_LENGTH=8 * 1024 * 1024,
    )

    server.session_interface = SessionUntouchedByCode()

    # Registered before CSRFProtect's own hook, so an anonymous POST gets 401, not 400.
    @server.before_request
    def require_sign_in():
        if request.method in ("GET", "HEAD") and request.full_path.rstrip("?") in console_code()["public"]:
            return None
        if request.path in PUBLIC_PATHS or request.endpoint in PUBLIC_ENDPOINTS or current_user.is_authenticated:
            return None
        if request.method != "GET" or request.path.startswith(API_PREFIXES):
            return jsonify(error="Sign in first."), 401
        # The whole address, query included: a shared link to a filtered view survives sign-in.
        return redirect(url_for("sign_in.login", next=request.full_path.rstrip("?")))

    csrf.init_app(server)

    @server.after_request
    def harden(response):
        code = is_code(request.path)
        if not code and current_user.is_authenticated:
            response.set_cookie(
                CSRF_COOKIE, generate_csrf(), samesite="Lax", secure=production, httponly=False
            )
        for name, value in FIXED_HEADERS.items():
            response.headers.setdefault(name, value)
        if not code or response.mimetype == "text/html":
            # Pages, callback answers and downloads carry one LAR's data: never kept anywhere.
            response.headers["Cache-Control"] = "no-store"
        elif response.status_code == 200 and (request.args.get("m") or request.args.get("v")):
            # Dash puts the file's version in its own assets' and favicon's addresses (?m=, ?v=):
            # kept for a year, a reload asks for nothing (Flask's default made each one a round trip).
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        elif response.status_code == 200 and "Cache-Control" not in response.headers:
            # Code Dash serves at a fixed address (AG Grid's chunk, which its bundle asks for by
            # name): five minutes, so what the Sign in page fetched is used as it is; after that
            # checked by its ETag. An upgrade is seen within five minutes.
            response.headers["Cache-Control"] = "public, max-age=300"
        if production:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        if "CONTENT_SECURITY_POLICY" not in server.config:
            server.config["CONTENT_SECURITY_POLICY"] = content_security_policy(script_hashes())
        response.headers.setdefault("Content-Security-Policy", server.config["CONTENT_SECURITY_POLICY"])
        return response

    @server.errorhandler(CSRFError)
    def csrf_refused(error):
        return jsonify(error="The form expired. Reload the page and try again."), 400

    @server.errorhandler(Exception)
    def no_stack_traces(error):
        if isinstance(error, HTTPException):
            return error
        if isinstance(error, DependencyException) or (
                isinstance(error, FileNotFoundError) and is_code(request.path)):
            # A script path Dash does not serve, or a file its package does not ship (a source
            # map a browser's developer tools ask for).
            return jsonify(error="Not found."), 404
        if isinstance(error, DomainError):
            # A refusal no callback turned into a notification: only a forged or stale request
            # (a record deleted meanwhile) gets here.
            status = 404 if isinstance(error, NotFound) else 403 if isinstance(error, PermissionDenied) else 400
            log.warning("refused %s: %s", request.path, error.message)
            return jsonify(error=error.message), status
        if isinstance(error, OperationalError):
            # The database cannot answer or write (down, disk full): the transaction rolled back.
            log.error("database unavailable on %s: %s", request.path, error.orig)
            return jsonify(error="The database is unavailable right now, so nothing was saved or changed. "
                                 "Try again in a few minutes."), 503
        # A callback request of the wrong shape never gets here (web/callback_requests.py), and
        # callbacks judge their values: anything raised now is a bug of ours, logged in full.
        log.exception("unhandled error on %s", request.path)
        return jsonify(error="Something went wrong on our side. Nothing was changed."), 500
