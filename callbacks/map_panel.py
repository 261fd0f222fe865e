"""Map's panel: open it for one Unmapped entry, choose a tenant at its domain or find another by
its owner's full address, save (services/directory/mapping.py maps, or asks the tenant to accept)."""
from __future__ import annotations

from dash import Input, Output, State, no_update

from callbacks.context import NOTIFY, actor, base_url, db, notice, now
from callbacks.grid_controls import next_refresh, records, require_click, selected_ids
from callbacks.panels import Opener, close_on
from services.common.errors import DomainError, InvalidForm
from services.directory import mapping


def _owners(tenants: list[dict], entry_email: str) -> list[dict]:
    """The owner list: those at the entry's domain, then those found by a typed address."""
    near = sorted({t["owner_email"] for t in tenants if t.get("near")})
    found = sorted({t["owner_email"] for t in tenants if not t.get("near")})
    domain = entry_email.rsplit("@", 1)[-1]
    return ([{"group": f"At @{domain}", "items": near}] if near else []) + \
        ([{"group": "Found by address: asked to accept", "items": found}] if found else [])


def _entry(store) -> dict:
    return store if isinstance(store, dict) and isinstance(store.get("email"), str) else {"id": None, "email": ""}


def register(app, prefix: str, opener: Opener) -> None:
    """The panel whose ids start with prefix (components/map_panel.py), for the one entry
    selected in opener's grid; that grid refreshes after a save."""
    p = prefix

    @app.callback(
        Output(f"{p}-drawer", "opened", allow_duplicate=True),
        Output(f"{p}-subject", "children"),
        Output(f"{p}-owner", "data"),
        Output(f"{p}-owner", "value"),
        Output(f"{p}-tenants", "data"),
        Output(f"{p}-entry", "data"),
        Output(f"{p}-lookup", "value"),
        Output(f"{p}-lookup", "error", allow_duplicate=True),
        NOTIFY,
        opener.clicked,
        opener.selection,
        prevent_initial_call=True,
    )
    def open_map(clicked, selected):
        require_click(clicked)
        ids = selected_ids(selected)
        if len(ids) != 1:
            return (no_update,) * 8 + (notice("Select one reseller to map.", ok=False),)
        try:
            choices = mapping.mapping_choices(db(), actor(), ids[0])
        except DomainError as refused:
            return (no_update,) * 8 + (notice(refused.message, ok=False),)
        entry, tenants = choices.reseller, choices.tenants
        subject = (f"Map {entry.organization_name} ({entry.email}) to its registered reseller tenant. Saving "
                   "replaces the entry's organization name and tenant owner with the tenant's.")
        owners = sorted({t["owner_email"] for t in tenants})
        # One owner at the entry's domain: chosen already (the organization follows if it has one).
        return (True, subject, _owners(tenants, entry.email), owners[0] if len(owners) == 1 else None,
                tenants, {"id": entry.id, "email": entry.email, "name": entry.organization_name}, "", None, no_update)

    @app.callback(
        Output(f"{p}-tenants", "data", allow_duplicate=True),
        Output(f"{p}-owner", "data", allow_duplicate=True),
        Output(f"{p}-owner", "value", allow_duplicate=True),
        Output(f"{p}-lookup", "error", allow_duplicate=True),
        Input(f"{p}-find", "n_clicks"),
        Input(f"{p}-lookup", "n_submit"),
        State(f"{p}-lookup", "value"),
        State(f"{p}-entry", "data"),
        State(f"{p}-tenants", "data"),
        State(f"{p}-owner", "value"),
        prevent_initial_call=True,
    )
    def find(clicked, submitted, typed, entry, tenants, owner):
        """Another tenant, named by its owner's address in full: nothing is browsed. A Find that
        fails forgets what an earlier one found, so Send invitation never goes to a tenant the
        person has moved on from."""
        require_click(clicked or submitted)
        entry, tenants = _entry(entry), records(tenants)
        try:
            found = mapping.find_tenants_owned_by(db(), actor(), entry["id"], typed)
            refusal = None if found else ("No registered reseller tenant is owned by that address, or it is in "
                                          "your directory already.")
        except InvalidForm as refused:
            found, refusal = [], refused.errors.get("lookup", refused.message)
        except DomainError as refused:
            found, refusal = [], refused.message
        if refusal:
            near = [t for t in tenants if t.get("near")]
            kept = owner if any(t.get("owner_email") == owner for t in near) else None
            return near, _owners(near, entry["email"]), kept, refusal
        known = {t.get("id") for t in tenants}
        tenants = tenants + [t for t in found if t["id"] not in known]
        return tenants, _owners(tenants, entry["email"]), found[0]["owner_email"], None

    @app.callback(
        Output(f"{p}-org", "data"),
        Output(f"{p}-org", "value"),
        Output(f"{p}-consent", "children"),
        Output(f"{p}-consent", "display"),
        Output(f"{p}-save", "children"),
        Input(f"{p}-owner", "value"),
        State(f"{p}-tenants", "data"),
        State(f"{p}-entry", "data"),
        prevent_initial_call=True,
    )
    def organizations_of_owner(owner, tenants, entry):
        # The tenants the panel holds, as the browser sent them (Save's service call decides).
        mine = [t for t in records(tenants) if isinstance(owner, str) and t.get("owner_email") == owner]
        options = [{"value": str(t.get("id")), "label": str(t.get("organization_name"))} for t in mine]
        entry = _entry(entry)
        if mine and not mapping.is_near(entry["email"], owner):
            said = (f"{owner} is outside {entry['email']}'s domain: saving sends it an invitation to accept. "
                    f"{entry.get('name') or 'The entry'} stays Unmapped until it accepts, then becomes Mapped.")
            return options, options[0]["value"] if len(options) == 1 else None, said, "block", "Send invitation"
        return options, options[0]["value"] if len(options) == 1 else None, "", "none", "Save"

    @app.callback(
        Output(f"{p}-drawer", "opened", allow_duplicate=True),
        opener.bump,
        NOTIFY,
        Input(f"{p}-save", "n_clicks"),
        State(f"{p}-entry", "data"),
        State(f"{p}-owner", "value"),
        State(f"{p}-org", "value"),
        opener.refresh,
        prevent_initial_call=True,
    )
    def save(clicked, entry, owner, tenant_id, refresh):
        require_click(clicked)
        if not tenant_id or not owner:
            return no_update, no_update, notice("Choose the tenant owner and organization name.", ok=False)
        try:
            done = mapping.map_reseller(db(), actor(), _entry(entry)["id"], tenant_id, owner, base_url(), now=now())
        except DomainError as refused:
            return no_update, no_update, notice(refused.message, ok=False)
        if done.mapped:
            return False, next_refresh(refresh), notice(f"{done.organization_name} is now Mapped.")
        return False, next_refresh(refresh), notice(
            f"An invitation to accept went to {done.invited}: {done.organization_name} becomes Mapped when "
            "it accepts.")

    close_on(app, f"{p}-drawer", f"{p}-cancel")
