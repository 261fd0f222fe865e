"""The password check turns of this process (services.auth), as a flood of sign-ins leaves them."""
from __future__ import annotations

from contextlib import contextmanager


@contextmanager
def every_check_turn_taken():
    """What a flood of sign-ins does: every password check turn of this process is in use."""
    from services import auth
    taken = 0
    while auth._turns.take():
        taken += 1
    try:
        yield
    finally:
        for _ in range(taken):
            auth._turns.give_back()
