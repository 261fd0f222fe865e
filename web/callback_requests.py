"""The shape of a callback request, checked before Dash reads it.

For the callback its `output` names, Dash's renderer sends the outputs, inputs and state that
callback was registered with, in that order, and which inputs changed. Each is an {id, property}
object, or for a pattern-matching id with ALL a list of them; an input or state carries its value
(left out when the component has none), an output's property may carry allow_duplicate's
"@hash", and a callback without state is sent none. A body of any other shape was made by hand:
Dash would fail on it somewhere inside (a 500, or an exception that looks like a bug of ours), so
it is refused here with a 400. Values are the callbacks' to judge, except those of Dash's own
router, whose code is not ours: the address bar's path and query are text.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping

from flask import Flask, jsonify, request

log = logging.getLogger(__name__)
CALLBACK_PATH = "/_dash-update-component"
REFUSED = "This request did not come from the console's pages."
MANY = (["ALL"], ["ALLSMALLER"])  # wildcards (as a registered id holds them) that send a list
WILDCARD_VALUES = (str, int, float, bool)  # what a pattern-matching id's keys may hold
ROUTER_LOCATION, ROUTER_TEXT = "_pages_location", ("pathname", "search")  # Dash Pages' own callback


def init_callback_requests(server: Flask, callbacks: Callable[[], Mapping]) -> None:
    """callbacks: the Dash app's callback map. Registered after the sign-in gate and CSRF, so
    those answer first."""

    @server.before_request
    def refuse_malformed_callbacks():
        if request.path != CALLBACK_PATH or request.method != "POST":
            return None
        try:
            body = request.get_json(silent=True)
        except RecursionError:  # JSON nested thousands deep
            body = None
        why = refusal(body, callbacks())
        if why is None:
            return None
        output = body.get("output") if isinstance(body, dict) else None
        log.warning("refused a malformed callback request for %.120r: %s", output, why)
        return jsonify(error=REFUSED), 400


def refusal(body, callbacks: Mapping) -> str | None:
    """Why this body is not one the console's pages send, or None when it is well-formed."""
    if not isinstance(body, dict):
        return "the body is not an object"
    entry = callbacks.get(body.get("output")) if isinstance(body.get("output"), str) else None
    if entry is None or "callback" not in entry:
        return "output names no callback of the server"
    registered = entry["output"] if isinstance(entry["output"], list) else [entry["output"]]
    outputs = [{"id": o.to_dict()["id"], "property": o.component_property} for o in registered]
    sent = body.get("outputs") if isinstance(entry["output"], list) else [body.get("outputs")]
    if not entry.get("no_output") and not _slots(sent, outputs, valued=False):
        return "outputs are not the callback's"
    if not _slots(body.get("inputs"), entry["inputs"], valued=True):
        return "inputs are not the callback's"
    if not _slots(body.get("state", []), entry["state"], valued=True):
        return "state is not the callback's"
    if not _changed_inputs(body.get("changedPropIds"), body["inputs"]):
        return "changedPropIds names what is not an input"
    if not all(_router_text(slot) for slot in body["inputs"]):
        return "the router's address is not text"
    return None


def _slots(sent, registered: list[dict], valued: bool) -> bool:
    return isinstance(sent, list) and len(sent) == len(registered) and all(
        _slot(item, spec, valued) for item, spec in zip(sent, registered, strict=True))


def _slot(item, spec: dict, valued: bool) -> bool:
    pattern = json.loads(spec["id"]) if spec["id"].startswith("{") else spec["id"]
    if isinstance(pattern, dict) and any(v in MANY for v in pattern.values()):
        return isinstance(item, list) and all(_component(i, pattern, spec["property"], valued) for i in item)
    return _component(item, pattern, spec["property"], valued)


def _component(item, pattern, prop: str, valued: bool) -> bool:
    """One component's entry; the value of its "id" property is its id."""
    return (isinstance(item, dict) and isinstance(item.get("property"), str)
            and item["property"].split("@")[0] == prop and _same_id(item.get("id"), pattern)
            and (not valued or prop != "id" or item.get("value") == item["id"]))


def _same_id(ident, pattern) -> bool:
    if not isinstance(pattern, dict):
        return ident == pattern
    return isinstance(ident, dict) and ident.keys() == pattern.keys() and all(
        isinstance(ident[k], WILDCARD_VALUES) if isinstance(v, list) else ident[k] == v for k, v in pattern.items())


def _changed_inputs(changed, inputs: list) -> bool:
    """Dash reads which input changed from these ("id.property", the id as JSON for a pattern)."""
    sent = [(i["id"], i["property"]) for slot in inputs for i in (slot if isinstance(slot, list) else [slot])]
    return isinstance(changed, list) and all(isinstance(c, str) and _prop_id(c) in sent for c in changed)


def _prop_id(text: str):
    ident, _, prop = text.rpartition(".")
    if ident.startswith("{"):
        try:
            ident = json.loads(ident)
        except (ValueError, RecursionError):
            return None
    return ident, prop


def _router_text(slot) -> bool:
    if not isinstance(slot, dict) or slot["id"] != ROUTER_LOCATION or slot["property"] not in ROUTER_TEXT:
        return True
    return slot.get("value") is None or isinstance(slot["value"], str)
