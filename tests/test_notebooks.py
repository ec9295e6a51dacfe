"""The notebooks: stripped typed sources, executed copies that match them, current stamps.

The book run of every chapter is re-executed by CI's verification step (``make test``), so
no quick run repeats it here; quick runs remain only where they test what the book run
does not (other data sets, crafted files: ``tests/test_cnn_beyond.py``).
"""

import json
import os

import nbformat
import pytest
import yaml

from medlib.book.params import notebook_names, source_notebook
from medlib.book.paths import BOOK_DIR, NOTEBOOKS_DIR, PARAMS_FILE, REPO_ROOT, RESULTS_DIR
from medlib.book.stamps import book_status, code_sources

NAMES = notebook_names()  # chapters, as params.yml lists them
SOURCES = sorted(p.stem for p in NOTEBOOKS_DIR.glob("*.ipynb"))
PROFILES = yaml.safe_load(PARAMS_FILE.read_text())


def source(name: str) -> nbformat.NotebookNode:
    """The source notebook of chapter (or source) ``name``."""
    return nbformat.read(source_notebook(name), as_version=4)


def test_there_are_notebooks():
    assert "cnn_diagnosis" in NAMES


def test_every_source_notebook_is_published_by_a_chapter():
    assert {source_notebook(name).stem for name in NAMES} == set(SOURCES)


@pytest.mark.parametrize("name", SOURCES)
def test_source_is_stripped_and_parameterized(name):
    nb = source(name)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), "strip outputs"
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"
    assert nb.metadata.kernelspec.name == "python3"
    # nbval reads the marker on any line of a cell and then checks all of its outputs
    assert any("# NBVAL_CHECK_OUTPUT" in c.source.splitlines() for c in code)


@pytest.mark.parametrize("name", SOURCES)
def test_source_never_imports_the_publishing_machinery(name):
    """Kernels import medlib.chapter, never medlib.book: the runner writes the boxes after
    execution, so a change to the machinery or the tolerances stales no chapter."""
    code = "\n".join(c.source for c in source(name).cells if c.cell_type == "code")
    assert "medlib.book" not in code.replace("python -m medlib.book", "")


def test_every_chapter_is_current():
    """Every chapter's stamp matches its inputs today (python -m medlib.book status)."""
    stale = {n: s.reasons for n, s in book_status(NAMES).items() if not s.current}
    assert not stale, f"stale chapters (make book publishes them): {stale}"


@pytest.mark.parametrize("name", NAMES)
def test_params_yml_has_quick_and_book_profiles(name):
    assert {"quick", "book"} <= set(PROFILES[name])


@pytest.mark.parametrize("name", NAMES)
def test_executed_notebook_runs_the_current_source(name):
    published = BOOK_DIR / f"{name}.ipynb"
    assert published.is_file(), f"run: python -m medlib.book run {name} --profile book"
    executed = nbformat.read(published, as_version=4)
    assert code_sources(published) == code_sources(source_notebook(name)), (
        f"book/{name}.ipynb is stale: python -m medlib.book run {name} --profile book"
    )
    assert (
        executed.metadata.papermill["parameters"]
        == json.loads((RESULTS_DIR / f"{name}.json").read_text())["params"]
    )


@pytest.mark.parametrize("name", NAMES)
def test_published_run_used_the_book_profile(name):
    result = json.loads((RESULTS_DIR / f"{name}.json").read_text())
    assert result["profile"] == "book"
    assert result["params"] == PROFILES[name]["book"]


@pytest.mark.parametrize("name", NAMES)
def test_executed_notebook_has_no_errors_or_machine_paths(name):
    text = (BOOK_DIR / f"{name}.ipynb").read_text()
    executed = nbformat.reads(text, as_version=4)
    outputs = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    for path in {str(REPO_ROOT), str(REPO_ROOT.parent), os.path.expanduser("~")}:
        assert f"{path}/" not in text, f"a path of this machine in book/{name}.ipynb"
    assert "site-packages" not in text
