"""Where the book's files live, relative to the repository root (see DESIGN.md, "Layout")."""

from __future__ import annotations

from medlib.chapter.contract import REPO_ROOT, RESULTS_DIR

NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
PARAMS_FILE = NOTEBOOKS_DIR / "params.yml"
BOOK_DIR = REPO_ROOT / "book"
FAILED_DIR = REPO_ROOT / "_build" / "failed"

__all__ = ["BOOK_DIR", "FAILED_DIR", "NOTEBOOKS_DIR", "PARAMS_FILE", "REPO_ROOT", "RESULTS_DIR"]
