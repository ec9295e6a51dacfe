"""The boxes that close every published page, written after execution, never by the kernel.

Three Markdown cells end each page: the collapsed "Run settings" section
(:mod:`medlib.book.run_settings`: parameters and setup code), "Reproduce this chapter"
(:mod:`medlib.book.reproduce`) and "What CI checks in this chapter"
(:mod:`medlib.book.checks`). The runner writes them
when it publishes a chapter; :func:`render_published_boxes` rewrites them in place from the
current tolerances and verification records (``python -m medlib.book boxes``), which
changes no number and re-executes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat

from medlib.book.checks import checks_markdown
from medlib.book.paths import BOOK_DIR, NOTEBOOKS_DIR, PARAMS_FILE
from medlib.book.reproduce import reproduce_markdown
from medlib.book.run_settings import LEGACY_TABLE_TAG, RUN_SETTINGS_TAG, run_settings_cell_text
from medlib.book.verification import load_records

REPRODUCE_TAG, CHECKS_TAG = "reproduce-box", "checks-box"
BOX_TAGS = (RUN_SETTINGS_TAG, REPRODUCE_TAG, CHECKS_TAG)


def _box(text: str, tag: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_markdown_cell(text)
    cell.metadata["tags"] = [tag]
    return cell


def render_boxes(notebook_path: Path, name: str, result: dict,
                 notebooks_dir: Path = NOTEBOOKS_DIR, params_file: Path = PARAMS_FILE,
                 records: list[dict] | None = None) -> bool:
    """Replace the boxes at the end of ``notebook_path`` with freshly written ones for the
    chapter's published ``result`` (and hide the setup code the Run settings box shows);
    True if the notebook changed (a box whose text is unchanged is kept as it is, cell id
    included)."""
    nb = nbformat.read(notebook_path, as_version=4)
    before = nbformat.writes(nb)
    nb.cells = [c for c in nb.cells if LEGACY_TABLE_TAG not in c.metadata.get("tags", [])]
    old = {tag: c for c in nb.cells for tag in c.metadata.get("tags", []) if tag in BOX_TAGS}
    texts = {
        RUN_SETTINGS_TAG: run_settings_cell_text(nb, result),
        REPRODUCE_TAG: reproduce_markdown(name, result.get("profile", "book"),
                                          result.get("runtime_s", 0.0), notebooks_dir,
                                          params_file),
        CHECKS_TAG: checks_markdown(name, result, records, notebooks_dir, params_file),
    }
    kept = [c for c in nb.cells if not set(c.metadata.get("tags", [])) & set(BOX_TAGS)]
    boxes = [old[tag] if tag in old and old[tag].source == text else _box(text, tag)
             for tag, text in texts.items()]
    nb.cells = kept + boxes
    if nbformat.writes(nb) == before:
        return False
    nbformat.write(nb, notebook_path)
    return True


def render_published_boxes(names: list[str], book_dir: Path = BOOK_DIR) -> list[str]:
    """Re-render the boxes of every published chapter of ``names``; the ones that changed."""
    records = load_records()
    changed = []
    for name in names:
        notebook, results = book_dir / f"{name}.ipynb", book_dir / "results" / f"{name}.json"
        if notebook.is_file() and results.is_file():
            result = json.loads(results.read_text())
            if render_boxes(notebook, name, result, records=records):
                changed.append(name)
    return changed
