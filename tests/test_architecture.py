"""medlib's layering: one package per part of the book, imports pointing downward only.

A package may import the packages listed before it in ``LAYERS`` and itself, never one
after it; ``plots`` stands apart and imports no medlib package; nothing outside
``medlib.book`` imports the runner's package. Checked on the source (``ast``), so a
function-level import counts as much as a module-level one.
"""

import ast
from pathlib import Path

import pytest

MEDLIB = Path(__file__).resolve().parents[1] / "medlib"
LAYERS = ["data", "models", "foundations", "metrics", "claims", "optim", "train", "survival",
          "trust", "pretraining", "efficiency", "scale", "treatment",
          "chapter", "summary", "book"]


def part_of(path: Path) -> str:
    """The part (top-level package, or ``plots``) a source file of medlib belongs to."""
    relative = path.relative_to(MEDLIB)
    return relative.parts[0].removesuffix(".py") if len(relative.parts) > 1 or \
        relative.name != "__init__.py" else "__init__"


def medlib_imports(path: Path) -> set[str]:
    """The medlib parts ``path`` imports (``medlib.x.y`` -> ``x``; ``from medlib import x``)."""
    parts = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] if node.module != "medlib" else \
                [f"medlib.{alias.name}" for alias in node.names]
        else:
            continue
        parts |= {name.split(".")[1] for name in names
                  if name.startswith("medlib.") and len(name.split(".")) > 1}
    return parts


SOURCES = sorted(p for p in MEDLIB.rglob("*.py") if part_of(p) != "__init__")


def test_every_source_file_belongs_to_a_known_part():
    assert {part_of(p) for p in SOURCES} == {*LAYERS, "plots"}


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(MEDLIB)))
def test_imports_point_downward_only(path):
    part = part_of(path)
    imported = medlib_imports(path) - {part}
    if part == "plots":
        assert not imported, f"plots imports {imported}"
        return
    allowed = set(LAYERS[: LAYERS.index(part)]) | {"plots"}
    assert imported <= allowed, (
        f"{path.relative_to(MEDLIB)} ({part}) imports {sorted(imported - allowed)}, "
        f"which sit above it in {LAYERS}"
    )


def test_every_package_says_which_chapters_use_it():
    for part in LAYERS:
        doc = ast.get_docstring(ast.parse((MEDLIB / part / "__init__.py").read_text()))
        assert doc and ("chapter" in doc.lower()), f"medlib/{part}/__init__.py"
