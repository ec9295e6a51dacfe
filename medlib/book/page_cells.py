"""The runner's edits to the cells of a page: what one source's page keeps, and its labels.

One source notebook may publish several pages (``progression`` publishes one per cohort).
The runner keeps each page's own Markdown and gives its figures labels of their own
(:func:`keep_cells_for`, :func:`label_figures_for_page`). :func:`page_prose` applies the
same edits to a source, so that :mod:`medlib.book.stamps` can tell whether a published
page still shows its source's prose.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import nbformat

from medlib.chapter.contract import relative_to_repo


class NotebookError(RuntimeError):
    """A notebook raised in one of its cells, or its cells cannot be published as they
    are; nothing was published."""


ONLY_IF_TAG = re.compile(r"^only-if-(\w+?)-(\w+)$")


def keep_cells_for(notebook_path: Path, values: dict) -> None:
    """Drop the Markdown cells written for another parameter value.

    One source notebook may serve several chapters (``progression`` publishes one per
    cohort); a Markdown cell tagged ``only-if-<parameter>-<value>`` (for example
    ``only-if-cohort_name-pbc``) is kept only on the page whose run has that value, so each
    page's prose follows its own numbers. Code cells may not carry the tag: every page runs
    the same code, and nbval re-runs what is published.
    """
    nb = nbformat.read(notebook_path, as_version=4)
    kept = []
    for cell in nb.cells:
        conditions = [m.groups() for t in cell.metadata.get("tags", [])
                      if (m := ONLY_IF_TAG.match(t))]
        if conditions and cell.cell_type != "markdown":
            raise NotebookError(
                f"{relative_to_repo(notebook_path)}: only Markdown cells may be tagged "
                f"only-if-<parameter>-<value>; remove the tag from this code cell:\n"
                f"{cell.source[:200]}")
        for name, value in conditions:
            if name not in values:
                raise NotebookError(
                    f"{relative_to_repo(notebook_path)}: a cell is tagged only-if-{name}-{value}, "
                    f"but this run has no parameter {name!r}; fix the tag")
        if all(str(values[name]) == value for name, value in conditions):
            kept.append(cell)
    nb.cells = kept
    nbformat.write(nb, notebook_path)


def label_figures_for_page(notebook_path: Path, source_stem: str, name: str) -> None:
    """Give a shared source's figures labels of their own on each page.

    Sphinx labels are global: a source published as two pages would define each figure
    label twice. On each page the prefix ``fig-<source>-`` becomes ``fig-<page>-``, in the
    figure's ``mystnb.figure.name`` and in the Markdown references to it.
    """
    if source_stem == name:
        return
    old, new = f"fig-{source_stem}-", f"fig-{name}-"
    reference = re.compile(r"(?<=[`<])" + re.escape(old))
    nb = nbformat.read(notebook_path, as_version=4)
    for cell in nb.cells:
        figure = cell.metadata.get("mystnb", {}).get("figure", {})
        if figure.get("name", "").startswith(old):
            figure["name"] = new + figure["name"][len(old):]
        if cell.cell_type == "markdown":
            cell.source = reference.sub(new, cell.source)
    nbformat.write(nb, notebook_path)


#: Cells the runner adds to a page (they are not in the source).
RUNNER_TAGS = ("parameters-table", "run-settings", "reproduce-box", "checks-box")


def markdown_cells(notebook: nbformat.NotebookNode) -> list[str]:
    """The Markdown the page shows from its source, in order (cells the runner adds
    left out)."""
    return [c.source for c in notebook.cells if c.cell_type == "markdown"
            and not set(c.metadata.get("tags", [])) & set(RUNNER_TAGS)]


def page_prose(source: Path, name: str, values: dict) -> list[str]:
    """The Markdown that publishing ``source`` as page ``name`` with parameters ``values``
    would show."""
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / source.name
        shutil.copy(source, copy)
        keep_cells_for(copy, values)
        label_figures_for_page(copy, source.stem, name)
        return markdown_cells(nbformat.read(copy, as_version=4))
