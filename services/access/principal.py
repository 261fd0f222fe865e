"""Who is acting: every service receives one and checks it."""
from __future__ import annotations

from dataclasses import dataclass

from services.common.errors import PermissionDenied

ACTING_ROLES = ("admin", "operator")


@dataclass(frozen=True)
class Actor:
    user_id: int
    lar_id: int
    role: str
    email: str

    @property
    def can_act(self) -> bool:
        return self.role in ACTING_ROLES


def require_acting_role(actor: Actor) -> None:
    if not actor.can_act:
        raise PermissionDenied(
            f"Your role ({actor.role}) can view the console but not change it."
        )
