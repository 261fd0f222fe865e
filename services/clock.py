from datetime import datetime, timezone


def utcnow() -> datetime:
    """Naive UTC, the form every DateTime column stores."""
    return datetime.now(timezone.utc).replace(tzinfo=None)
