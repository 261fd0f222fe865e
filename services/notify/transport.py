"""How a message leaves: SMTP (SMTP_URL) or, without one, an .eml file in the instance outbox
folder that a developer can open. Both take an email.message.EmailMessage."""
from __future__ import annotations

import email.policy
import smtplib
import ssl
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

SENDER = "Reseller Console <no-reply@reseller-console.example>"
TIMEOUT_S = 10


# Headers fold only past 998 characters (RFC 5322's limit): folding at 78 put a Subject whose
# first word is long (a hyphenated organization name) on a blank first line.
POLICY = email.policy.default.clone(max_line_length=998)


def build_message(to: str, subject: str, text: str, html: str | None, message_id: int,
                  queued_at: datetime) -> EmailMessage:
    """queued_at: when the message was complete and ready to go (its Date, RFC 5322 3.6.1)."""
    message = EmailMessage(policy=POLICY)
    message["From"] = SENDER
    message["To"] = to
    message["Date"] = format_datetime(queued_at.replace(tzinfo=UTC))
    message["Subject"] = subject
    # A stable id: a receiver can tell a retried copy from a new message.
    message["Message-ID"] = f"<outbox-{message_id}@reseller-console.example>"
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    return message


class SmtpTransport:
    """smtp://[user:password@]host[:port][?starttls=1] or smtps://... (TLS from the start)."""

    def __init__(self, url: str):
        parts = urlparse(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("SMTP_URL must look like smtp://host:25 or smtps://user:password@host:465")
        self.tls = parts.scheme == "smtps"
        self.starttls = parse_qs(parts.query).get("starttls", ["0"])[0] in ("1", "true", "yes")
        self.host, self.port = parts.hostname, parts.port or (465 if self.tls else 25)
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None

    def send(self, message: EmailMessage) -> None:
        smtp: smtplib.SMTP  # SMTP_SSL is an SMTP
        if self.tls:
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=TIMEOUT_S, context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_S)
        with smtp:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.user:
                smtp.login(self.user, self.password or "")
            smtp.send_message(message)


class FolderTransport:
    """Writes each message as <id>.eml into a folder (the default without SMTP_URL)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def send(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = message["Message-ID"].strip("<>").split("@")[0] + ".eml"
        (self.folder / name).write_bytes(bytes(message))


def transport_for(smtp_url: str | None, outbox_folder: Path):
    return SmtpTransport(smtp_url) if smtp_url else FolderTransport(outbox_folder)
