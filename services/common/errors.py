"""Domain errors: each carries a message fit to show the user as it is."""


class DomainError(Exception):
    """A rule refused the request; nothing was changed."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """The record does not exist for this actor (also said for other LARs' records)."""

    def __init__(self, what: str = "Record"):
        super().__init__(f"{what} not found.")


class PermissionDenied(DomainError):
    pass


class SignInFailed(DomainError):
    pass


class NotAConsoleUser(DomainError):
    """Right password, but the user belongs to a reseller, not a large account reseller: the
    console has nothing for it yet (its own portal is a later issue)."""

    def __init__(self, organization_name: str):
        super().__init__(f"{organization_name} is registered as a reseller.")
        self.organization_name = organization_name


class ResellersInUse(DomainError):
    """Some selected resellers cannot be deleted; the rest could be."""

    def __init__(self, blocked: list[str], deletable_count: int):
        names = ", ".join(blocked)
        noun = "has" if len(blocked) == 1 else "have"
        message = f"Cannot delete {names}: {noun} active pooled subscriptions."
        if deletable_count:
            message += (
                f" Nothing was deleted. Confirm to delete the other {deletable_count}"
                f" selected reseller{'s' if deletable_count != 1 else ''}."
            )
        super().__init__(message)
        self.blocked = blocked
        self.deletable_count = deletable_count


class InvalidForm(DomainError):
    """Some fields of a form are wrong; errors names each one. Nothing was saved.

    errors: {field: message}, or for the Add pool wizard {service: {field: message}}."""

    def __init__(self, errors: dict, message: str = "Nothing was saved: correct the fields marked in red."):
        super().__init__(message)
        self.errors = errors


class Conflict(DomainError):
    """Someone else changed the record after this user opened it."""


class TryLater(DomainError):
    """Refused for now, before anything was checked or changed: every password check of this
    process is busy, or the client address is over its sign-in limit. retry_after: seconds
    (the HTTP Retry-After)."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class AddressOverLimit(TryLater):
    """The client address is over its sign-in limit until `until`: every sign-in from it is
    refused until then, whatever it sends."""

    def __init__(self, message: str, retry_after: int, until):
        super().__init__(message, retry_after)
        self.until = until
