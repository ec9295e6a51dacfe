"""Do a chapter's verdicts survive a re-run? Compare the claims of two sets of results.

A chapter records each verdict it states (``extras["claims"]``, :mod:`medlib.claims`).
Re-running it with another seed (``python -m medlib.book run NAME --profile book -p
seed=11 --output-dir DIR``) and comparing the claims here shows whether any verdict
depends on the seed: the book's standard is that none does, and a chapter whose verdict
flips must pool more runs or state the verdict as uncertain.
"""

from __future__ import annotations

import json
from pathlib import Path

from medlib.claims.verdicts import rederive


def claims_of(results_dir: Path, chapter: str) -> list[dict]:
    """The claims recorded in ``results_dir/chapter.json``; each must re-derive."""
    path = results_dir / f"{chapter}.json"
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist: run the chapter into that folder")
    claims = json.loads(path.read_text()).get("extras", {}).get("claims", [])
    keys = [(c["kind"], c["subject"], c["reference"]) for c in claims]
    if len(keys) != len(set(keys)):
        raise ValueError(f"{path}: two claims share a subject and reference; name them apart")
    for claim in claims:
        if rederive(claim) != claim["outcome"]:
            raise ValueError(f"{path}: claim {claim['subject']} / {claim['reference']} "
                             "does not re-derive from its numbers")
    return claims


def compare_claims(published_dir: Path, other_dir: Path, chapters: list[str]) -> list[dict]:
    """One row per claim of each chapter: its outcome in both sets and whether it held."""
    rows = []
    for chapter in chapters:
        other = {(c["kind"], c["subject"], c["reference"]): c
                 for c in claims_of(other_dir, chapter)}
        for claim in claims_of(published_dir, chapter):
            match = other.get((claim["kind"], claim["subject"], claim["reference"]))
            rows.append({"chapter": chapter, "claim": f"{claim['subject']} / "
                         f"{claim['reference']}", "published": claim["outcome"],
                         "re-run": match["outcome"] if match else "missing",
                         "held": bool(match and match["outcome"] == claim["outcome"])})
    return rows


def format_rows(rows: list[dict]) -> str:
    """A Markdown table of :func:`compare_claims`'s rows."""
    lines = ["| chapter | claim | published | re-run | held |", "|---|---|---|---|---|"]
    lines += [f"| {r['chapter']} | {r['claim']} | {r['published']} | {r['re-run']} | "
              f"{'yes' if r['held'] else 'NO'} |" for r in rows]
    return "\n".join(lines)
