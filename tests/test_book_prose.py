"""medlib.book.prose: a chapter whose prose alone changed is republished without
re-execution: its code cells keep their outputs, the runner's cells their places,
book/results/ is untouched, and anything more than prose is refused."""

import functools
import json

import nbformat
import pytest

from medlib.book import __main__ as cli
from medlib.book.page_cells import keep_cells_for, label_figures_for_page
from medlib.book.params import resolve_parameters, source_notebook
from medlib.book.prose import (
    ProseError,
    glue_references,
    republish_prose,
    republish_prose_edits,
)
from medlib.book.runner import present_parameters, run_notebook
from medlib.book.stamps import book_status, compute_parts, stamp_of

from conftest import write_toy_notebook

PARAMS = ("toy:\n  book: {factor: 2.0, cohort: a}\n"
          "toy_b:\n  notebook: toy\n  book: {factor: 3.0, cohort: b}\n")


def md(cell_id, text, tags=()):
    cell = nbformat.v4.new_markdown_cell(text, id=cell_id)
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def code(cell_id, text, tags=()):
    cell = nbformat.v4.new_code_cell(text, id=cell_id)
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def source_cells():
    compute = code("compute", "answer = 42 * factor\nglue('answer', answer)")
    compute.metadata["mystnb"] = {"figure": {"name": "fig-toy-curve"}}
    return [
        md("title", "# Toy chapter"),
        code("params", 'factor: float = 1.0  # multiplies\ncohort: str = "a"  # which cohort',
             ["parameters"]),
        md("intro", "The answer is {glue:text}`answer`."),
        md("only-a", "Only about cohort a.", ["only-if-cohort-a"]),
        md("only-b", "Only about cohort b.", ["only-if-cohort-b"]),
        compute,
        md("middle", "Between the code cells; see {numref}`fig-toy-curve`."),
        code("save", "results.save()"),
        md("closing", "The end."),
    ]


def publish(book, name):
    """What the runner publishes, without a kernel: the source with outputs on its code
    cells, papermill's metadata and injected cell, the runner's edits and boxes, and a
    results file whose stamp is current."""
    source = source_notebook(name, book["notebooks_dir"], book["params_file"])
    values = resolve_parameters(name, "book", None, book["notebooks_dir"], book["params_file"])
    nb = nbformat.read(source, as_version=4)
    timing = {"duration": 0.01, "exception": False, "status": "completed"}
    for count, cell in enumerate(nb.cells, start=1):
        cell.metadata.setdefault("tags", [])
        cell.metadata["papermill"] = dict(timing, start_time=f"t{count}")
        if cell.cell_type == "code":
            cell.execution_count = count
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"{count}\n")]
            if "glue(" in cell.source:
                cell.outputs.append(nbformat.v4.new_output(
                    "display_data", data={"application/papermill.record/text/plain": "84.0"},
                    metadata={"scrapbook": {"mime_prefix": "application/papermill.record/",
                                            "name": "answer"}}))
    injected = code(f"injected-{name}", "# Parameters\n" + "".join(
        f"{k} = {v!r}\n" for k, v in values.items()), ["injected-parameters"])
    nb.cells.insert(2, injected)
    nb.metadata["papermill"] = {"parameters": values, "duration": 1.0}
    page = book["output_dir"] / f"{name}.ipynb"
    page.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, page)
    keep_cells_for(page, values)
    label_figures_for_page(page, source.stem, name)
    present_parameters(page)
    nb = nbformat.read(page, as_version=4)
    nb.cells += [md(f"settings-{name}", "## Run settings", ["run-settings"]),
                 md(f"reproduce-{name}", "Reproduce.", ["reproduce-box"]),
                 md(f"checks-{name}", "Checks.", ["checks-box"])]
    nbformat.write(nb, page)
    result = {"notebook": name, "profile": "book", "params": values,
              "stamp": stamp_of(compute_parts(source, values, {}, book["requirements_file"],
                                              book["root"]))}
    results = book["output_dir"] / "results"
    results.mkdir(exist_ok=True)
    (results / f"{name}.json").write_text(json.dumps(result))


@pytest.fixture
def book(tmp_path):
    """``toy`` and ``toy_b`` (the same source, cohorts a and b), published."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    nb = nbformat.v4.new_notebook(cells=source_cells())
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, notebooks / "toy.ipynb")
    (notebooks / "params.yml").write_text(PARAMS)
    (tmp_path / "repo").mkdir()
    (tmp_path / "requirements.txt").write_text("numpy\n")
    settings = {"notebooks_dir": notebooks, "params_file": notebooks / "params.yml",
                "output_dir": tmp_path / "book", "root": tmp_path / "repo",
                "requirements_file": tmp_path / "requirements.txt"}
    publish(settings, "toy")
    publish(settings, "toy_b")
    return settings


def status(book, name="toy"):
    return book_status(["toy", "toy_b"], book["notebooks_dir"], book["params_file"],
                       book["output_dir"] / "results", book["root"],
                       book["requirements_file"])[name]


def edit_source(book, edit):
    path = book["notebooks_dir"] / "toy.ipynb"
    nb = nbformat.read(path, as_version=4)
    edit(nb.cells)
    nbformat.write(nb, path)


def cell(cells, cell_id):
    return next(c for c in cells if c.get("id") == cell_id)


def page(book, name="toy"):
    return nbformat.read(book["output_dir"] / f"{name}.ipynb", as_version=4)


def page_bytes(book, name="toy"):
    return (book["output_dir"] / f"{name}.ipynb").read_bytes()


def results_snapshot(book):
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted((book["output_dir"] / "results").iterdir())}


def layout(nb):
    """Each cell as its id, or its tag for the cells the runner adds (their ids are random)."""
    runner = ("injected-parameters", "run-settings", "reproduce-box", "checks-box")
    return [next((t for t in c.metadata.get("tags", []) if t in runner), c.get("id"))
            for c in nb.cells]


def test_a_current_page_is_left_alone(book):
    before = page_bytes(book)
    assert status(book).current
    assert republish_prose("toy", **book) is False
    assert republish_prose_edits(**book) == []
    assert page_bytes(book) == before


def test_changed_prose_is_republished_without_touching_the_results(book):
    edit_source(book, lambda cells: setattr(cell(cells, "intro"), "source",
                                            "The answer, corrected: {glue:text}`answer`."))
    reasons = status(book).reasons
    assert len(reasons) == 1 and reasons[0].startswith("prose of ")
    old, results = page(book), results_snapshot(book)
    assert republish_prose("toy", **book) is True
    new = page(book)
    assert status(book).current and status(book, "toy_b").reasons == reasons
    assert results_snapshot(book) == results
    assert cell(new.cells, "intro").source == "The answer, corrected: {glue:text}`answer`."
    assert [c for c in new.cells if c.cell_type == "code"] == [
        c for c in old.cells if c.cell_type == "code"]  # outputs, counts, metadata
    assert new.metadata == old.metadata
    assert layout(new) == layout(old)
    # an unchanged Markdown cell keeps what papermill recorded for it
    assert cell(new.cells, "closing") == cell(old.cells, "closing")
    assert sorted(p.name for p in book["output_dir"].iterdir()) == [
        "results", "toy.ipynb", "toy_b.ipynb"]  # no temporary file left


def test_a_markdown_cell_added_and_one_removed(book):
    def edit(cells):
        cells.remove(cell(cells, "middle"))
        cells.insert(4, md("new", "A new paragraph before the computation."))
    edit_source(book, edit)
    assert republish_prose("toy", **book)
    assert layout(page(book)) == [
        "title", "params", "injected-parameters", "intro", "only-a",
        "new", "compute", "save", "closing", "run-settings", "reproduce-box", "checks-box"]
    assert status(book).current


def test_runner_cells_keep_their_place(book):
    def edit(cells):
        cells.insert(0, md("first", "Before everything."))
        cells.insert(3, md("after-params", "Right after the parameters."))
        cells.remove(cell(cells, "closing"))
    edit_source(book, edit)
    assert republish_prose("toy", **book)
    assert layout(page(book)) == [
        "first", "title", "params", "injected-parameters",
        "after-params", "intro", "only-a", "compute", "middle", "save",
        "run-settings", "reproduce-box", "checks-box"]
    # the boxes close the page, also when Markdown comes after its last code cell again
    edit_source(book, lambda cells: cells.append(md("last", "After the old end.")))
    assert republish_prose("toy", **book)
    assert layout(page(book))[-5:] == ["save", "last", "run-settings", "reproduce-box",
                                       "checks-box"]
    assert status(book).current


def test_changed_code_is_refused_and_the_page_is_untouched(book):
    def edit(cells):
        cell(cells, "save").source = "results.save()  # edited"
        cell(cells, "intro").source = "New prose."
    edit_source(book, edit)
    before, results = page_bytes(book), results_snapshot(book)
    with pytest.raises(ProseError, match=r"^toy: not a prose-only change \(code of .*"
                                         r"changed\); re-execute it with .*publish"):
        republish_prose("toy", **book)
    assert republish_prose_edits(**book) == []  # by default, prose-only chapters only
    assert page_bytes(book) == before and results_snapshot(book) == results


def test_a_page_whose_code_differs_from_its_source_is_refused(book):
    path = book["output_dir"] / "toy.ipynb"
    nb = page(book)
    cell(nb.cells, "save").source = "results.save()  # edited on the page"
    nbformat.write(nb, path)
    edit_source(book, lambda cells: setattr(cell(cells, "intro"), "source", "New prose."))
    before = page_bytes(book)
    with pytest.raises(ProseError, match="^toy: code cell 3 differs; republish with "
                                         "`python -m medlib.book publish`$"):
        republish_prose("toy", **book)
    assert page_bytes(book) == before


def test_a_new_glue_key_is_refused(book):
    def edit(cells):
        cell(cells, "intro").source = "Now {glue:text}`answer` and {glue:text}`spread:.2f`."
        cells.append(md("figure", "```{glue:figure} new_curve\n:name: fig-toy-new\n```"))
    edit_source(book, edit)
    before = page_bytes(book)
    with pytest.raises(ProseError, match=r"toy: .*glue key\(s\) new_curve, spread, which no "
                                         r"code cell .* glues; new values need a "
                                         r"re-execution: .*publish"):
        republish_prose("toy", **book)
    assert page_bytes(book) == before


def test_only_if_cells_and_labels_follow_each_page(book):
    edit_source(book, lambda cells: setattr(cell(cells, "only-b"), "source", "About b, now."))
    assert status(book).current  # page a does not show that cell
    before_a = page_bytes(book)
    assert republish_prose_edits(**book) == ["toy_b"]
    assert page_bytes(book) == before_a
    b = page(book, "toy_b")
    texts = [c.source for c in b.cells]
    assert "About b, now." in texts and "Only about cohort a." not in texts
    assert "Between the code cells; see {numref}`fig-toy_b-curve`." in texts
    assert status(book, "toy_b").current


def test_a_chapter_stale_through_a_prose_only_requirement_follows_it(book):
    (book["params_file"]).write_text(PARAMS.replace("toy_b:\n", "toy_b:\n  requires: [toy]\n"))
    edit_source(book, lambda cells: setattr(cell(cells, "closing"), "source", "Fin."))
    assert "requires toy, which is stale" in status(book, "toy_b").reasons
    with pytest.raises(ProseError, match="toy_b: not a prose-only change "
                                         r"\(requires toy, which is stale\)"):
        republish_prose_edits(["toy_b"], **book)
    assert republish_prose_edits(**book) == ["toy", "toy_b"]
    assert status(book, "toy_b").current


def test_the_command_names_the_chapter_and_fails_when_it_refuses(book, monkeypatch, capsys):
    monkeypatch.setattr(cli, "republish_prose_edits",
                        functools.partial(republish_prose_edits, **book))
    edit_source(book, lambda cells: setattr(cell(cells, "closing"), "source", "Fin."))
    assert cli.main(["prose", "toy"]) == 0
    assert "prose republished in 1 page(s): toy" in capsys.readouterr().out
    edit_source(book, lambda cells: setattr(cell(cells, "save"), "source", "1"))
    assert cli.main(["prose", "toy"]) != 0
    assert capsys.readouterr().err.startswith("error: toy: not a prose-only change")


def test_glue_references():
    text = ("{glue:text}`a` {glue}`b` {glue:}`c` {glue:text}`d:.3f` {glue:md}`e` "
            "{glue:text}`other_page::f` `{glue}` {numref}`fig-x`\n"
            "```{glue:figure} g\n:name: fig-g\n```\n"
            ":::{glue:md} h\n:format: myst\n:::\n"
            "```{glue} i\n```\n")
    assert glue_references(text) == set("abcdeghi")


def test_a_page_the_runner_published_is_republished_as_it_would_publish_it(tmp_path):
    notebooks = write_toy_notebook(tmp_path / "notebooks")
    nb = nbformat.read(notebooks / "toy.ipynb", as_version=4)
    nb.cells[1:1] = [md("intro", "Before the answer.")]
    nb.cells.append(md("closing", "After it."))
    nbformat.write(nb, notebooks / "toy.ipynb")
    settings = dict(notebooks_dir=notebooks, params_file=notebooks / "params.yml")
    run_notebook("toy", "book", output_dir=tmp_path / "book", progress=False, **settings)
    nb.cells[1].source, nb.cells[-1].source = "Before, edited.", "After, edited."
    nb.cells.append(md("added", "One more."))
    nbformat.write(nb, notebooks / "toy.ipynb")
    results = tmp_path / "book" / "results" / "toy.json"
    result = results.read_bytes()
    assert republish_prose("toy", output_dir=tmp_path / "book", **settings)
    assert results.read_bytes() == result
    run_notebook("toy", "book", output_dir=tmp_path / "again", progress=False, **settings)
    republished, executed = (nbformat.read(tmp_path / d / "toy.ipynb", as_version=4)
                             for d in ("book", "again"))

    def shown(nb):  # the reproduce box names the runtime, which differs between runs
        return [(c.cell_type, c.metadata.get("tags"), c.source) for c in nb.cells
                if "reproduce-box" not in c.metadata.get("tags", [])]
    assert shown(republished) == shown(executed)
    assert layout(republished) == layout(executed)
