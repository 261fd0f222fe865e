"""What Single invite and Batch invite say about bad input, through the real app's callbacks
(outside security test, issue 19 findings 5 and 9)."""
from __future__ import annotations

import base64

from sqlalchemy import func, select

from data.models import DirectoryEntry, OutgoingEmail
from tests.integration.conftest import dash_call

SEARCH = [("invite-summary", "children"), ("invite-options", "children"), ("invite-choice", "value"),
          ("invite-email", "error"), ("invite-org", "error"), ("invite-invite", "display"), ("invite-send", "display"),
          ("invite-searched", "data"), ("invite-summary", "c")]
PREVIEW = [("batch-rows", "data"), ("batch-grid", "rowData"), ("batch-summary", "children"),
           ("batch-error", "children"), ("batch-error", "display"), ("batch-invite", "disabled"),
           ("batch-outcome", "display"), ("batch-file-name", "children")]


def _counts(app):
    with app.server.extensions["reseller_db"].reading() as s:
        return (s.scalar(select(func.count()).select_from(DirectoryEntry)),
                s.scalar(select(func.count()).select_from(OutgoingEmail)))


def test_single_invite_marks_a_name_with_a_line_break_and_sends_nothing(signed_in, app):
    client = signed_in("operator@demo.example")
    before = _counts(app)
    response = dash_call(client, SEARCH, [("invite-search", "n_clicks", 1), ("invite-email", "n_submit", None)],
                         [("invite-email", "value", "owner@line-break.example"),
                          ("invite-org", "value", "Line\r\nBreak Ltd")])
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    out = response.get_json()["response"]
    assert out["invite-org"]["error"] == "The organization name cannot contain a line break."
    assert out["invite-email"]["error"] is None and out["invite-send"]["display"] == "none"
    assert out["invite-searched"]["data"] is None
    assert _counts(app) == before


def test_a_file_that_is_not_a_list_is_named_as_text(signed_in):
    client = signed_in("operator@demo.example")
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 20
    name = '<img src=x onerror="alert(1)">.xlsx'
    response = dash_call(client, PREVIEW, [("batch-upload", "contents",
                                            "data:image/png;base64," + base64.b64encode(png).decode()),
                                           ("batch-email-unregistered", "checked", True)],
                         [("batch-upload", "filename", name), ("batch-rows", "data", None)])
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    out = response.get_json()["response"]
    # A plain string: Dash puts it in the page as text, never as HTML.
    assert out["batch-error"]["children"].startswith(f"{name} is not an Excel workbook (.xlsx) or a CSV file")
    assert out["batch-error"]["display"] == "block" and out["batch-invite"]["disabled"] is True


def test_invite_checks_the_rows_as_long_as_the_preview_did(signed_in, app):
    """The preview marked a 246-character name as a Problem; the rows the browser sent back for
    Invite were cut to 200 characters first, and so passed."""
    client = signed_in("operator@demo.example")
    before = _counts(app)
    rows = [{"row": 2, "organization_name": "L" * 246, "email": "long@too-long-name.example"}]
    response = dash_call(client, [("batch-ticket", "data"), ("batch-summary", "children"),
                                  ("notify", "sendNotifications")],
                         [("batch-invite", "n_clicks", 1)],
                         [("batch-rows", "data", rows), ("batch-email-unregistered", "checked", True)])
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    out = response.get_json()["response"]
    assert "batch-ticket" not in out and "No row can be invited" in str(out["notify"])
    assert _counts(app) == before


def test_a_message_failed_at_once_reads_as_one_attempt():
    from components.invitation_section import _delivery
    failed = {"delivery": "Failed", "attempts": 1, "error": "Cannot be sent, not retried: bad header",
              "delivered_at": None}
    assert _delivery(failed) == "Failed after 1 attempt: Cannot be sent, not retried: bad header"
    assert _delivery({**failed, "attempts": 8}).startswith("Failed after 8 attempts: ")
