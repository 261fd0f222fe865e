"""Single invite: search the registered resellers, then Invite one or Send email to sign up."""
from __future__ import annotations

from dash import Input, Output, State, ctx, no_update

from callbacks.context import NOTIFY, actor, base_url, clock, db, mail_transport, notice, now
from callbacks.grid_controls import next_refresh, require_click, stored_query
from callbacks.panels import Opener, close_on
from components.invitation_section import invitation_section
from components.invite_panel import found_options
from services.common.errors import DomainError, InvalidForm
from services.common.ids import row_id
from services.invitations.invite import (
    find_resellers,
    invitation_details,
    invite_by_email,
    invite_tenant,
    resend_invitation,
)
from services.invitations.invite_results import DomainHint
from services.notify.outbox import deliver_in_background


def register(app, prefix: str, opener: Opener) -> None:
    """The Single invite panel whose ids start with prefix (components/invite_panel.py), opened
    by opener's button; after an invitation, opener's grid searches for the new entry."""
    p = prefix

    @app.callback(
        Output(f"{p}-drawer", "opened", allow_duplicate=True),
        Output(f"{p}-email", "value"), Output(f"{p}-org", "value"), Output(f"{p}-email", "error"),
        Output(f"{p}-org", "error"),
        Output(f"{p}-summary", "children", allow_duplicate=True), Output(f"{p}-options", "children"),
        Output(f"{p}-choice", "value", allow_duplicate=True),
        Output(f"{p}-invite", "display", allow_duplicate=True),
        Output(f"{p}-send", "display", allow_duplicate=True),
        opener.clicked,
        prevent_initial_call=True,
    )
    def open_single(clicked):
        require_click(clicked)
        return True, "", "", None, None, "", [], None, "none", "none"

    close_on(app, f"{p}-drawer", f"{p}-cancel")

    @app.callback(
        Output(f"{p}-summary", "children", allow_duplicate=True), Output(f"{p}-options", "children",
                                                                            allow_duplicate=True),
        Output(f"{p}-choice", "value", allow_duplicate=True), Output(f"{p}-email", "error", allow_duplicate=True),
        Output(f"{p}-org", "error", allow_duplicate=True),
        Output(f"{p}-invite", "display", allow_duplicate=True),
        Output(f"{p}-send", "display", allow_duplicate=True),
        Output(f"{p}-searched", "data"), Output(f"{p}-summary", "c"),
        Input(f"{p}-search", "n_clicks"), Input(f"{p}-email", "n_submit"),
        State(f"{p}-email", "value"), State(f"{p}-org", "value"),
        prevent_initial_call=True,
    )
    def search(clicked, submitted, email, organization):
        """The outcome is said in the panel (in red when the search is refused), where the next
        search replaces it: a notification stayed up over later searches (issue 20)."""
        require_click(clicked or submitted)
        try:
            result = find_resellers(db(), actor(), email, organization)
        except InvalidForm as refused:
            errors = refused.errors
            return "", [], None, errors.get("email"), errors.get("organization_name"), "none", "none", None, "inherit"
        except DomainError as refused:
            return refused.message, [], None, None, None, "none", "none", None, "red"
        searched = {"email": result.email, "organization_name": result.organization_name}
        if result.found and all(t.in_directory for t in result.found):
            names = ", ".join(t.organization_name for t in result.found)
            summary = f"Already in your directory: {names}. There is no one to invite."
            return summary, found_options(result.found), None, None, None, "none", "none", None, "inherit"
        if result.found:
            count = len(result.found)
            choosable = [t for t in result.found if not t.in_directory]
            # One to choose from: chosen already, so Invite is one click.
            chosen = str(choosable[0].tenant_id) if len(choosable) == 1 else None
            summary = (f"{count} registered reseller{'s' if count != 1 else ''} found by "
                       f"{result.matched_by}. " + ("Click Invite." if chosen else "Choose one and click Invite."))
            return (summary, found_options(result.found), chosen, None, None, "inline-block", "none", searched,
                    "inherit")
        if result.already_invited:
            summary = f"{result.email} is already in your directory ({result.already_invited})."
            return summary, [], None, None, None, "none", "none", None, "inherit"
        summary = (f"No registered reseller matches {result.email}. Click Send email to invite them to sign up "
                   "for Elements.")
        if result.domain_hint:
            summary = _with_domain_hint(result.email, result.domain_hint)
        return summary, [], None, None, None, "none", "inline-block", searched, "inherit"

    @app.callback(Output(f"{p}-invite", "disabled"), Input(f"{p}-choice", "value"), prevent_initial_call=True)
    def invite_enabled(choice):
        return not choice

    @app.callback(
        Output(f"{p}-drawer", "opened", allow_duplicate=True),
        opener.bump, NOTIFY,
        Output(f"{opener.grid}-query", "data", allow_duplicate=True), Output(f"{opener.grid}-search", "value"),
        Input(f"{p}-invite", "n_clicks"), Input(f"{p}-send", "n_clicks"),
        State(f"{p}-choice", "value"), State(f"{p}-searched", "data"), opener.refresh,
        State(f"{opener.grid}-query", "data"),
        prevent_initial_call=True,
    )
    def send(invite_clicked, send_clicked, choice, searched, refresh, query):
        """The new entry is shown at once: the directory is searched for its address (a new
        Invited entry landed on a later page, out of sight)."""
        require_click(invite_clicked or send_clicked)
        searched = searched if isinstance(searched, dict) else {}
        try:
            if ctx.triggered_id == f"{p}-invite":
                invited = invite_tenant(db(), actor(), row_id(choice), searched.get("email"),
                                        searched.get("organization_name"), base_url(), now=now())
            else:
                invited = invite_by_email(db(), actor(), searched.get("email"), searched.get("organization_name"),
                                          base_url(), now=now())
        except DomainError as refused:
            return no_update, no_update, notice(refused.message, ok=False), no_update, no_update
        deliver_in_background(db(), mail_transport(), clock())
        return (False, next_refresh(refresh), notice(
            f"Invited {invited.organization_name}: an invitation email is on its way to {invited.email}."),
                {**stored_query(query), "search": invited.email}, invited.email)


def _with_domain_hint(email: str, hint: DomainHint) -> str:
    """Searched without an organization name: the domain step needs one (the document's rule)."""
    domain = hint.domain
    parts = [f"No reseller tenant is owned by {email}."]
    if hint.registered:
        parts.append(f"Registered resellers use @{domain}: enter the organization name and click Search to find "
                     "yours.")
    if hint.entries:
        parts.append(f"Your directory already has {', '.join(hint.entries)} at @{domain}.")
    parts.append("Send email invites this address to sign up as a new organization.")
    return " ".join(parts)


def register_resend(app) -> None:
    @app.callback(
        Output("invitation-box", "children"), NOTIFY,
        Input("invitation-resend", "n_clicks"),
        State("pools-context", "data"),
        prevent_initial_call=True,
    )
    def resend(clicked, reseller_id):
        require_click(clicked)
        try:
            sent = resend_invitation(db(), actor(), reseller_id, base_url(), now=now())
            details = invitation_details(db(), actor(), reseller_id, now=now())
        except DomainError as refused:
            return no_update, notice(refused.message, ok=False)
        deliver_in_background(db(), mail_transport(), clock())
        return invitation_section(details, True), notice(f"A new invitation link is on its way to {sent.email}.")
