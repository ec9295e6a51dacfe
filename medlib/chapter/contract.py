"""The contract between the runner and a chapter's kernel, in one place.

The runner (:mod:`medlib.book.runner`) starts a chapter's kernel with three environment
variables; the kernel's :class:`~medlib.chapter.results.ResultsRecorder` reads them:

- ``MEDLIB_RESULTS_DIR``: the staging folder the chapter writes ``NAME.json``,
  ``NAME_predictions.csv`` and its artifacts into; the runner publishes them only when the
  notebook finished. nbval points it at a scratch folder to compare a re-execution.
- ``MEDLIB_CHAPTER``: the published name, when one source notebook serves two chapters.
- ``MEDLIB_PUBLISHED_RESULTS``: where the chapter finds the files of the chapters it
  requires (default ``book/results``).

A chapter run by hand (in Jupyter, or ``papermill`` without the runner) has none of them:
its results go to :data:`UNPUBLISHED_DIR`, and ``save()`` says so, so that a hand run
never touches the published book and never silently writes nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

RESULTS_DIR_ENV = "MEDLIB_RESULTS_DIR"
CHAPTER_ENV = "MEDLIB_CHAPTER"
PUBLISHED_DIR_ENV = "MEDLIB_PUBLISHED_RESULTS"

REPO_ROOT = Path(__file__).resolve().parents[2]
RESULTS_DIR = REPO_ROOT / "book" / "results"
#: Where a chapter run outside the runner writes its results (never into ``book/``).
UNPUBLISHED_DIR = REPO_ROOT / "_build" / "unpublished"


def results_target() -> tuple[Path, bool]:
    """The folder this kernel's results go to, and whether the runner (or nbval) named it."""
    named = os.environ.get(RESULTS_DIR_ENV)
    return (Path(named), True) if named else (UNPUBLISHED_DIR, False)


def published_dir() -> Path:
    """Where the files of required chapters are read from."""
    return Path(os.environ.get(PUBLISHED_DIR_ENV) or RESULTS_DIR)


def relative_to_repo(path: Path) -> str:
    """``path`` relative to the repository (as results files and messages write paths)."""
    try:
        return path.resolve().relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return path.name
