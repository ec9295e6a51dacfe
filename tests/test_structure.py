"""Cheap structural checks of the book: table of contents, budgets, notebook shape.

With ``only_build_toc_files: true`` a chapter missing from ``_toc.yml`` is silently left
out of the book, and a chapter in ``_toc.yml`` that params.yml does not know is never run;
both directions are checked here. The 15-minute budget per chapter (DESIGN.md) is checked
against the runtime the runner recorded for the published run, not timed here.
"""

import ast
import json
import re

import nbformat
import pytest
import yaml

from medlib.book.params import notebook_names, source_notebook
from medlib.book.paths import BOOK_DIR, NOTEBOOKS_DIR, REPO_ROOT, RESULTS_DIR
from medlib.summary.findings import SUMMARY_PAGES

CHAPTERS = notebook_names()
NOTEBOOK_BUDGET_S = 15 * 60  # each chapter within 15 minutes on 2 cores (DESIGN.md)
BOOK_BUDGET_S = 75 * 60  # make reproduce within 75


def toc_files() -> list[str]:
    """Every ``file:`` entry of ``_toc.yml``, at any depth."""
    toc = yaml.safe_load((REPO_ROOT / "_toc.yml").read_text())
    found = [toc["root"]]

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "file" in node:
                found.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc)
    return found


def test_every_chapter_of_params_yml_is_in_the_toc_and_the_reverse():
    pages = {f.removeprefix("book/") for f in toc_files()
             if not (REPO_ROOT / f"{f}.md").is_file()}  # every page that is not Markdown
    assert not set(CHAPTERS) - pages, f"chapters missing from _toc.yml: {set(CHAPTERS) - pages}"
    unknown = pages - set(CHAPTERS)
    assert not unknown, f"_toc.yml pages params.yml does not run: {unknown}"


def test_every_toc_entry_exists():
    missing = [f for f in toc_files()
               if not any((REPO_ROOT / f"{f}{ext}").is_file() for ext in (".md", ".ipynb"))]
    assert not missing, f"_toc.yml names files that do not exist: {missing}"


@pytest.mark.parametrize("name", CHAPTERS)
def test_published_chapter_ran_within_its_budget(name):
    result = json.loads((RESULTS_DIR / f"{name}.json").read_text())
    assert result["runtime_s"] <= NOTEBOOK_BUDGET_S, (
        f"{name} took {result['runtime_s']:.0f} s in the published run; the budget is "
        f"{NOTEBOOK_BUDGET_S} s per notebook (lower its book profile in notebooks/params.yml)"
    )


def test_the_book_profile_fits_its_budget():
    total = sum(json.loads((RESULTS_DIR / f"{name}.json").read_text())["runtime_s"]
                for name in CHAPTERS)
    assert total <= BOOK_BUDGET_S, f"the book profile took {total:.0f} s in all"


@pytest.mark.parametrize("name", sorted({source_notebook(c).stem for c in CHAPTERS}))
def test_notebook_records_a_metric(name):
    """(Exactly one ``parameters`` cell: tests/test_notebooks.py.)"""
    nb = nbformat.read(NOTEBOOKS_DIR / f"{name}.ipynb", as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "add_metric" in code, f"{name} records no metric"


@pytest.mark.parametrize("name", CHAPTERS)
def test_published_chapter_has_a_headline_metric(name):
    """The findings page restates the chapters' numbers: it has metrics (CI checks it
    shows the published values) but no headline of its own."""
    result = json.loads((RESULTS_DIR / f"{name}.json").read_text())
    assert result["metrics"] and (result["headline"] or name in SUMMARY_PAGES)


def test_no_function_is_defined_in_two_notebooks():
    """A function a second notebook needs belongs in medlib."""
    seen: dict[str, str] = {}
    for path in sorted(NOTEBOOKS_DIR.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "code" or "parameters" in cell.metadata.get("tags", []):
                continue
            for node in ast.walk(ast.parse(cell.source)):
                if isinstance(node, ast.FunctionDef):
                    assert node.name not in seen, (
                        f"{node.name} is defined in {seen[node.name]} and {path.stem}; "
                        "move it into medlib"
                    )
                    seen[node.name] = path.stem


@pytest.mark.parametrize("name", CHAPTERS)
def test_every_figure_is_numbered_captioned_and_read_in_the_text(name):
    """A figure no sentence refers to is a figure no one reads."""
    nb = nbformat.read(BOOK_DIR / f"{name}.ipynb", as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for cell in nb.cells:
        images = [o for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]
        if not images:
            continue
        figure = cell.metadata.get("mystnb", {}).get("figure", {})
        assert len(images) == 1, f"{name}: one figure per cell, found {len(images)}"
        assert figure.get("caption") and figure.get("name"), (
            f"{name}: a figure without caption or name in a cell starting "
            f"{cell.source[:60]!r}; set metadata mystnb.figure.caption and .name")
        assert re.search(r"\{numref\}`[^`]*" + re.escape(figure["name"]) + ">?`", text), (
            f"{name}: no {{numref}} reads figure {figure['name']}")
