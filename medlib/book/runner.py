"""Execute parameterized notebooks with papermill and publish them atomically.

``book/NAME.ipynb`` and ``book/results/NAME.json`` are written only by this runner and
only after the notebook finished: the notebook runs into a staging directory beside the
targets, and its files are renamed into place at the end. A failing, interrupted or killed
run therefore leaves the previous good files untouched. ``python -m medlib.book`` is the
command-line face of this module.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import nbformat
import papermill
from papermill.exceptions import PapermillExecutionError

from medlib.book.boxes import render_boxes
from medlib.book.machine import environment_versions
from medlib.book.page_cells import NotebookError, keep_cells_for, label_figures_for_page
from medlib.book.params import (
    ParameterError,
    requirements,
    resolve_parameters,
    source_notebook,
)
from medlib.book.paths import (
    BOOK_DIR,
    FAILED_DIR,
    NOTEBOOKS_DIR,
    PARAMS_FILE,
    REPO_ROOT,
    RESULTS_DIR,
)
from medlib.book.stamps import code_sources, compute_parts, stamp_of
from medlib.chapter.contract import (
    CHAPTER_ENV,
    PUBLISHED_DIR_ENV,
    RESULTS_DIR_ENV,
    relative_to_repo,
)
from medlib.data.download import md5sum

KERNEL = "python3"
STAGING_PREFIX = ".staging-"
KERNEL_ENV = {"TF_CPP_MIN_LOG_LEVEL": "2", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}


class RequirementError(ParameterError):
    """A chapter this one requires (``requires:`` in params.yml) is missing or stale."""


@dataclass
class BookRun:
    """One invocation of the runner: its id and the chapters it published.

    Each chapter's results file carries its own run record (``run``: this invocation's
    id, the chapter's start and end, the machine and versions), so that a page's timings
    come from its own run and a test can check that every chapter was published on the
    same machine type and environment.
    """

    profile: str
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    chapters: list[str] = field(default_factory=list)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def check_requirements(
    name: str, profile: str, output_dir: Path = BOOK_DIR,
    notebooks_dir: Path = NOTEBOOKS_DIR, params_file: Path = PARAMS_FILE,
) -> Path | None:
    """The results folder holding current files of every chapter ``name`` requires.

    A requirement is looked up in ``output_dir/results``, then in the published book. It
    must exist; for a ``book`` run it must come from a ``book`` run; every file it
    published (``artifacts`` in its results) must still have the MD5 it recorded; and its
    executed notebook must run the current source. Otherwise ``RequirementError`` says
    which and what to run. Returns None when ``name`` requires nothing.
    """
    found = None
    for required in requirements(name, params_file):
        rerun = f"run it first: python -m medlib.book run {required} --profile {profile}"
        folders = dict.fromkeys([output_dir / "results", RESULTS_DIR])
        results_dir = next((d for d in folders if (d / f"{required}.json").is_file()), None)
        if results_dir is None:
            raise RequirementError(f"{name} requires {required}, which is not published; "
                                   f"{rerun}")
        result = json.loads((results_dir / f"{required}.json").read_text())
        if profile == "book" and result.get("profile") != "book":
            raise RequirementError(f"{name} requires {required}'s book run, found its "
                                   f"{result.get('profile')!r} run; {rerun}")
        for file_name, md5 in (result.get("artifacts") or {}).items():
            path = results_dir / file_name
            if not path.is_file() or md5sum(path) != md5:
                raise RequirementError(f"{name} requires {file_name}, which is missing or "
                                       f"changed since {required} was published; {rerun}")
        executed = results_dir.parent / f"{required}.ipynb"
        source = source_notebook(required, notebooks_dir, params_file)
        if executed.is_file() and code_sources(executed) != code_sources(source):
            raise RequirementError(f"{name} requires {required}, whose source "
                                   f"{relative_to_repo(source)} changed since it was published; "
                                   f"{rerun}")
        found = found or results_dir
    return found


@dataclass(frozen=True)
class RunOutcome:
    name: str
    profile: str
    notebook: Path
    results: Path
    runtime_s: float


def _raise_on_sigterm(signum, frame):  # pragma: no cover - exercised by killing a run
    raise KeyboardInterrupt(f"signal {signum}")


def _failed_source_cell(executed: Path) -> int:
    """1-based number, among the source's code cells, of the cell that raised.

    Papermill's injected-parameters cell is not in the source and is not counted.
    """
    code = [
        c
        for c in nbformat.read(executed, as_version=4).cells
        if c.cell_type == "code" and "injected-parameters" not in c.metadata.get("tags", [])
    ]
    for number, cell in enumerate(code, start=1):
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            return number
    return 0


def _clean_metadata(notebook_path: Path, source: Path, published: Path) -> None:
    """Replace the machine paths papermill records with repository-relative ones."""
    nb = nbformat.read(notebook_path, as_version=4)
    meta = nb.metadata.get("papermill", {})
    meta["input_path"] = relative_to_repo(source)
    meta["output_path"] = relative_to_repo(published)
    meta.pop("environment_variables", None)
    nbformat.write(nb, notebook_path)


def present_parameters(notebook_path: Path) -> None:
    """Remove the source's ``parameters`` cell and papermill's injected cell from the
    rendered page (they still run, under nbval too); the page's Run settings section
    (:mod:`medlib.book.run_settings`, written with the boxes) shows the run's values,
    defaults and meanings as a table instead."""
    nb = nbformat.read(notebook_path, as_version=4)
    for cell in nb.cells:
        tags = cell.metadata.setdefault("tags", [])
        hidden = "parameters" in tags or "injected-parameters" in tags
        if cell.cell_type == "code" and hidden and "remove-cell" not in tags:
            tags.append("remove-cell")
    nbformat.write(nb, notebook_path)


def _finish_results(
    staged: Path, name: str, profile: str, params: dict, source: Path, started: str,
    runtime: float, run_id: str,
) -> dict:
    """Add what only the runner knows: profile, parameters, runtime, the run record, the
    chapter's stamp (:mod:`medlib.book.stamps`), and the MD5 of every other file the
    chapter published (its ``artifacts``, such as trained weights a later chapter loads).
    Returns the finished results."""
    if not staged.is_file():
        raise NotebookError(
            f"{name} finished without writing its results; its last cell must call "
            f"ResultsRecorder.save()"
        )
    result = json.loads(staged.read_text())
    not_artifacts = {staged.name, f"{name}_predictions.csv"}
    artifacts = {p.name: md5sum(p) for p in sorted(staged.parent.iterdir())
                 if p.is_file() and p.name.startswith(f"{name}_") and p.name not in not_artifacts}
    run = {"run_id": run_id, "started": started, "finished": _now(),
           "machine": environment_versions()}
    result.update(notebook=name, profile=profile, params=params, runtime_s=round(runtime, 1),
                  run_id=run_id, artifacts=artifacts, run=run,
                  stamp=stamp_of(compute_parts(source, params, result)))
    staged.write_text(json.dumps(result, indent=1, allow_nan=False) + "\n")
    return result


def run_notebook(
    name: str, profile: str, overrides: dict[str, str] | None = None,
    output_dir: Path = BOOK_DIR, notebooks_dir: Path = NOTEBOOKS_DIR,
    params_file: Path = PARAMS_FILE, progress: bool = True, run: BookRun | None = None,
) -> RunOutcome:
    """Run notebook ``name`` with ``profile`` (plus overrides) and publish it in ``output_dir``.

    Raises ``ParameterError`` before anything runs if the request is invalid (a
    ``RequirementError`` if a chapter it requires is missing or stale), and
    ``NotebookError`` (naming the cell) if the notebook raised; in all cases nothing in
    ``output_dir`` changes. ``run`` is the runner invocation this chapter belongs to (one
    of its own when not given); the chapter's results carry its run record and stamp.
    """
    params = resolve_parameters(name, profile, overrides, notebooks_dir, params_file)
    source = source_notebook(name, notebooks_dir, params_file)
    published_dir = check_requirements(name, profile, output_dir, notebooks_dir, params_file)
    run = run or BookRun(profile)
    results_dir = output_dir / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=output_dir))
    staged_nb = staging / f"{name}.ipynb"
    previous_env = {
        k: os.environ.get(k)
        for k in (*KERNEL_ENV, RESULTS_DIR_ENV, CHAPTER_ENV, PUBLISHED_DIR_ENV, "MPLBACKEND")
    }
    previous_handler = signal.signal(signal.SIGTERM, _raise_on_sigterm)
    try:
        os.environ.update(KERNEL_ENV)
        os.environ[RESULTS_DIR_ENV] = str(staging)
        os.environ[CHAPTER_ENV] = name
        os.environ[PUBLISHED_DIR_ENV] = str(published_dir or output_dir / "results")
        os.environ.pop("MPLBACKEND", None)  # let the kernel use its inline backend
        started, start = _now(), time.perf_counter()
        try:
            papermill.execute_notebook(
                str(source), str(staged_nb), parameters=params, kernel_name=KERNEL,
                cwd=str(REPO_ROOT), progress_bar=progress, log_output=False,
            )
        except PapermillExecutionError as err:
            FAILED_DIR.mkdir(parents=True, exist_ok=True)
            if staged_nb.exists():
                shutil.copy(staged_nb, FAILED_DIR / f"{name}.ipynb")
            raise NotebookError(
                f"{name} failed in code cell {_failed_source_cell(staged_nb)} "
                f"of {relative_to_repo(source)} ({err.ename}: {err.evalue}); "
                f"{relative_to_repo(output_dir)} is unchanged; the failed run is in "
                f"{relative_to_repo(FAILED_DIR / f'{name}.ipynb')}"
            ) from None
        runtime = time.perf_counter() - start
        published_nb = output_dir / f"{name}.ipynb"
        result = _finish_results(staging / f"{name}.json", name, profile, params, source,
                                 started, runtime, run.run_id)
        _clean_metadata(staged_nb, source, published_nb)
        keep_cells_for(staged_nb, params)
        label_figures_for_page(staged_nb, source.stem, name)
        present_parameters(staged_nb)
        render_boxes(staged_nb, name, result, notebooks_dir, params_file)
        for staged in sorted(staging.iterdir()):
            if staged != staged_nb:
                os.replace(staged, results_dir / staged.name)
        os.replace(staged_nb, published_nb)
        if name not in run.chapters:
            run.chapters.append(name)
        return RunOutcome(name, profile, published_nb, results_dir / f"{name}.json", runtime)
    finally:
        signal.signal(signal.SIGTERM, previous_handler)
        for key, value in previous_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(staging, ignore_errors=True)


def remove_stale_staging(output_dir: Path = BOOK_DIR) -> None:
    """Delete staging directories left behind by runs that were killed outright."""
    for stale in output_dir.glob(f"{STAGING_PREFIX}*"):
        shutil.rmtree(stale, ignore_errors=True)
