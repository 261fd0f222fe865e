"""Figures (figures.py: the one definition of each), the dashboard's, and the stored ones the
directory sorts by. Importing the package registers the unit of work's upkeep of the stored
figures on every Session (upkeep.py)."""

from services.metrics.upkeep import keep_stored_figures_current

keep_stored_figures_current()
