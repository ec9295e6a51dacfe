"""The one call that opens a chapter: :func:`open_chapter`.

Every chapter notebook starts the same way: seed every random number generator, set the
book's plot style, and create the recorder its numbers go into. Doing it in one call keeps
the chapters from drifting apart. The runtime is not measured here: the runner records
each chapter's ``runtime_s``.
"""

from __future__ import annotations

from medlib import plots
from medlib.book.repro import seed_everything
from medlib.book.results import ResultsRecorder


def open_chapter(name: str, seed: int | None = None) -> ResultsRecorder:
    """Seed everything with ``seed`` (unless None: a chapter that trains nothing in this
    process), use the book's plot style, and return the chapter's results recorder."""
    if seed is not None:
        seed_everything(seed)
    plots.use_book_style()
    return ResultsRecorder(name)
