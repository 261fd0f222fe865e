"""One reseller's page (the detailed dashboard is its own issue): name, owner, status."""
import dash
import dash_mantine_components as dmc

from callbacks.context import actor, db
from components.not_found import not_found
from services.errors import NotFound
from services.resellers import get_reseller

dash.register_page(__name__, path_template="/resellers/<reseller_id>", title="Reseller")


def layout(reseller_id=None, **_query):
    try:
        reseller = get_reseller(db(), actor(), reseller_id)
    except NotFound:
        return not_found()
    return dmc.Stack(
        [
            dmc.Anchor("← Reseller directory", href="/", size="sm"),
            dmc.Group(
                [dmc.Title(reseller["organization_name"], order=2, id="reseller-name"),
                 dmc.Badge(reseller["status"], variant="light")],
                gap="sm",
            ),
            dmc.Text(f"Tenant owner: {reseller['email']}", c="dimmed"),
        ],
        gap="sm",
    )
