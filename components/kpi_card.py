import dash_mantine_components as dmc


def kpi_card(card_id: str, title: str, value: str, explains: str):
    """One figure with what it counts in a tooltip. "41 user seats · 8 GB" may wrap between
    its quantities, never inside one ("8" / "GB")."""
    value = " · ".join(part.replace(" ", "\u00a0") for part in value.split(" · "))
    return dmc.Paper(
        dmc.Tooltip(
            dmc.Stack([
                dmc.Text(title, size="xs", c="dimmed", tt="uppercase", fw=600),
                dmc.Text(value, id=card_id, size="lg", fw=700, className="kpi-value"),
            ], gap=4),
            label=explains, multiline=True, w=260, withArrow=True, position="bottom",
        ),
        withBorder=True, radius="md", p="md", className="kpi-card",
    )
