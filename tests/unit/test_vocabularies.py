"""Every stored word has its label, and audit actions are named only through their enum."""
from __future__ import annotations

import ast
from pathlib import Path

from data.models import AuditAction, EntryStatus, PoolStatus, Role, TenantKind
from services.activity.feed import ACTIONS, activity_filter_options

ROOT = Path(__file__).resolve().parents[2]


def test_every_vocabulary_member_has_a_label_and_keeps_its_stored_value():
    for vocabulary in (TenantKind, Role, EntryStatus, PoolStatus, AuditAction):
        for member in vocabulary:
            assert member.label and str(member) == member.value
    assert [str(r) for r in Role] == ["admin", "operator", "analyst"]


def test_every_audit_action_is_named_through_the_enum_and_listed_by_activity():
    """A record(...) or record_in_lar(...) call whose action is a string literal would write a
    word Activity cannot label or filter: every call names an AuditAction member (or a variable)."""
    literal_actions = []
    for path in [*ROOT.glob("services/**/*.py"), *ROOT.glob("data/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                    "record", "record_in_lar"):
                literal_actions += [f"{path.name}:{node.lineno}" for a in node.args
                                    if isinstance(a, ast.Constant) and isinstance(a.value, str) and "." in a.value]
    assert literal_actions == []
    assert ACTIONS["user.password_changed"] == "Change password"
    assert set(ACTIONS) == {str(a) for a in AuditAction}


def test_activity_can_be_filtered_by_a_password_change(db):
    from tests.factories import World
    w = World(db)
    ada = w.user("ada@north.example", w.lar("North"), "admin")
    [_, (_, _, actions)] = activity_filter_options(db, ada)
    assert {"value": "user.password_changed", "label": "Change password"} in actions
