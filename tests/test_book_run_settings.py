"""medlib.book.run_settings: the plumbing of a page is gathered, collapsed, at its end."""

import nbformat

from medlib.book.boxes import render_boxes
from medlib.book.run_settings import parameters_markdown, run_settings_markdown, setup_cells

RESULT = {"profile": "book", "runtime_s": 5.0, "params": {"epochs": 6},
          "stamp": {"digest": "abc"}, "run": {"finished": "2026-12-01T10:00:00+00:00",
                                              "machine": {}}}


def cell(kind, source, tags=()):
    new = nbformat.v4.new_code_cell(source) if kind == "code" else (
        nbformat.v4.new_markdown_cell(source))
    new.metadata["tags"] = list(tags)
    return new


def page(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[
        cell("markdown", "# Title\n\nQuestion and answer."),
        cell("code", "epochs: int = 3  # passes over the data", ["parameters"]),
        cell("code", "epochs = 6", ["injected-parameters", "remove-cell"]),
        cell("markdown", "**Parameters of this run** (old)", ["parameters-table"]),
        cell("code", "import numpy as np", ["hide-input"]),
        cell("markdown", "## First section"),
        cell("code", "plot()", ["hide-input"]),
    ])
    path = tmp_path / "page.ipynb"
    nbformat.write(nb, path)
    return path


def test_parameters_table_reads_value_default_and_meaning():
    table = parameters_markdown('name: str = "a"  # which | one\nn: int = 1', {"name": "b"},
                                "quick")
    assert "profile `quick`" in table
    assert '- `name = "b"`: which | one (default `"a"`)' in table
    assert "- `n = 1`" in table.splitlines()


def test_only_the_setup_before_the_first_section_moves(tmp_path):
    nb = nbformat.read(page(tmp_path), as_version=4)
    assert [c.source for c in setup_cells(nb)] == ["import numpy as np"]


def test_the_section_is_collapsed_and_shows_the_setup_code():
    text = run_settings_markdown("n: int = 1", {}, "book", ["import numpy as np\n"])
    lines = text.splitlines()
    assert lines[0] == "## Run settings" and ":class: dropdown" in lines
    assert "```python" in lines and "import numpy as np" in lines and lines[-1] == ":::"


def test_render_moves_the_table_hides_the_setup_and_is_idempotent(tmp_path):
    path = page(tmp_path)
    assert render_boxes(path, "cnn_beyond", RESULT, records=[])
    cells = nbformat.read(path, as_version=4).cells
    tags = [c.metadata.get("tags") for c in cells]
    assert ["parameters-table"] not in tags
    assert tags[-3:] == [["run-settings"], ["reproduce-box"], ["checks-box"]]
    assert "- `epochs = 6`: passes over the data (default `3`)" in cells[-3].source
    setup = next(c for c in cells if c.source == "import numpy as np")
    assert "remove-input" in setup.metadata["tags"] and "hide-input" not in setup.metadata["tags"]
    later = next(c for c in cells if c.source == "plot()")
    assert later.metadata["tags"] == ["hide-input"]  # after the first section: untouched
    before = path.read_bytes()
    assert not render_boxes(path, "cnn_beyond", RESULT, records=[])
    assert path.read_bytes() == before
    assert "import numpy as np" in nbformat.read(path, as_version=4).cells[-3].source
