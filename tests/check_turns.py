"""The password check turns of this process (services.identity.sign_in), as a flood of sign-ins leaves them."""
from __future__ import annotations

from contextlib import contextmanager


@contextmanager
def every_check_turn_taken():
    """What a flood of sign-ins does: every password check turn of this process is in use."""
    from services.identity import sign_in
    taken = 0
    while sign_in._turns.take():
        taken += 1
    try:
        yield
    finally:
        for _ in range(taken):
            sign_in._turns.give_back()
