import dash_mantine_components as dmc

NOT_FOUND_PATH = "/404"  # the page Dash's router shows for an address no page has


def not_found():
    """Says nothing about whether the record exists elsewhere."""
    return dmc.Stack(
        [dmc.Title("Not found", order=2),
         dmc.Text("There is nothing here. It may have been deleted, or the address is wrong."),
         dmc.Anchor("Back to the Reseller directory", href="/")],
        gap="sm", id="not-found",
    )
