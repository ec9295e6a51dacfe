"""medlib.book.claims_check: a verdict that flips between two runs is reported."""

import json

import pytest

from medlib.book.__main__ import main
from medlib.book.claims_check import compare_claims, format_rows
from medlib.claims.verdicts import compare_difference


def write(folder, low, high):
    folder.mkdir()
    claim = compare_difference("attention", "Cox", (low + high) / 2, low, high,
                               "corrected_t_95")
    (folder / "progression_pbc.json").write_text(json.dumps(
        {"schema": 2, "notebook": "progression_pbc", "metrics": {}, "extras": {
            "claims": [claim.record()]}}))


def test_a_held_and_a_flipped_verdict(tmp_path, capsys):
    write(tmp_path / "published", -0.02, 0.03)
    write(tmp_path / "same", -0.01, 0.04)
    write(tmp_path / "flipped", 0.01, 0.04)
    held = compare_claims(tmp_path / "published", tmp_path / "same", ["progression_pbc"])
    assert held[0]["held"] and held[0]["re-run"] == "cannot be told apart"
    flipped = compare_claims(tmp_path / "published", tmp_path / "flipped", ["progression_pbc"])
    assert not flipped[0]["held"] and "| NO |" in format_rows(flipped)
    assert main(["claims", str(tmp_path / "flipped"), "progression_pbc", "--published",
                 str(tmp_path / "published")]) == 1
    assert "ahead" in capsys.readouterr().out


def test_a_missing_run_is_named(tmp_path):
    write(tmp_path / "published", -0.02, 0.03)
    with pytest.raises(FileNotFoundError, match="run the chapter into that folder"):
        compare_claims(tmp_path / "published", tmp_path / "nothing", ["progression_pbc"])
