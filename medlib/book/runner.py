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
from dataclasses import dataclass
from pathlib import Path

import nbformat
import papermill
from papermill.exceptions import PapermillExecutionError

from medlib.book.params import resolve_parameters, source_notebook
from medlib.book.paths import BOOK_DIR, FAILED_DIR, NOTEBOOKS_DIR, PARAMS_FILE, REPO_ROOT
from medlib.book.results import CHAPTER_ENV, RESULTS_DIR_ENV, environment_versions

KERNEL = "python3"
STAGING_PREFIX = ".staging-"
KERNEL_ENV = {"TF_CPP_MIN_LOG_LEVEL": "2", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}


class NotebookError(RuntimeError):
    """A notebook raised in one of its cells; nothing was published."""


@dataclass(frozen=True)
class RunOutcome:
    name: str
    profile: str
    notebook: Path
    results: Path
    runtime_s: float


def _raise_on_sigterm(signum, frame):  # pragma: no cover - exercised by killing a run
    raise KeyboardInterrupt(f"signal {signum}")


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return path.name


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
    meta["input_path"] = _relative(source)
    meta["output_path"] = _relative(published)
    meta.pop("environment_variables", None)
    nbformat.write(nb, notebook_path)


def _finish_results(staged: Path, name: str, profile: str, params: dict, runtime: float) -> None:
    if not staged.is_file():
        raise NotebookError(
            f"{name} finished without writing its results; its last cell must call "
            f"ResultsRecorder.save()"
        )
    result = json.loads(staged.read_text())
    result.update(notebook=name, profile=profile, params=params, runtime_s=round(runtime, 1),
                  versions=environment_versions())
    staged.write_text(json.dumps(result, indent=1, allow_nan=False) + "\n")


def run_notebook(
    name: str, profile: str, overrides: dict[str, str] | None = None,
    output_dir: Path = BOOK_DIR, notebooks_dir: Path = NOTEBOOKS_DIR,
    params_file: Path = PARAMS_FILE, progress: bool = True,
) -> RunOutcome:
    """Run notebook ``name`` with ``profile`` (plus overrides) and publish it in ``output_dir``.

    Raises ``ParameterError`` before anything runs if the request is invalid, and
    ``NotebookError`` (naming the cell) if the notebook raised; in both cases nothing in
    ``output_dir`` changes.
    """
    params = resolve_parameters(name, profile, overrides, notebooks_dir, params_file)
    source = source_notebook(name, notebooks_dir, params_file)
    results_dir = output_dir / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=output_dir))
    staged_nb = staging / f"{name}.ipynb"
    previous_env = {
        k: os.environ.get(k) for k in (*KERNEL_ENV, RESULTS_DIR_ENV, CHAPTER_ENV, "MPLBACKEND")
    }
    previous_handler = signal.signal(signal.SIGTERM, _raise_on_sigterm)
    try:
        os.environ.update(KERNEL_ENV)
        os.environ[RESULTS_DIR_ENV] = str(staging)
        os.environ[CHAPTER_ENV] = name
        os.environ.pop("MPLBACKEND", None)  # let the kernel use its inline backend
        start = time.perf_counter()
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
                f"of {_relative(source)} ({err.ename}: {err.evalue}); {_relative(output_dir)} "
                f"is unchanged; the failed run is in {_relative(FAILED_DIR / f'{name}.ipynb')}"
            ) from None
        runtime = time.perf_counter() - start
        published_nb = output_dir / f"{name}.ipynb"
        _finish_results(staging / f"{name}.json", name, profile, params, runtime)
        _clean_metadata(staged_nb, source, published_nb)
        for staged in sorted(staging.iterdir()):
            if staged != staged_nb:
                os.replace(staged, results_dir / staged.name)
        os.replace(staged_nb, published_nb)
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
