"""The one password rule (issue 20: sign-up asked for 12 characters, the console for 10), for
sign-up, Change password, a teammate's invitation and a forgotten password's reset."""
from __future__ import annotations

MIN_PASSWORD = 12
MAX_PASSWORD = 200
RULE = f"At least {MIN_PASSWORD} characters, and not your email address."


def password_errors(new, repeat, email: str, field: str = "new", repeat_field: str = "repeat") -> dict:
    """{field: message} for a chosen password and its repetition; {} when it will do."""
    if not isinstance(new, str) or len(new) < MIN_PASSWORD:
        return {field: f"Use at least {MIN_PASSWORD} characters."}
    if len(new) > MAX_PASSWORD:
        return {field: f"Use at most {MAX_PASSWORD} characters."}
    if new.strip().lower() == (email or "").strip().lower():
        return {field: "Do not use your email address as your password."}
    if new != repeat:
        return {repeat_field: "The two passwords differ."}
    return {}
