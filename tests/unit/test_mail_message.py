"""What an email looks like on the wire (issue 20: invitation emails had no Date header, and a
Subject with a long first word started with a blank folded line)."""
from __future__ import annotations

from datetime import datetime
from email import message_from_bytes
from email.policy import default

import pytest

from services.notify.transport import build_message

QUEUED = datetime(2026, 11, 30, 12, 5, 7)


def _raw_headers(subject: str) -> str:
    raw = bytes(build_message("owner@reseller.example", subject, "Hello", "<p>Hello</p>", 7, QUEUED)).decode()
    return raw.split("\n\n", 1)[0]


def test_a_message_is_dated_when_it_was_queued():
    message = message_from_bytes(bytes(build_message("a@b.example", "Hi", "Hello", None, 7, QUEUED)), policy=default)
    assert message["Date"] == "Mon, 30 Nov 2026 12:05:07 +0000"


@pytest.mark.parametrize("subject", [
    "Northwind-Cloud-Partners-International-Holdings-Limited-Europe-Middle-East invites Blue Networks to "
    "its reseller directory",
    "Northwind Cloud Partners invites 🚀 Batch Two Ltd to its reseller directory",
])
def test_the_subject_starts_on_its_own_line_and_reads_back_whole(subject):
    headers = _raw_headers(subject)
    first = next(line for line in headers.splitlines() if line.startswith("Subject:"))
    assert first.strip() != "Subject:"  # no blank first line
    assert message_from_bytes(headers.encode() + b"\n\nx", policy=default)["Subject"] == subject
