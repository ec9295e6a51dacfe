"""medlib.book.verification: records of which stamp was verified where, and how."""

from medlib.book.verification import (
    append_records,
    load_records,
    passing_record,
    verification_record,
)
from medlib.book.verify import EXACT, Comparison, Rule

MACHINE = {"platform": "Linux-test-fc-v1-x86_64", "cpu_model": "CPU"}
TOLERANT = Rule("*", "abs", 0.01)


def rows(*verdicts):
    return [Comparison("x", f"metrics::m{i}::value", 0.5, 0.5 + 0.001 * i, TOLERANT, v)
            for i, v in enumerate(verdicts)]


def test_a_record_says_what_was_verified_and_how_it_went():
    record = verification_record("x", "d1", rows("ok", "ok"), MACHINE)
    assert record["verdict"] == "passed" and record["numbers"] == 2
    assert record["failed"] == [] and abs(record["largest_difference"] - 0.001) < 1e-12
    assert record["stamp"] == "d1" and record["platform"] == MACHINE["platform"]
    failed = verification_record("x", "d1", rows("ok", "OUT OF TOLERANCE"), MACHINE)
    assert failed["verdict"] == "failed" and failed["failed"] == ["metrics::m1::value"]
    missing = verification_record("x", "d1", [Comparison("x", "(results file)", True, False,
                                                         EXACT, "NOT RE-EXECUTED")], MACHINE)
    assert missing["verdict"] == "failed"


def test_only_a_passing_record_at_the_current_stamp_counts(tmp_path):
    path = tmp_path / "_verification.json"
    assert load_records(path) == []
    append_records([verification_record("x", "old", rows("ok"), MACHINE)], path)
    append_records([verification_record("x", "new", rows("OUT OF TOLERANCE"), MACHINE)], path)
    records = load_records(path)
    assert len(records) == 2
    assert passing_record("x", "new", records) is None
    assert passing_record("x", "old", records)["stamp"] == "old"
    append_records([verification_record("x", "new", rows("ok"), MACHINE)], path)
    assert passing_record("x", "new", load_records(path))["verdict"] == "passed"
    assert not list(tmp_path.glob("*.partial"))
