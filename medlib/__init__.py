"""medlib: the thin shared package behind medlib-book.

Each module has one job (see DESIGN.md): ``data`` loads and verifies data sets, ``models``
builds networks, ``train`` fits them, ``repro`` makes runs repeatable, ``metrics`` scores
predictions with confidence intervals, ``plots`` draws the figures several chapters share,
and ``book`` runs the notebooks and writes their results files.
"""

__version__ = "0.1.0"
