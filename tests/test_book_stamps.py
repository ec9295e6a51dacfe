"""medlib.book.stamps and medlib.book.publish: a chapter is stale exactly when an input
changed, the status says which, and publishing re-executes the stale chapters only."""

import json
import shutil

import nbformat
import pytest

from medlib.book.paths import REPO_ROOT
from medlib.book.publish import publish_stale, required_closure
from medlib.book.runner import run_notebook
from medlib.book.stamps import book_status, format_status, module_digests, stamp_of

from conftest import write_toy_notebook

PRODUCER = """
from medlib.chapter.results import ResultsRecorder
results = ResultsRecorder("parent")
results.add_metric("answer", 1.0 * factor)
path = results.artifact_path("weights.bin")
if path is not None:
    path.write_bytes(b"weights" * int(factor))
results.save()
"""

CONSUMER = """
from medlib.chapter.results import ResultsRecorder
results = ResultsRecorder("child")
weights = results.use_artifact("parent", "weights.bin")
results.add_metric("size", float(len(weights.read_bytes())))
results.save()
"""

PARAMS = ("child:\n  requires: [parent]\n  quick: {}\n  book: {}\n"
          "parent:\n  quick: {}\n  book: {factor: 1}\n")


@pytest.fixture
def book(tmp_path):
    """Two published chapters (child loads parent's weights) with their own copy of
    medlib's sources and requirements.txt, so that the test can edit those."""
    notebooks = write_toy_notebook(tmp_path / "notebooks", PRODUCER)
    (notebooks / "toy.ipynb").rename(notebooks / "parent.ipynb")
    write_toy_notebook(notebooks, CONSUMER)
    (notebooks / "toy.ipynb").rename(notebooks / "child.ipynb")
    (notebooks / "params.yml").write_text(PARAMS)
    root = tmp_path / "repo"
    shutil.copytree(REPO_ROOT / "medlib", root / "medlib",
                    ignore=shutil.ignore_patterns("__pycache__"))
    requirements = tmp_path / "requirements.txt"
    shutil.copy(REPO_ROOT / "requirements.txt", requirements)
    settings = {"notebooks_dir": notebooks, "params_file": notebooks / "params.yml",
                "output_dir": tmp_path / "book", "root": root,
                "requirements_file": requirements}
    assert publish_stale(["child", "parent"], progress=False, **settings) == ["parent", "child"]
    return settings


def status(book, names=("child", "parent")):
    return book_status(list(names), book["notebooks_dir"], book["params_file"],
                       book["output_dir"] / "results", book["root"], book["requirements_file"])


def edit_notebook(book, name, extra_code):
    path = book["notebooks_dir"] / f"{name}.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(extra_code))
    nbformat.write(nb, path)


def test_a_fresh_publication_is_current_and_publishing_again_runs_nothing(book):
    assert all(s.current for s in status(book).values())
    assert publish_stale(["child", "parent"], progress=False, **book) == []
    assert "2 of 2 chapters current" in format_status(status(book))


def test_a_changed_medlib_module_stales_the_chapters_that_imported_it(book):
    results_module = book["root"] / "medlib" / "chapter" / "results.py"
    results_module.write_text(results_module.read_text() + "\n# edited\n")
    statuses = status(book)
    assert "medlib module medlib.chapter.results changed" in statuses["parent"].reasons
    assert not statuses["child"].current
    # a module no chapter imported changes nothing
    book["root"].joinpath("medlib", "scale", "curves.py").write_text("# edited\n")
    results_module.write_text(results_module.read_text().removesuffix("\n# edited\n"))
    assert all(s.current for s in status(book).values())


def test_changed_code_params_and_requirements_are_named(book):
    edit_notebook(book, "parent", "x = 1")
    (book["params_file"]).write_text(PARAMS.replace("factor: 1", "factor: 2"))
    book["requirements_file"].write_text("numpy==0.0\n")
    reasons = status(book)["parent"].reasons
    assert any(r.startswith("code of ") and r.endswith("parent.ipynb changed") for r in reasons)
    assert "parameters changed in params.yml: factor 1.0 → 2.0" in reasons
    assert "requirements.txt changed" in reasons


def test_a_dependant_is_stale_while_its_requirement_is_and_after_its_file_changed(book):
    edit_notebook(book, "parent", "x = 1")
    assert status(book)["child"].reasons == ["requires parent, which is stale"]
    assert status(book, ["child"])["child"].current  # its own inputs are unchanged
    # republishing the parent with identical weights leaves the child current
    assert publish_stale(["child", "parent"], progress=False, **book) == ["parent"]
    # new weights make the child stale through the file it read
    (book["params_file"]).write_text(PARAMS.replace("factor: 1", "factor: 3"))
    assert publish_stale(["parent"], progress=False, **book) == ["parent"]
    assert status(book)["child"].reasons == [
        "input parent_weights.bin changed since this chapter read it"]
    assert publish_stale(["child", "parent"], progress=False, **book) == ["child"]


def test_an_edited_stamp_or_a_missing_chapter_is_never_current(book):
    path = book["output_dir"] / "results" / "parent.json"
    result = json.loads(path.read_text())
    result["stamp"]["parts"]["python"] = "2.7"
    path.write_text(json.dumps(result))
    assert status(book)["parent"].reasons == [
        "the stamp does not match its parts (the results file was edited)"]
    path.unlink()
    assert status(book)["parent"].state == "unpublished"


def test_a_quick_run_is_not_the_published_one(book):
    run_notebook("parent", "quick", output_dir=book["output_dir"],
                 notebooks_dir=book["notebooks_dir"], params_file=book["params_file"],
                 progress=False)
    reasons = status(book)["parent"].reasons
    assert "published with the 'quick' profile, not 'book'" in reasons


def test_stamp_digest_and_module_digests(tmp_path):
    parts = {"code": "a", "modules": {}}
    assert stamp_of(parts)["digest"] == stamp_of(dict(reversed(parts.items())))["digest"]
    assert stamp_of(parts)["digest"] != stamp_of({**parts, "code": "b"})["digest"]
    package = tmp_path / "medlib" / "pkg"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "table.json").write_text("{}")
    before = module_digests(["medlib.pkg", "medlib.gone"], tmp_path)
    assert before["medlib.gone"] == "missing"
    (package / "table.json").write_text('{"a": 1}')  # package data counts as the package
    assert module_digests(["medlib.pkg"], tmp_path)["medlib.pkg"] != before["medlib.pkg"]


def test_required_closure_lists_requirements_first(tmp_path):
    params = tmp_path / "params.yml"
    params.write_text("a:\n  requires: [b]\n  book: {}\nb:\n  requires: [c]\n  book: {}\n"
                      "c:\n  book: {}\n")
    assert required_closure("a", params) == ["c", "b"]


def test_changed_prose_stales_the_page_that_shows_it(book):
    path = book["notebooks_dir"] / "parent.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("A sentence the published page lacks."))
    nbformat.write(nb, path)
    reasons = status(book)["parent"].reasons
    assert len(reasons) == 1 and reasons[0].startswith("prose of ")
    assert publish_stale(["parent"], progress=False, **book) == ["parent"]
    assert status(book)["parent"].current
