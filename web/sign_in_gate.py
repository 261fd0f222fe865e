"""Sign-ins that cannot have a password check, answered before Flask does any work (issue 19):
those from an address over its limit, and any while every check turn of this process is taken.
A flood must cost next to nothing, or it takes the cores and threads the console's users need
(measured by bench/load.py --flood)."""
from __future__ import annotations

from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request

from services.common.errors import AddressOverLimit, TryLater
from services.identity.sign_in import any_check_turn_free, busy
from web.index_page import NO_CODE
from web.request_clock import NOW_KEY
from web.security import page_headers


class _SignInForm(Request):
    max_content_length = 16 * 1024  # an email, a password and a token


class SignInGate:
    """WSGI middleware, inside ProxyFix (so REMOTE_ADDR is the client's): a POST /login from an
    address this process knows is over its sign-in limit (services.identity.held_back.HeldBackAddresses,
    taught by web/sign_in.py), or while no check turn is free, gets the Sign in page with 429 at
    once, the typed email and the form's own CSRF token kept; anything else goes on to the app.
    (A turn taken just after this glance is refused as busy by the app.)"""

    def __init__(self, server, production: bool):
        self.app, self.server, self.production = server.wsgi_app, server, production

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") != "POST" or environ.get("PATH_INFO") != "/login":
            return self.app(environ, start_response)
        held_back = self.server.extensions["held_back_addresses"]
        client = environ.get("REMOTE_ADDR")
        if held_back.knows(client):
            now = environ[NOW_KEY] = self.server.extensions["reseller_clock"].now()  # the request's one reading
            try:
                held_back.refuse(client, now=now)
            except AddressOverLimit as limit:
                return self._refuse(environ, start_response, limit)
        if not any_check_turn_free():
            return self._refuse(environ, start_response, busy())
        return self.app(environ, start_response)

    def _refuse(self, environ, start_response, later: TryLater):
        try:
            form = _SignInForm(environ).form
        except HTTPException:  # too long to be a sign-in: nothing of it is shown again
            form = {}
        code = self.server.extensions.get("console_code", NO_CODE)
        page = self.server.jinja_env.get_template("login.html").render(
            email=form.get("email", ""), error=later.message, ended=False, prefetch=code["prefetch"],
            favicon=code["favicon"], csrf_token=lambda: form.get("csrf_token", ""))
        body = page.encode()
        start_response("429 TOO MANY REQUESTS", [
            ("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body))),
            ("Retry-After", str(later.retry_after)), *page_headers(self.server, self.production).items()])
        return [body]
