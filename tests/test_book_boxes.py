"""medlib.book.boxes: the closing boxes are written after execution and re-rendered in place."""

import nbformat

from medlib.book.boxes import render_boxes
from medlib.book.checks import checks_markdown, verification_line

RESULT = {"profile": "book", "runtime_s": 61.0, "stamp": {"digest": "abc123def4567890"},
          "run": {"finished": "2026-12-01T10:00:00+00:00",
                  "machine": {"platform": "Linux-fc-v9", "cpu_model": "CPU", "cpu_count": "2",
                              "python": "3.11.7", "torch": "2", "tensorflow-cpu": "2"}}}
PASSED = {"chapter": "cnn_beyond", "stamp": "abc123def4567890", "verdict": "passed",
          "numbers": 120, "failed": [], "largest_difference": 0.0,
          "platform": "Linux-fc-v10", "cpu_model": "CPU", "date": "2026-12-02T00:00:00+00:00"}


def test_the_checks_box_names_the_run_the_rules_and_the_last_verification():
    text = checks_markdown("cnn_beyond", RESULT, [PASSED])
    assert "Linux-fc-v9" in text and "executed 2026-12-01" in text
    assert "`*AUROC*`: ±0.01" in text  # a rule of tolerances.yml
    assert "Re-executed and compared at this stamp on 2026-12-02 (Linux-fc-v10)" in text
    assert "Stamp `abc123def456`" in text


def test_a_record_of_another_stamp_is_not_a_verification_of_this_one():
    other = {**PASSED, "stamp": "0000"}
    assert verification_line("cnn_beyond", "abc123def4567890", [other]).startswith(
        "Not yet re-executed at this stamp")


def test_boxes_are_replaced_in_place_not_added(tmp_path):
    path = tmp_path / "page.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Page")])
    nbformat.write(nb, path)
    assert render_boxes(path, "cnn_beyond", RESULT, records=[])
    assert not render_boxes(path, "cnn_beyond", RESULT, records=[])  # nothing new to write
    assert render_boxes(path, "cnn_beyond", RESULT, records=[PASSED])
    cells = nbformat.read(path, as_version=4).cells
    assert [c.metadata.get("tags") for c in cells] == [
        None, ["run-settings"], ["reproduce-box"], ["checks-box"]]
    assert "python -m medlib.book run cnn_beyond --profile book" in cells[2].source
    assert "**1 min 1 s**" in cells[2].source
