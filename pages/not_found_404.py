import dash

from components.not_found import not_found

dash.register_page(__name__, path="/404", title="Not found · Reseller Console")

layout = not_found
