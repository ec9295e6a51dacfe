"""Republish a chapter whose only change is its prose, without re-executing it.

A chapter's stamp (:mod:`medlib.book.stamps`) hashes its code, parameters, modules and
data, not its Markdown: a corrected sentence changes no number. Re-executing a chapter for
it costs minutes (and on another machine type, a new run record), so
``python -m medlib.book prose`` (``make prose``) rewrites the published page instead: every
code cell of ``book/NAME.ipynb`` stays as it ran (outputs, execution counts, metadata), the
Markdown between them comes from the source again, as the runner would present it
(:func:`medlib.book.page_cells.keep_cells_for`,
:func:`medlib.book.page_cells.label_figures_for_page`), and the cells the runner added
(papermill's injected parameters, the parameters table, the closing boxes) keep their
places. ``book/results/`` is never touched: its stamp, run record and verification records
stay valid because no number changed.

It refuses, with one line naming the chapter and why, and leaves the page as it was,
unless the chapter's only stale reason is its prose; unless the page's code cells are the
source's, one for one; and unless every glue key the new Markdown shows is glued by the
page's code cells (a new value needs a re-execution: ``python -m medlib.book publish``).
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import tempfile
from pathlib import Path

import nbformat

from medlib.book.page_cells import (
    RUNNER_TAGS,
    NotebookError,
    keep_cells_for,
    label_figures_for_page,
)
from medlib.book.params import (
    ParameterError,
    notebook_names,
    resolve_parameters,
    run_order,
    source_notebook,
)
from medlib.book.paths import BOOK_DIR, NOTEBOOKS_DIR, PARAMS_FILE, REPO_ROOT
from medlib.book.publish import required_closure
from medlib.book.stamps import (
    PUBLISHED_PROFILE,
    REQUIREMENTS_FILE,
    UNPUBLISHED,
    ChapterStatus,
    book_status,
)
from medlib.chapter.contract import relative_to_repo

INJECTED_TAG = "injected-parameters"  # papermill's cell of the run's parameter values
PUBLISH = "re-execute it with `python -m medlib.book publish`"


class ProseError(NotebookError):
    """The page cannot be republished from its prose alone; nothing was written."""


# --- glue keys ----------------------------------------------------------------------------

# {glue}`key`, {glue:}`key`, {glue:text}`key:.2f`, {glue:md}`key`, {glue:any}`key`
# (not one written as inline code, `{glue}`)
_GLUE_ROLE = re.compile(r"(?<!`)\{glue(?::[\w-]*)?\}`([^`\s][^`]*)`")
# ```{glue:figure} key, ```{glue} key, :::{glue:md} key (backtick or colon fences)
_GLUE_DIRECTIVE = re.compile(r"^[ \t>]*(?:`{3,}|:{3,})\{glue(?::[\w-]*)?\}[ \t]+(\S+)",
                             re.MULTILINE)


def glue_references(markdown: str) -> set[str]:
    """The glue keys that ``markdown`` shows, by its roles and directives.

    A role's text may carry a format after the key (``{glue:text}`auroc:.3f```); a key
    written ``page::key`` is glued by another page and is not this page's to check.
    """
    keys = set()
    for text in [*_GLUE_ROLE.findall(markdown), *_GLUE_DIRECTIVE.findall(markdown)]:
        if "::" not in text:
            keys.add(text.split(":", 1)[0].strip())
    return keys


def glued_keys(notebook: nbformat.NotebookNode) -> set[str]:
    """The keys glued by ``notebook``'s code cells: myst_nb's ``glue`` leaves an output whose
    metadata is ``{"scrapbook": {"name": KEY, ...}}``."""
    return {output.get("metadata", {}).get("scrapbook", {}).get("name")
            for cell in notebook.cells if cell.cell_type == "code"
            for output in cell.get("outputs", [])} - {None}


# --- the page's cells ---------------------------------------------------------------------


def _tags(cell: nbformat.NotebookNode) -> list[str]:
    return cell.metadata.get("tags", [])


def _added_by_runner(cell: nbformat.NotebookNode) -> bool:
    """A cell of the published page that is not in its source: papermill's injected
    parameters, or a cell the runner wrote (parameters table, boxes)."""
    if cell.cell_type == "code":
        return INJECTED_TAG in _tags(cell)
    return bool(set(_tags(cell)) & set(RUNNER_TAGS))


def _runner_cell_places(cells: list) -> tuple[list, list, dict, dict]:
    """Where each cell the runner added stands among the page's cells from the source.

    Returns ``(head, tail, after, before)``: the added cells that open the page (only added
    cells before them), those that close it (only added cells after them, as the boxes do),
    ``after[k]``: those that follow source code cell ``k`` with nothing from the source in
    between (papermill's injected cell and the parameters table follow the parameters
    cell), and ``before[k]``: any other, kept just before code cell ``k`` (``k`` = the
    number of code cells, for the end of the page ahead of the tail).
    """
    head, tail, after, before = [], [], {}, {}
    added = [_added_by_runner(c) for c in cells]
    code_seen, last_source = 0, None  # last_source: index of the last cell from the source
    for index, cell in enumerate(cells):
        if not added[index]:
            last_source = index
            code_seen += cell.cell_type == "code"
        elif last_source is None:
            head.append(cell)
        elif all(added[index:]):
            tail.append(cell)
        elif cells[last_source].cell_type == "code":
            after.setdefault(code_seen - 1, []).append(cell)
        else:
            before.setdefault(code_seen, []).append(cell)
    return head, tail, after, before


def _prose_cell(cell: nbformat.NotebookNode, published: dict) -> nbformat.NotebookNode:
    """The source's Markdown (or raw) cell as the page shows it: the source's text and
    metadata, with the empty ``tags`` list papermill gives every cell it reads and the
    ``papermill`` timing it recorded for the cell of the same id, so that an unchanged
    cell stays byte for byte what the runner wrote."""
    new = copy.deepcopy(cell)
    new.metadata.setdefault("tags", [])
    old = published.get(cell.get("id"))
    if old is not None and "papermill" in old.metadata:
        new.metadata["papermill"] = copy.deepcopy(old.metadata["papermill"])
    return new


def rebuild_page(published: nbformat.NotebookNode,
                 page_source: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The published page with the prose of ``page_source`` (the source as the runner
    presents it on this page: only-if cells kept or dropped, figure labels renamed).

    Each code cell is the published one (outputs, execution count, metadata), checked to
    run the source's code; the cells the runner added keep their places
    (:func:`_runner_cell_places`); the notebook's metadata is the published page's. Raises
    :class:`ProseError` if the code cells differ.
    """
    cells = published.cells
    ran = [c for c in cells if c.cell_type == "code" and not _added_by_runner(c)]
    code = [c for c in page_source.cells if c.cell_type == "code"]
    for number, (source_cell, ran_cell) in enumerate(zip(code, ran, strict=False), start=1):
        if source_cell.source != ran_cell.source:
            raise ProseError(f"code cell {number} differs; republish with "
                             "`python -m medlib.book publish`")
    if len(code) != len(ran):
        raise ProseError(f"code cell {min(len(code), len(ran)) + 1} differs (the source has "
                         f"{len(code)} code cells, the page {len(ran)}); republish with "
                         "`python -m medlib.book publish`")
    head, tail, after, before = _runner_cell_places(cells)
    published_prose = {c.get("id"): c for c in cells
                       if c.cell_type != "code" and not _added_by_runner(c)}
    new_cells, k = list(head), 0
    for cell in page_source.cells:
        if cell.cell_type == "code":
            new_cells += [*before.get(k, []), ran[k], *after.get(k, [])]
            k += 1
        else:
            new_cells.append(_prose_cell(cell, published_prose))
    new_cells += [*before.get(k, []), *tail]
    page = copy.deepcopy(published)
    page.cells = copy.deepcopy(new_cells)
    return page


def page_source_for(source: Path, name: str, values: dict) -> nbformat.NotebookNode:
    """``source`` as the runner presents it on page ``name`` run with ``values``: the same
    edits as :func:`medlib.book.page_cells.page_prose`, on a temporary copy."""
    with tempfile.TemporaryDirectory() as scratch:
        scratch_copy = Path(scratch) / source.name
        shutil.copy(source, scratch_copy)
        keep_cells_for(scratch_copy, values)
        label_figures_for_page(scratch_copy, source.stem, name)
        return nbformat.read(scratch_copy, as_version=4)


def _write_atomically(notebook: nbformat.NotebookNode, path: Path) -> None:
    """Write ``notebook`` to a temporary file beside ``path``, then rename it over
    ``path``: a reader (or a killed process) never sees half a page."""
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".prose-tmp",
                                             dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            nbformat.write(notebook, handle)
        shutil.copymode(path, temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# --- status and commands ------------------------------------------------------------------


def is_prose_reason(reason: str) -> bool:
    """Whether ``reason`` (from :func:`medlib.book.stamps.changed_parts`) is the one that
    says the page's prose differs from its source's."""
    return reason.startswith("prose of ") and reason.endswith(" changed since it was published")


def _status(name: str, settings: dict) -> ChapterStatus:
    """``name``'s status judged with the chapters it requires, as publishing judges it."""
    params_file = settings["params_file"]
    return book_status([*required_closure(name, params_file), name], **settings)[name]


def prose_only(status: ChapterStatus) -> bool:
    """Whether the prose is all that changed: the chapter is stale for that reason alone."""
    return (status.state != UNPUBLISHED and len(status.reasons) == 1
            and is_prose_reason(status.reasons[0]))


def _settings(notebooks_dir: Path, params_file: Path, output_dir: Path, root: Path,
              requirements_file: Path) -> dict:
    return dict(notebooks_dir=notebooks_dir, params_file=params_file,
                results_dir=output_dir / "results", root=root,
                requirements_file=requirements_file)


def _rewrite_page(name: str, notebooks_dir: Path, params_file: Path, output_dir: Path) -> None:
    """Rebuild ``output_dir/NAME.ipynb`` from its source's prose, check its glue keys, and
    write it atomically; raises :class:`ProseError` (page untouched) if it cannot."""
    page = output_dir / f"{name}.ipynb"
    source = source_notebook(name, notebooks_dir, params_file)
    values = resolve_parameters(name, PUBLISHED_PROFILE, None, notebooks_dir, params_file)
    published = nbformat.read(page, as_version=4)
    try:
        rebuilt = rebuild_page(published, page_source_for(source, name, values))
    except ProseError as err:
        raise ProseError(f"{name}: {err}") from None
    shown = set().union(*(glue_references(c.source) for c in rebuilt.cells
                          if c.cell_type == "markdown" and not _added_by_runner(c)))
    missing = sorted(shown - glued_keys(published))
    if missing:
        raise ProseError(
            f"{name}: the prose of {relative_to_repo(source)} shows glue key(s) "
            f"{', '.join(missing)}, which no code cell of {relative_to_repo(page)} glues; "
            f"new values need a re-execution: {PUBLISH}")
    try:
        nbformat.validate(rebuilt)
    except nbformat.ValidationError as err:
        raise ProseError(f"{name}: the rebuilt page would not be a valid notebook "
                         f"({err.message}); {PUBLISH}") from None
    _write_atomically(rebuilt, page)


def republish_prose(
    name: str, notebooks_dir: Path = NOTEBOOKS_DIR, params_file: Path = PARAMS_FILE,
    output_dir: Path = BOOK_DIR, root: Path = REPO_ROOT,
    requirements_file: Path = REQUIREMENTS_FILE,
) -> bool:
    """Republish chapter ``name``'s page with its source's current prose, re-executing
    nothing; True if the page was rewritten, False if the chapter was already current.

    Raises :class:`ProseError` (nothing written) unless the prose is the chapter's only
    stale reason, the page's code cells are the source's, and every glue key of the new
    prose is glued on the page. ``output_dir/results`` is never written.
    """
    if name not in notebook_names(notebooks_dir, params_file):
        raise ParameterError(f"unknown chapter {name!r}; see python -m medlib.book list")
    status = _status(name, _settings(notebooks_dir, params_file, output_dir, root,
                                     requirements_file))
    if status.current:
        return False
    if not prose_only(status):
        others = [r for r in status.reasons if not is_prose_reason(r)]
        raise ProseError(f"{name}: not a prose-only change ({'; '.join(others)}); {PUBLISH}")
    _rewrite_page(name, notebooks_dir, params_file, output_dir)
    return True


def republish_prose_edits(
    names: list[str] | None = None, notebooks_dir: Path = NOTEBOOKS_DIR,
    params_file: Path = PARAMS_FILE, output_dir: Path = BOOK_DIR, root: Path = REPO_ROOT,
    requirements_file: Path = REQUIREMENTS_FILE,
) -> list[str]:
    """Republish the prose of ``names`` (each must be prose-only stale or current), or by
    default of every chapter whose only stale reason is its prose; returns the chapters
    rewritten.

    Chapters are taken in ``requires:`` order and each is judged when its turn comes, so
    that a chapter stale only because a required chapter's prose changed is current once
    that chapter's page was rewritten.
    """
    known = notebook_names(notebooks_dir, params_file)
    unknown = sorted(set(names or []) - set(known))
    if unknown:
        raise ParameterError(f"unknown chapter(s) {', '.join(unknown)}; "
                             "see python -m medlib.book list")
    settings = _settings(notebooks_dir, params_file, output_dir, root, requirements_file)
    rewritten = []
    if names:
        for name in run_order(names, params_file):
            if republish_prose(name, notebooks_dir, params_file, output_dir, root,
                               requirements_file):
                rewritten.append(name)
        return rewritten
    # Rewriting a page changes no input, so a chapter current now stays current: only the
    # stale ones are judged again, each at its turn.
    for name, status in book_status(known, **settings).items():
        if not status.current and prose_only(_status(name, settings)):
            _rewrite_page(name, notebooks_dir, params_file, output_dir)
            rewritten.append(name)
    return rewritten
