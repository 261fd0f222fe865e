"""Email addresses as people type them: checked to look deliverable (no DNS asked), lower-cased."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from services.common.errors import InvalidForm


def check_email(raw: str) -> tuple[str | None, str]:
    """(the address lower-cased, "") when it looks deliverable (no DNS asked), else (None, why)."""
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized.lower(), ""
    except EmailNotValidError as error:
        return None, str(error)


def normal_email(raw) -> str:
    """A deliverable-looking address, lower-cased; InvalidForm {"email": …} otherwise."""
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidForm({"email": "Enter the reseller's email address."}, "Enter the reseller's email address.")
    email, why = check_email(raw)
    if email is None:
        raise InvalidForm({"email": f"Not a valid email address: {why}"}, f"Not a valid email address: {why}")
    return email
