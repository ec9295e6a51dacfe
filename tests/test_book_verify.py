"""medlib.book.verify: the tolerance check of every published number, and proof it can fail."""

from __future__ import annotations

import fnmatch
import json
import shutil

import pytest

from medlib.book.__main__ import main
from medlib.book.params import notebook_names
from medlib.book.paths import RESULTS_DIR
from medlib.book.verify import (
    SEPARATOR,
    Rule,
    ToleranceError,
    compare_chapter,
    flatten,
    format_table,
    load_tolerances,
    rule_for,
    verify,
)
from medlib.chapter.results import load_results

RULES = {
    "reported": [Rule("*seconds*", "reported")],
    "x": [Rule("metrics::*AUROC*", "abs", 0.01, "drift")],
}


def result(auroc=0.9, seconds=12.0, **extra):
    return {"notebook": "x", "profile": "book", "runtime_s": 99.0, "run_id": "abc",
            "metrics": {"test_AUROC": {"value": auroc, "low": None, "high": None,
                                       "interval": None}},
            "notebook_seconds": seconds, **extra}


def verdicts(rows):
    return {r.path: r.verdict for r in rows}


def test_flatten_addresses_every_leaf_and_skips_runner_metadata():
    leaves = flatten(result(rows=[{"n": 3, "name": "a/b"}]))
    assert leaves["metrics::test_AUROC::value"] == 0.9
    assert leaves["rows::0::n"] == 3 and leaves["rows::0::name"] == "a/b"
    assert not {"notebook", "profile", "runtime_s", "run_id"} & set(leaves)


def test_timings_come_first_then_the_chapter_then_all_then_exact():
    rules = {**RULES, "x": [*RULES["x"], Rule("*", "abs", 1e-6, "catch-all")],
             "all": [Rule("metrics::*", "abs", 0.5, "general")]}
    assert rule_for("x", "metrics::test_AUROC::value", rules).kind == "abs"
    assert rule_for("x", "notebook_seconds", rules).kind == "reported"
    assert rule_for("y", "metrics::test_AUROC::value", rules).tolerance == 0.5
    assert rule_for("y", "data::md5", rules).kind == "exact"


def test_a_relative_tolerance_scales_with_the_published_value():
    rules = {"x": [Rule("*sensitivity*", "rel", 1e-3, "spans magnitudes")]}
    old = {"m": {"small sensitivity": 2e-11, "large sensitivity": 0.02}}
    near = {"m": {"small sensitivity": 2.00001e-11, "large sensitivity": 0.02001}}
    far = {"m": {"small sensitivity": 3e-11, "large sensitivity": 0.021}}
    assert set(verdicts(compare_chapter("x", old, near, rules)).values()) == {"ok"}
    assert set(verdicts(compare_chapter("x", old, far, rules)).values()) == {"OUT OF TOLERANCE"}
    assert rules["x"][0].describe() == "±0.001 relative" and rules["x"][0].tolerated


def test_the_runner_s_stamp_run_record_and_module_list_are_not_results():
    leaves = flatten(result(stamp={"digest": "d"}, run={"machine": {}}, modules=["medlib"]))
    assert not {"stamp::digest", "modules::0"} & set(leaves)
    assert not [p for p in leaves if p.startswith("run::")]


def test_inside_the_tolerance_passes_and_outside_fails():
    inside = compare_chapter("x", result(0.90), result(0.909), RULES)
    outside = compare_chapter("x", result(0.90), result(0.911), RULES)
    assert verdicts(inside)["metrics::test_AUROC::value"] == "ok"
    assert verdicts(outside)["metrics::test_AUROC::value"] == "OUT OF TOLERANCE"


def test_timings_are_reported_never_checked():
    rows = compare_chapter("x", result(seconds=10.0), result(seconds=500.0), RULES)
    assert verdicts(rows)["notebook_seconds"] == "reported"
    assert not any(r.failed for r in rows)


def test_numbers_without_a_rule_must_be_equal():
    rows = compare_chapter("x", result(kept_epoch=18), result(kept_epoch=19), RULES)
    assert verdicts(rows)["kept_epoch"] == "OUT OF TOLERANCE"
    rows = compare_chapter("x", result(model="loaded"), result(model="trained here"), RULES)
    assert verdicts(rows)["model"] == "OUT OF TOLERANCE"


def test_a_missing_or_a_new_number_fails():
    missing = compare_chapter("x", result(extra_row=1.0), result(), RULES)
    new = compare_chapter("x", result(), result(extra_row=1.0), RULES)
    assert verdicts(missing)["extra_row"] == "MISSING"
    assert verdicts(new)["extra_row"] == "NEW"


def test_a_chapter_that_was_not_re_executed_fails(tmp_path):
    (tmp_path / "published").mkdir()
    (tmp_path / "published" / "x.json").write_text(json.dumps(result()))
    (tmp_path / "rerun").mkdir()
    rows = verify(tmp_path / "rerun", tmp_path / "published", RULES)
    assert [r.verdict for r in rows] == ["NOT RE-EXECUTED"]
    assert "FAILED: 1 of 1" in format_table(rows)


def test_the_table_names_what_failed():
    rows = compare_chapter("x", result(0.90), result(0.95), RULES)
    table = format_table(rows)
    row = "| x | metrics::test_AUROC::value | 0.9 | 0.95 | +0.05 | ±0.01 | OUT OF TOLERANCE |"
    assert row in table
    assert "verification FAILED" in table


def test_every_rule_has_a_reason_and_matches_a_published_number():
    """No rule for an unknown chapter, none without a reason, none that matches nothing
    (a typo in a pattern would otherwise leave its numbers checked exactly, silently)."""
    rules = load_tolerances()
    assert set(rules) - {"all", "reported"} <= set(notebook_names())
    leaves = {name: list(flatten(r)) for name, r in load_results(RESULTS_DIR).items()}
    for chapter, chapter_rules in rules.items():
        paths = [p for name, ps in leaves.items() if chapter in ("all", "reported", name)
                 for p in ps]
        for rule in chapter_rules:
            assert rule.why, f"{chapter}: say why {rule.match!r} is {rule.describe()}"
            assert any(fnmatch.fnmatchcase(p, rule.match) for p in paths), (
                f"{chapter}: {rule.match!r} matches no published number"
            )


def test_bad_tolerance_files_fail_with_a_clear_message(tmp_path):
    bad = tmp_path / "tolerances.yml"
    bad.write_text("x:\n  - match: 'metrics::*'\n    abs: 0.1\n    exact: true\n")
    with pytest.raises(ToleranceError, match="exactly one of abs"):
        load_tolerances(bad)


@pytest.fixture
def published_copy(tmp_path):
    """The published results twice: as "published" and as a perfect re-execution."""
    published, rerun = tmp_path / "published", tmp_path / "rerun"
    for target in (published, rerun):
        target.mkdir()
        for path in RESULTS_DIR.glob("*.json"):
            shutil.copy(path, target / path.name)
    return published, rerun


def _headline(published):
    """cnn_beyond's first headline metric and its declared tolerance."""
    data = json.loads((published / "cnn_beyond.json").read_text())
    name = data["headline"][0]
    tolerance = rule_for("cnn_beyond", f"metrics{SEPARATOR}{name}{SEPARATOR}value",
                         load_tolerances())
    assert tolerance.kind == "abs", "a trained headline needs a declared tolerance"
    return data, name, tolerance.tolerance


def _edit_headline(published, shift):
    data, name, _ = _headline(published)
    data["metrics"][name]["value"] += shift
    (published / "cnn_beyond.json").write_text(json.dumps(data))
    return name


def test_the_published_book_passes_against_itself(published_copy, capsys):
    published, rerun = published_copy
    assert main(["verify", str(rerun), "--published", str(published)]) == 0
    assert "verification passed" in capsys.readouterr().out


def test_a_headline_edited_beyond_its_tolerance_fails_and_is_named(published_copy, capsys):
    published, rerun = published_copy
    _, _, tolerance = _headline(published)
    name = _edit_headline(published, 2 * tolerance)
    assert main(["verify", str(rerun), "--published", str(published)]) == 1
    out = capsys.readouterr().out
    assert f"| cnn_beyond | metrics::{name}::value |" in out and "OUT OF TOLERANCE" in out


def test_a_headline_edited_inside_its_tolerance_passes(published_copy):
    published, rerun = published_copy
    _, _, tolerance = _headline(published)
    _edit_headline(published, 0.5 * tolerance)
    assert main(["verify", str(rerun), "--published", str(published)]) == 0
