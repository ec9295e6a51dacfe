"""Verification records: which stamp of which chapter was re-executed, where, and how it went.

After a chapter is published, re-executing it once more and comparing every number with
the published one within ``notebooks/tolerances.yml`` (:mod:`medlib.book.verify`) shows
that the page reproduces. Each such comparison is recorded in
``book/results/_verification.json``: chapter, the stamp it verified, machine, date and
verdict. CI re-executes every chapter whose current stamp has no passing record, plus a
sample of the others (:mod:`medlib.book.ci_plan`). The records live apart from the
results files, so that recording a verification changes no chapter's inputs.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

from medlib.book.machine import environment_versions
from medlib.book.paths import RESULTS_DIR
from medlib.book.verify import Comparison

RECORDS_FILE = RESULTS_DIR / "_verification.json"
PASSED, FAILED = "passed", "failed"


def load_records(path: Path = RECORDS_FILE) -> list[dict]:
    """Every record, oldest first (none when the file does not exist)."""
    return json.loads(path.read_text()) if path.is_file() else []


def verification_record(chapter: str, digest: str, rows: list[Comparison],
                        machine: dict[str, str] | None = None) -> dict:
    """The record of one chapter's comparison ``rows`` at stamp ``digest``."""
    machine = machine or environment_versions()
    failed = [r for r in rows if r.failed]
    differences = [abs(r.difference) for r in rows
                   if r.difference is not None and r.verdict != "reported"]
    return {
        "chapter": chapter,
        "stamp": digest,
        "verdict": FAILED if failed else PASSED,
        "numbers": len(rows),
        "failed": [r.path for r in failed],
        "largest_difference": max(differences, default=0.0),
        "platform": machine["platform"],
        "cpu_model": machine["cpu_model"],
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def append_records(records: list[dict], path: Path = RECORDS_FILE) -> None:
    """Add ``records`` to the file, atomically (a reader never sees half a file)."""
    every = load_records(path) + records
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(every, indent=1) + "\n")
    os.replace(partial, path)


def passing_record(chapter: str, digest: str | None, records: list[dict]) -> dict | None:
    """The latest passing record of ``chapter`` at stamp ``digest``, if there is one."""
    mine = [r for r in records if r["chapter"] == chapter and r["stamp"] == digest
            and r["verdict"] == PASSED]
    return mine[-1] if mine else None
