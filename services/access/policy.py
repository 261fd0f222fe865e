"""What a principal may do: one table of actions, one question (`can`), one refusal (`require`).

Services ask `require(actor, Action.X)` before changing anything; pages and callbacks ask
`can(actor, Action.X)` to show or disable a control. No other code compares roles or tenant kinds.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from data.models import Role, TenantKind
from services.access.principal import Principal
from services.common.errors import PermissionDenied


class Action(StrEnum):
    CONSOLE_USE = "console.use"  # sign in to the LAR console and read its pages
    DIRECTORY_READ = "directory.read"
    INVITE_SEND = "invite.send"  # invite a reseller, resend, batch invite
    ENTRY_MAP = "entry.map"
    ENTRY_VISIBILITY = "entry.visibility"
    ENTRY_DELETE = "entry.delete"
    POOL_ADD = "pool.add"
    POOL_EDIT = "pool.edit"
    POOL_RETURN = "pool.return"
    TEAM_MANAGE = "team.manage"  # invite teammates, change roles, disable, remove
    SUBSCRIPTION_THRESHOLD = "subscription.threshold"
    ALERTS_ALWAYS = "alerts.always"  # receives alert emails whatever its own choice


@dataclass(frozen=True)
class Rule:
    kinds: frozenset[TenantKind]
    roles: frozenset[Role]
    refusal: str  # formatted with the principal's role


_LAR = frozenset({TenantKind.LAR})
_EVERY_ROLE = frozenset(Role)
_ACTING = frozenset({Role.ADMIN, Role.OPERATOR})
_ADMIN = frozenset({Role.ADMIN})
_READ_ONLY = "Your role ({role}) can view the console but not change it."
_NOT_A_LAR = "This console is for large account resellers."

RULES: dict[Action, Rule] = {
    Action.CONSOLE_USE: Rule(_LAR, _EVERY_ROLE, _NOT_A_LAR),
    Action.DIRECTORY_READ: Rule(_LAR, _EVERY_ROLE, _NOT_A_LAR),
    Action.INVITE_SEND: Rule(_LAR, _ACTING, _READ_ONLY),
    Action.ENTRY_MAP: Rule(_LAR, _ACTING, _READ_ONLY),
    Action.ENTRY_VISIBILITY: Rule(_LAR, _ACTING, _READ_ONLY),
    Action.ENTRY_DELETE: Rule(_LAR, _ACTING, _READ_ONLY),
    Action.POOL_ADD: Rule(_LAR, _ACTING, _READ_ONLY),
    Action.POOL_EDIT: Rule(_LAR, _ACTING, _READ_ONLY),
    Action.POOL_RETURN: Rule(_LAR, _ACTING, _READ_ONLY),
    Action.TEAM_MANAGE: Rule(_LAR, _ADMIN, "Your role ({role}) cannot manage users; ask an admin."),
    Action.SUBSCRIPTION_THRESHOLD: Rule(_LAR, _ADMIN, "Your role ({role}) cannot set thresholds; ask an admin."),
    Action.ALERTS_ALWAYS: Rule(_LAR, _ADMIN, "Only admins always receive alert emails."),
}


def can(principal: Principal, action: Action) -> bool:
    rule = RULES[action]
    return principal.tenant_kind in rule.kinds and principal.role in rule.roles


def require(principal: Principal, action: Action) -> None:
    """Raises PermissionDenied, with what the user reads, unless the principal may do action."""
    if can(principal, action):
        return
    rule = RULES[action]
    raise PermissionDenied(
        rule.refusal.format(role=principal.role) if principal.tenant_kind in rule.kinds else _NOT_A_LAR
    )


def roles_that_may(action: Action) -> list[Role]:
    """For queries over users (who receives an email): the roles the action is given to."""
    return sorted(RULES[action].roles)
