"""medlib.book.runner: publish only finished notebooks, atomically, with their results."""

import json

import nbformat
import pytest

from medlib.book.params import ParameterError, run_order
from medlib.book.runner import BookRun, NotebookError, RequirementError, run_notebook

from conftest import write_toy_notebook


@pytest.fixture
def toy(tmp_path):
    notebooks = write_toy_notebook(tmp_path / "notebooks")
    return {
        "notebooks_dir": notebooks,
        "params_file": notebooks / "params.yml",
        "output_dir": tmp_path / "book",
        "progress": False,
    }


def test_success_publishes_notebook_and_results(toy):
    outcome = run_notebook("toy", "quick", **toy)
    result = json.loads(outcome.results.read_text())
    assert result["metrics"]["answer"] == {"value": 84.0, "low": 40.0, "high": 44.0,
                                          "interval": "bootstrap_95"}
    assert result["profile"] == "quick" and result["params"] == {"factor": 2.0}
    assert result["runtime_s"] > 0 and result["artifacts"] == {}
    run = result["run"]  # the chapter's own run record
    assert run["run_id"] == result["run_id"] and run["started"] <= run["finished"]
    assert "tensorflow-cpu" in run["machine"] and run["machine"]["cpu_count"]
    # its stamp: what the numbers were computed from, part by part
    parts = result["stamp"]["parts"]
    assert set(parts) == {"code", "params", "modules", "data", "inputs", "requirements",
                          "python"}
    assert "medlib.chapter.results" in parts["modules"] and "medlib.book.runner" not in parts[
        "modules"]
    published = nbformat.read(outcome.notebook, as_version=4)
    # papermill's record of where it ran holds no temporary or machine paths
    assert published.metadata.papermill["output_path"] == "toy.ipynb"
    assert str(toy["output_dir"].parent) not in outcome.notebook.read_text()
    assert sorted(p.name for p in toy["output_dir"].iterdir()) == ["results", "toy.ipynb"]


def test_failure_names_the_cell_and_keeps_the_previous_files(toy):
    first = run_notebook("toy", "quick", **toy)
    before = (first.notebook.read_bytes(), first.results.read_bytes())
    with pytest.raises(
        NotebookError,
        match=r"toy failed in code cell 2 of .*toy.ipynb \(ValueError: planned failure\)",
    ):
        run_notebook("toy", "quick", {"fail": "true"}, **toy)
    assert (first.notebook.read_bytes(), first.results.read_bytes()) == before
    assert sorted(p.name for p in toy["output_dir"].iterdir()) == ["results", "toy.ipynb"]


def test_notebook_that_saves_no_results_is_not_published(toy):
    write_toy_notebook(toy["notebooks_dir"], cells="x = factor")
    with pytest.raises(NotebookError, match="without writing its results"):
        run_notebook("toy", "book", **toy)
    assert not (toy["output_dir"] / "toy.ipynb").exists()


def test_invalid_request_fails_before_anything_runs(toy):
    with pytest.raises(ParameterError):
        run_notebook("toy", "quick", {"factor": "big"}, **toy)
    assert not toy["output_dir"].exists()


def test_one_source_published_under_two_names(toy):
    params = toy["params_file"]
    params.write_text(params.read_text() + "toy_again:\n  notebook: toy\n  book: {factor: 3}\n")
    outcome = run_notebook("toy_again", "book", **toy)
    assert outcome.notebook.name == "toy_again.ipynb"
    result = json.loads(outcome.results.read_text())
    assert result["notebook"] == "toy_again" and result["metrics"]["answer"]["value"] == 126.0


PRODUCER_CELL = """
from medlib.chapter.results import ResultsRecorder
results = ResultsRecorder("parent")
results.add_metric("answer", 1.0 * factor)
path = results.artifact_path("weights.bin")
if path is not None:
    path.write_bytes(b"weights")
results.save()
"""

CONSUMER_CELL = """
from medlib.chapter.results import ResultsRecorder
results = ResultsRecorder("child")
weights = results.use_artifact("parent", "weights.bin")
results.add_metric("size", float(len(weights.read_bytes())) * factor)
results.save()
"""


@pytest.fixture
def family(tmp_path):
    """A chapter that publishes a file and one that requires it (``requires:``)."""
    notebooks = write_toy_notebook(tmp_path / "notebooks", PRODUCER_CELL)
    (notebooks / "toy.ipynb").rename(notebooks / "parent.ipynb")
    write_toy_notebook(notebooks, CONSUMER_CELL)
    (notebooks / "toy.ipynb").rename(notebooks / "child.ipynb")
    (notebooks / "params.yml").write_text(
        "child:\n  requires: [parent]\n  quick: {}\n  book: {}\n"
        "parent:\n  quick: {}\n  book: {}\n"
    )
    return {"notebooks_dir": notebooks, "params_file": notebooks / "params.yml",
            "output_dir": tmp_path / "book", "progress": False}


def test_chapters_run_after_the_chapters_they_require(family):
    assert run_order(["child", "parent"], family["params_file"]) == ["parent", "child"]
    assert run_order(["child"], family["params_file"]) == ["child"]


def test_a_missing_requirement_is_refused_before_anything_runs(family):
    with pytest.raises(RequirementError, match="child requires parent, which is not published; "
                       "run it first: python -m medlib.book run parent --profile book"):
        run_notebook("child", "book", **family)
    assert not (family["output_dir"] / "child.ipynb").exists()


def test_the_consumer_records_the_md5_of_what_it_loaded(family):
    run = BookRun("book")
    parent = json.loads(run_notebook("parent", "book", run=run, **family).results.read_text())
    child = json.loads(run_notebook("child", "book", run=run, **family).results.read_text())
    md5 = parent["artifacts"]["parent_weights.bin"]
    assert child["inputs"]["parent_weights.bin"] == {"chapter": "parent", "md5": md5}
    assert child["metrics"]["size"]["value"] == 7.0
    assert parent["run_id"] == child["run_id"] == run.run_id
    assert run.chapters == ["parent", "child"]
    assert child["stamp"]["parts"]["inputs"] == {"parent_weights.bin": md5}


def test_a_changed_artifact_or_source_makes_the_requirement_stale(family):
    run_notebook("parent", "book", **family)
    weights = family["output_dir"] / "results" / "parent_weights.bin"
    weights.write_bytes(b"other weights")
    with pytest.raises(RequirementError, match="changed since parent was published"):
        run_notebook("child", "book", **family)
    run_notebook("parent", "book", **family)
    write_toy_notebook(family["notebooks_dir"], PRODUCER_CELL + "\n# edited\n")
    (family["notebooks_dir"] / "toy.ipynb").replace(family["notebooks_dir"] / "parent.ipynb")
    (family["notebooks_dir"] / "params.yml").write_text(
        "child:\n  requires: [parent]\n  quick: {}\n  book: {}\n"
        "parent:\n  quick: {}\n  book: {}\n"
    )
    with pytest.raises(RequirementError, match="changed since it was published"):
        run_notebook("child", "book", **family)


def test_a_book_run_needs_the_requirement_s_book_run(family):
    run_notebook("parent", "quick", **family)
    with pytest.raises(RequirementError, match="found its 'quick' run"):
        run_notebook("child", "book", **family)
    run_notebook("child", "quick", **family)  # a quick run may start from a quick run



def test_the_page_shows_the_parameters_once_as_a_table_in_its_run_settings(toy):
    """The parameters cell and papermill's injected cell run but are removed from the page;
    a Markdown table in the collapsed Run settings section at the end of the page gives
    each parameter's value, default and meaning instead."""
    outcome = run_notebook("toy", "quick", **toy)
    cells = nbformat.read(outcome.notebook, as_version=4).cells
    removed = [c for c in cells if "remove-cell" in c.metadata.get("tags", [])]
    assert {t for c in removed for t in c.metadata["tags"]} >= {"parameters", "injected-parameters"}
    settings = [c for c in cells if "run-settings" in c.metadata.get("tags", [])]
    assert len(settings) == 1 and settings[0].cell_type == "markdown"
    assert [c.metadata["tags"] for c in cells[-3:]] == [
        ["run-settings"], ["reproduce-box"], ["checks-box"]]
    rows = settings[0].source.splitlines()
    assert rows[0] == "## Run settings" and ":class: dropdown" in rows
    assert "- `factor = 2.0`: multiplies | the answer (default `1.0`)" in rows
    assert "- `fail = False`" in rows
    assert not any("parameters-table" in c.metadata.get("tags", []) for c in cells)


def test_the_page_gets_a_reproduce_box_with_command_and_runtime(toy):
    outcome = run_notebook("toy", "quick", **toy)
    published = nbformat.read(outcome.notebook, as_version=4)
    boxes = [c for c in published.cells if "reproduce-box" in c.metadata.get("tags", [])]
    assert len(boxes) == 1 and boxes[0].cell_type == "markdown"
    text = boxes[0].source
    assert "python -m medlib.book run toy --profile quick" in text
    runtime = json.loads(outcome.results.read_text())["runtime_s"]
    assert f"{round(runtime)} s**" in text


def test_only_if_tags_select_the_page_s_own_prose(tmp_path):
    notebooks = write_toy_notebook(tmp_path / "notebooks")
    nb = nbformat.read(notebooks / "toy.ipynb", as_version=4)
    nb.cells[0].source += '\ncohort: str = "pbc"'
    for cohort in ("pbc", "nafld"):
        cell = nbformat.v4.new_markdown_cell(f"about {cohort}")
        cell.metadata["tags"] = [f"only-if-cohort-{cohort}"]
        nb.cells.append(cell)
    nbformat.write(nb, notebooks / "toy.ipynb")
    (notebooks / "params.yml").write_text(
        "toy:\n  quick: {factor: 2, cohort: pbc}\n  book: {factor: 1, cohort: nafld}\n")
    settings = dict(notebooks_dir=notebooks, params_file=notebooks / "params.yml",
                    output_dir=tmp_path / "book", progress=False)
    for profile, shown, hidden in (("quick", "pbc", "nafld"), ("book", "nafld", "pbc")):
        outcome = run_notebook("toy", profile, **settings)
        text = [c.source for c in nbformat.read(outcome.notebook, as_version=4).cells]
        assert f"about {shown}" in text and f"about {hidden}" not in text


def test_an_only_if_tag_on_a_code_cell_is_refused(toy):
    nb = nbformat.read(toy["notebooks_dir"] / "toy.ipynb", as_version=4)
    nb.cells[1].metadata["tags"] = ["only-if-factor-2"]
    nbformat.write(nb, toy["notebooks_dir"] / "toy.ipynb")
    with pytest.raises(NotebookError, match="only Markdown cells"):
        run_notebook("toy", "quick", **toy)
    assert not (toy["output_dir"] / "toy.ipynb").exists()


def test_string_values_read_like_their_defaults_in_the_parameters_table(tmp_path):
    notebooks = write_toy_notebook(tmp_path / "notebooks")
    nb = nbformat.read(notebooks / "toy.ipynb", as_version=4)
    nb.cells[0].source += '\ncohort: str = "pbc"  # which cohort'
    nbformat.write(nb, notebooks / "toy.ipynb")
    (notebooks / "params.yml").write_text(
        "toy:\n  quick: {factor: 2, cohort: nafld}\n  book: {factor: 1}\n")
    outcome = run_notebook("toy", "quick", notebooks_dir=notebooks,
                           params_file=notebooks / "params.yml",
                           output_dir=tmp_path / "book", progress=False)
    table = next(c.source for c in nbformat.read(outcome.notebook, as_version=4).cells
                 if "run-settings" in c.metadata.get("tags", []))
    assert '- `cohort = "nafld"`: which cohort (default `"pbc"`)' in table


def test_a_shared_source_s_figure_labels_are_made_unique_per_page(toy):
    nb = nbformat.read(toy["notebooks_dir"] / "toy.ipynb", as_version=4)
    figure = nbformat.v4.new_code_cell("1 + 1")
    figure.metadata["mystnb"] = {"figure": {"name": "fig-toy-curve", "caption": "A curve."}}
    nb.cells.insert(1, figure)
    nb.cells.append(nbformat.v4.new_markdown_cell(
        "See {numref}`fig-toy-curve` and {numref}`the curve <fig-toy-curve>`."))
    nbformat.write(nb, toy["notebooks_dir"] / "toy.ipynb")
    (toy["params_file"]).write_text(
        "toy:\n  quick: {factor: 2}\n  book: {factor: 1}\n"
        "toy_b:\n  notebook: toy\n  quick: {factor: 3}\n  book: {factor: 3}\n")
    for name, prefix in (("toy", "fig-toy-"), ("toy_b", "fig-toy_b-")):
        published = nbformat.read(run_notebook(name, "quick", **toy).notebook, as_version=4)
        names = [c.metadata["mystnb"]["figure"]["name"] for c in published.cells
                 if "mystnb" in c.metadata]
        assert names == [f"{prefix}curve"]
        assert f"See {{numref}}`{prefix}curve` and {{numref}}`the curve <{prefix}curve>`." in [
            c.source for c in published.cells]
