"""Only the invitation link itself (/sign-up/<token>, one segment) is open without a session;
any other address under /sign-up/ is a page like any other (outside security test, issue 19
finding 7: Dash answered its page shell at /sign-up/a/b to anyone)."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("path", [
    "/sign-up/a/b", "/sign-up/", "/sign-up//x", "/sign-up/a%2Fb", "/sign-up/a%2fb", "/sign-up/%2F",
    "/sign-up/x/", "/sign-up/..%2F..%2Fresellers", "/sign-up/a/b/c", "/sign-up//", "/sign-up/%2e%2e/x",
])
def test_other_addresses_under_sign_up_need_a_session(app, path):
    client = app.server.test_client()
    page = client.get(path)
    assert page.status_code == 302 and page.headers["Location"].startswith("/login?next="), (path, page.status_code)
    assert "_dash-renderer" not in page.get_data(as_text=True)
    assert client.post(path).status_code == 401


@pytest.mark.parametrize("path", ["/sign-up/" + "x" * 43, "/sign-up/a%252Fb" + "x" * 30, "/sign-up/..." + "y" * 30])
def test_the_invitation_link_is_open_and_answers_with_its_own_page(app, path):
    page = app.server.test_client().get(path)
    assert page.status_code == 410 and "not valid" in page.get_data(as_text=True)
    assert "_dash-renderer" not in page.get_data(as_text=True)


def test_signed_in_the_console_answers_under_sign_up_as_anywhere(signed_in):
    """A signed-in user gets Dash's page (its not-found page), as at any unknown address."""
    assert signed_in("analyst@demo.example").get("/sign-up/a/b").status_code == 200
