"""The one call that opens a chapter: :func:`open_chapter`.

Every chapter notebook starts the same way: seed every random number generator, set the
book's plot style, show tables whole, and create the recorder its numbers go into. Doing
it in one call keeps the chapters from drifting apart. The runtime is not measured here:
the runner records each chapter's ``runtime_s``.
"""

from __future__ import annotations

import pandas as pd

from medlib import plots
from medlib.chapter.repro import seed_everything
from medlib.chapter.results import ResultsRecorder


def show_tables_whole() -> None:
    """Let pandas print every row, column and character of a table: a published table cut
    with "…" hides exactly the cell a reader came for (the tables are small)."""
    for option in ("display.max_colwidth", "display.max_columns", "display.max_rows"):
        pd.set_option(option, None)
    pd.set_option("display.width", 250)


def open_chapter(name: str, seed: int | None = None) -> ResultsRecorder:
    """Seed everything with ``seed`` (unless None: a chapter that trains nothing in this
    process), use the book's plot style, show tables whole, and return the chapter's
    results recorder."""
    if seed is not None:
        seed_everything(seed)
    plots.use_book_style()
    show_tables_whole()
    return ResultsRecorder(name)
