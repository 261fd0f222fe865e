"""Batch invite: template downloads, reading the upload into a preview, Invite, the outcome."""
from __future__ import annotations

import base64
import binascii
import uuid

from dash import Input, Output, State, ctx, dcc, no_update
from dash.exceptions import PreventUpdate

from callbacks.context import NOTIFY, actor, db, notice
from callbacks.grid_controls import next_refresh, require_click
from callbacks.jobs import Jobs, open_job
from callbacks.panels import close_on
from services.common.errors import DomainError
from services.common.names import NAME_LIMIT
from services.invitations.batch import RowCheck, check_rows, invite_rows, outcome_csv, require_rows, stopped_outcome
from services.invitations.batch_file import MAX_ROWS, BadFile, SheetRow, read_rows, template_csv, template_xlsx


def _summary(checks) -> str:
    valid = sum(1 for c in checks if c.valid)
    problems = len(checks) - valid
    return (f"{len(checks):,} row{'s' if len(checks) != 1 else ''}: {valid:,} can be invited"
            + (f", {problems:,} will not be (see Check)" if problems else "") + ".")


def _rows_from(store) -> list[SheetRow]:
    """The rows as the browser holds them: only their text is taken, and every row is checked again."""
    rows = []
    for item in store if isinstance(store, list) else []:
        if isinstance(item, dict) and isinstance(item.get("row"), int):
            rows.append(SheetRow(item["row"], str(item.get("organization_name", ""))[:NAME_LIMIT + 50],
                                 str(item.get("email", ""))[:254]))
    return rows[:MAX_ROWS]


def register(app, jobs: Jobs) -> None:
    @app.callback(
        Output("batch-drawer", "opened", allow_duplicate=True), Output("batch-rows", "data", allow_duplicate=True),
        Output("batch-grid", "rowData", allow_duplicate=True),
        Output("batch-summary", "children", allow_duplicate=True),
        Output("batch-error", "display", allow_duplicate=True), Output("batch-file-name", "children"),
        Output("batch-outcome", "display", allow_duplicate=True),
        Output("batch-invite", "disabled", allow_duplicate=True),
        Output("batch-progress", "display", allow_duplicate=True),
        Input("invite-batch", "n_clicks"),
        prevent_initial_call=True,
    )
    def open_batch(clicked):
        require_click(clicked)
        return True, None, [], "", "none", "", "none", True, "none"

    close_on(app, "batch-drawer", "batch-close")

    @app.callback(Output("batch-download", "data", allow_duplicate=True),
                  Input("batch-template-xlsx", "n_clicks"), Input("batch-template-csv", "n_clicks"),
                  prevent_initial_call=True)
    def template(xlsx, csv_):
        require_click(xlsx or csv_)
        if ctx.triggered_id == "batch-template-xlsx":
            return dcc.send_bytes(template_xlsx(), "batch-invite-template.xlsx")
        return dcc.send_bytes(template_csv(), "batch-invite-template.csv")

    @app.callback(
        Output("batch-rows", "data", allow_duplicate=True), Output("batch-grid", "rowData", allow_duplicate=True),
        Output("batch-summary", "children", allow_duplicate=True), Output("batch-error", "children"),
        Output("batch-error", "display", allow_duplicate=True),
        Output("batch-invite", "disabled", allow_duplicate=True),
        Output("batch-outcome", "display", allow_duplicate=True), Output("batch-file-name", "children",
                                                                         allow_duplicate=True),
        Input("batch-upload", "contents"), Input("batch-email-unregistered", "checked"),
        State("batch-upload", "filename"), State("batch-rows", "data"),
        prevent_initial_call=True,
    )
    def preview(contents, email_unregistered, filename, held):
        try:
            if ctx.triggered_id == "batch-upload":
                rows = read_rows(str(filename or ""), _decode(contents))
            else:
                rows = _rows_from(held)
                if not rows:
                    return (no_update,) * 8
            checks = check_rows(db(), actor(), rows, bool(email_unregistered))
        except DomainError as refused:
            return None, [], "", refused.message, "block", True, "none", str(filename or "")[:120]
        stored = [{"row": r.number, "organization_name": r.organization_name, "email": r.email} for r in rows]
        return (stored, [c.as_dict() for c in checks], _summary(checks), "", "none",
                not any(c.valid for c in checks), "none", str(filename or "")[:120])

    @app.callback(
        Output("batch-ticket", "data"), Output("batch-summary", "children", allow_duplicate=True), NOTIFY,
        Input("batch-invite", "n_clicks"),
        State("batch-rows", "data"), State("batch-email-unregistered", "checked"),
        prevent_initial_call=True,
    )
    def start(clicked, held, email_unregistered):
        """Checked here, with the signed-in user; the job then runs from a ticket only this server can sign."""
        require_click(clicked)
        rows = _rows_from(held)
        try:
            require_rows(check_rows(db(), actor(), rows, bool(email_unregistered)))
        except DomainError as refused:
            return no_update, no_update, notice(refused.message, ok=False)
        ticket = jobs.sign({"user": actor().user_id, "rows": held, "email": bool(email_unregistered),
                            "batch": uuid.uuid4().hex})
        return ticket, f"Inviting {sum(1 for _ in rows):,} rows…", no_update

    @app.callback(
        Output("batch-grid", "rowData", allow_duplicate=True),
        Output("batch-summary", "children", allow_duplicate=True),
        Output("batch-outcome-rows", "data"), Output("batch-outcome", "display", allow_duplicate=True),
        Output("dir-refresh", "data", allow_duplicate=True), NOTIFY,
        Input("batch-ticket", "data"), State("dir-refresh", "data"),
        background=True, manager=jobs.manager,
        running=[(Output("batch-invite", "disabled"), True, True), (Output("batch-upload", "disabled"), True, False),
                 (Output("batch-stop", "display"), "inline-block", "none"),
                 (Output("batch-progress", "display"), "block", "none")],
        progress=[Output("batch-progress", "value"), Output("batch-settled", "data")],
        progress_default=[0, None],
        cancel=[Input("batch-stop", "n_clicks")],
        prevent_initial_call=True,
    )
    def run(set_progress, ticket, refresh):
        """In a worker process: the rows of a ticket this server signed, as the user who asked."""
        if not ticket:
            raise PreventUpdate
        opened = open_job(ticket)
        if opened is None:
            return (no_update,) * 5 + (notice("This batch expired before it started. Click Invite again.", ok=False),)
        ran_by, job = opened
        try:
            database, acting = ran_by.context(job["user"])
        except DomainError as refused:
            return (no_update,) * 5 + (notice(refused.message, ok=False),)
        try:
            checks = check_rows(database, acting, _rows_from(job["rows"]), job["email"])
            outcome = invite_rows(database, acting, checks, ran_by.base_url, batch=job["batch"], now=ran_by.now(),
                                  progress=lambda done, total, settled: set_progress(
                                      [round(100 * done / max(total, 1)), [c.as_dict() for c in settled]]))
            ran_by.deliver(database)
        except DomainError as refused:
            return (no_update,) * 5 + (notice(refused.message, ok=False),)
        finally:
            database.dispose()
        invited = sum(1 for c in outcome if c.verdict == "Invited")
        summary = f"Invited {invited:,} of {len(outcome):,} rows. Download the outcome for every row."
        return ([c.as_dict() for c in outcome], summary, [c.as_dict() for c in outcome], "inline-block",
                next_refresh(refresh), notice(f"Invited {invited:,} reseller{'s' if invited != 1 else ''}."))

    @app.callback(
        Output("batch-grid", "rowData", allow_duplicate=True),
        Output("batch-summary", "children", allow_duplicate=True),
        Output("batch-outcome-rows", "data", allow_duplicate=True),
        Output("batch-outcome", "display", allow_duplicate=True), Output("dir-refresh", "data", allow_duplicate=True),
        Input("batch-stop", "n_clicks"),
        State("batch-rows", "data"), State("batch-settled", "data"), State("dir-refresh", "data"),
        prevent_initial_call=True,
    )
    def stopped(clicked, held, settled, refresh):
        """What the job had committed when it was stopped, as its last progress report said."""
        require_click(clicked)
        outcome = stopped_outcome(_rows_from(held), _checks_from(settled))
        invited = sum(1 for c in outcome if c.verdict == "Invited")
        summary = (f"Stopped: {invited:,} of {len(outcome):,} rows were invited and stay invited. "
                   "Download the outcome for every row.")
        rows = [c.as_dict() for c in outcome]
        return rows, summary, rows, "inline-block", next_refresh(refresh)

    @app.callback(Output("batch-download", "data", allow_duplicate=True), Input("batch-outcome", "n_clicks"),
                  State("batch-outcome-rows", "data"), prevent_initial_call=True)
    def download_outcome(clicked, rows):
        require_click(clicked)
        return {"content": outcome_csv(_checks_from(rows)), "filename": "batch-invite-outcome.csv"}


def _checks_from(rows) -> list[RowCheck]:
    """Outcome rows the browser holds, for display and download only."""
    return [RowCheck(int(r["row"]), str(r.get("organization_name", "")), str(r.get("email", "")),
                     str(r.get("verdict", "")), str(r.get("detail", "")))
            for r in rows if isinstance(r, dict) and isinstance(r.get("row"), int)] if isinstance(rows, list) else []


def _decode(contents) -> bytes:
    """dcc.Upload's data URL to bytes."""
    if not isinstance(contents, str) or "," not in contents:
        raise BadFile("Choose a file to upload.")
    try:
        return base64.b64decode(contents.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        raise BadFile("The upload arrived damaged. Try again.") from None
