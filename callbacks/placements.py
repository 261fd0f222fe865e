"""Where each panel is placed: the prefix its ids start with and, per page that holds it, the
button that opens it and the grid it acts on (callbacks/panels.py: Opener). A page lays the
panel out with the same prefix (pages/*.py); another page places it by adding an Opener here,
or a second panel under another prefix. Today's prefixes keep the ids the pages had before."""
from __future__ import annotations

from callbacks import add_pool, delete_panel, edit_pool, invite, map_panel
from callbacks.panels import Opener

ADD_POOL = "addpool"  # one panel on the directory and on each dashboard
EDIT_POOL = "edit-pool"
MAP = "dir-map"
DELETE = "dir-delete"
INVITE = "invite"


def register(app) -> None:
    add_pool.register(app, ADD_POOL, [Opener("dir-addpool-open", "dir"),
                                      Opener("pools-add-open", "pools", subject="context")])
    edit_pool.register(app, EDIT_POOL, Opener("pools-edit-open", "pools"))
    map_panel.register(app, MAP, Opener("dir-map-open", "dir"))
    delete_panel.register(app, DELETE, Opener("dir-delete-open", "dir"))
    invite.register(app, INVITE, Opener("invite-single", "dir"))
