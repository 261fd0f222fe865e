import dash

from components.not_found import NOT_FOUND_PATH, not_found

dash.register_page(__name__, path=NOT_FOUND_PATH, title="Not found · Reseller Console")

layout = not_found
