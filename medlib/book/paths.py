"""Where the book's files live, relative to the repository root (see DESIGN.md, "Layout")."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
PARAMS_FILE = NOTEBOOKS_DIR / "params.yml"
BOOK_DIR = REPO_ROOT / "book"
RESULTS_DIR = BOOK_DIR / "results"
FAILED_DIR = REPO_ROOT / "_build" / "failed"
