"""Notebooks read as narratives: short, no functions of their own, no sentences built inline.

A chapter's notebook shows the reader its data, its runs and its figures; the code that
turns results into facts, verdicts and sentences lives in the chapter's report module in
medlib, where it is unit-tested on small inputs. These checks keep it that way:

- at most :data:`CODE_LINE_LIMIT` lines of code per notebook (every line of every code
  cell, the parameters cell included);
- no function, class or lambda defined in a notebook (it belongs in medlib, tested);
- every ``glue`` call glues a value or a name, never a sentence typed in the notebook (a
  string of :data:`PHRASE_WORDS` or more words: verdict words come from a report module),
  and a hidden cell that glues is at most :data:`GLUE_CELL_LIMIT` lines.

Every notebook of the book meets all three; there is no list of exceptions.
"""

import ast
import re

import nbformat
import pytest

from medlib.book.paths import NOTEBOOKS_DIR

CODE_LINE_LIMIT = 200
GLUE_CELL_LIMIT = 12
PHRASE_WORDS = 5
HIDDEN_TAGS = {"remove-cell", "remove-input"}
WORDS = re.compile(r"[A-Za-z]{2,}")
SOURCES = sorted(p.stem for p in NOTEBOOKS_DIR.glob("*.ipynb"))


def code_cells(name: str) -> list[nbformat.NotebookNode]:
    nb = nbformat.read(NOTEBOOKS_DIR / f"{name}.ipynb", as_version=4)
    return [c for c in nb.cells if c.cell_type == "code"]


def code_lines(name: str) -> int:
    return sum(len(c.source.splitlines()) for c in code_cells(name))


def definitions(name: str) -> list[str]:
    found = []
    for cell in code_cells(name):
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                found.append(node.name)
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Lambda):
                found.append(f"a lambda named on line {node.lineno}")
    return found


def literal_text(node: ast.AST) -> str:
    """The typed words of a string literal or f-string (placeholders left out)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return " ".join(literal_text(part) for part in node.values)
    if isinstance(node, ast.BinOp):
        return literal_text(node.left) + " " + literal_text(node.right)
    return ""


def glue_problems(name: str) -> list[str]:
    problems = []
    for cell in code_cells(name):
        tree = ast.parse(cell.source)
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)
                 and isinstance(n.func, ast.Name) and n.func.id in ("glue", "glue_facts")]
        for call in calls:
            for argument in call.args[1:] + [k.value for k in call.keywords]:
                for node in ast.walk(argument):
                    typed = literal_text(node)
                    if "::" in typed:  # a results-file metric key, not prose
                        continue
                    if len(WORDS.findall(typed)) >= PHRASE_WORDS:
                        problems.append(f"glues a typed phrase: {typed[:60]!r}")
        hidden = set(cell.metadata.get("tags", [])) & HIDDEN_TAGS
        lines = len(cell.source.splitlines())
        if calls and hidden and lines > GLUE_CELL_LIMIT:
            problems.append(f"a hidden glue cell of {lines} lines")
    return problems


@pytest.mark.parametrize("name", SOURCES)
def test_notebook_is_at_most_200_lines_of_code(name):
    assert code_lines(name) <= CODE_LINE_LIMIT, (
        f"{name} has {code_lines(name)} lines of code; move what builds facts and sentences "
        "into the chapter's report module")


@pytest.mark.parametrize("name", SOURCES)
def test_notebook_defines_no_function(name):
    assert not definitions(name), f"{name} defines {definitions(name)}; move them into medlib"


@pytest.mark.parametrize("name", SOURCES)
def test_glue_comes_from_report_modules(name):
    assert not glue_problems(name), glue_problems(name)


def test_the_checks_catch_what_they_are_for():
    source = 'glue("verdict", f"{a} is well ahead of {b}", display=False)\nf = lambda x: x\n'
    tree = ast.parse(source)
    call = next(n for n in ast.walk(tree) if isinstance(n, ast.Call))
    assert len(WORDS.findall(literal_text(call.args[1]))) >= PHRASE_WORDS - 1
    assert any(isinstance(n, ast.Assign) and isinstance(n.value, ast.Lambda)
               for n in ast.walk(tree))
