"""How far a model of the book stands from the benchmark's best published rows.

The targets are the benchmark's best published mean of each score on each task (the
learner that holds it is named), read from the transcribed rows
(:func:`medlib.data.published.published_aorsf_bench`), never typed. A target counts as
reached when our mean over splits is at or above it. The interval of the gap is our
corrected interval shifted by the published mean, whose own uncertainty the paper does
not give: it gives the SD over its splits, which is printed beside it so that a reader
can see the gap in units of one split's spread. Chapter: ``progression_benchmarks``.
"""

from __future__ import annotations

import pandas as pd

from medlib.claims.verdicts import AHEAD, BEHIND, Claim, compare_value
from medlib.survival.benchmark_tables import gap_to_published

SCORES = ("time-dependent C", "IPA")
CORRECTED_T = "corrected_t_95"


def target_table(summary: pd.DataFrame, published: pd.DataFrame, model: str,
                 task: str) -> pd.DataFrame:
    """One row per score: the published best (learner, mean, SD over its splits),
    ``model``'s mean with its corrected interval, the gap with its interval, the gap in
    published SDs, and whether the target is reached (our mean at or above it)."""
    theirs = published.set_index("learner")
    ours = summary.set_index("model")
    if model not in ours.index:
        raise ValueError(f"{model!r} is not in the summary; it has {list(ours.index)}")
    rows = []
    for score in SCORES:
        anchor = str(theirs[score].idxmax())
        target = float(theirs.loc[anchor, score])
        spread = float(theirs.loc[anchor, "C SD" if score == SCORES[0] else "IPA SD"])
        gap = gap_to_published(summary, model, target, score)
        rows.append({
            "task": task, "score": score, "target learner": anchor, "target": target,
            "target SD over splits": spread, "model": model,
            "ours": float(ours.loc[model, score]),
            "ours low": float(ours.loc[model, f"{score} low"]),
            "ours high": float(ours.loc[model, f"{score} high"]),
            "gap": gap["gap"], "gap low": gap["low"], "gap high": gap["high"],
            "gap in target SDs": gap["gap"] / spread,
            "reached": bool(gap["gap"] >= 0.0),
        })
    return pd.DataFrame(rows)


def target_claims(table: pd.DataFrame) -> list[Claim]:
    """One claim per row of :func:`target_table`: our mean against the published best,
    ahead, behind, or not told apart by the corrected interval of the gap."""
    return [compare_value(f"{row['model']}, {row['task']}, {row['score']}",
                          f"{row['target learner']} (published {row['score']})",
                          row["target"], row["ours"], row["ours low"], row["ours high"],
                          CORRECTED_T)
            for row in table.to_dict("records")]


def target_sentence(table: pd.DataFrame, label: str) -> str:
    """"On pbc_orsf the ensemble reaches time-dependent C 0.897 (0.850 to 0.940) against
    obliqueRSF-net's 0.908: missed by 0.011, 0.5 of that row's SD over splits, and the
    interval includes the target; ...": each target of one task, reached or missed, by
    how much, and what the corrected interval says (the point alone would claim more
    than the splits can show)."""
    parts = []
    for row, claim in zip(table.to_dict("records"), target_claims(table), strict=True):
        verdict = ("reached" if row["reached"] else
                   f"missed by {-row['gap']:.3f}, {-row['gap in target SDs']:.1f} of that "
                   f"row's SD over splits")
        reading = {AHEAD: "the whole interval lies above the target",
                   BEHIND: "the whole interval lies below the target"}.get(
                       claim.outcome, "the interval includes the target")
        parts.append(f"{row['score']} {row['ours']:.3f} ({row['ours low']:.3f} to "
                     f"{row['ours high']:.3f}) against {row['target learner']}'s "
                     f"{row['target']:.3f}: {verdict}, and {reading}")
    return f"On {label} the {table['model'].iloc[0]} reaches " + "; ".join(parts) + "."


def targets_reached_text(tables: list[pd.DataFrame]) -> str:
    """"1 of the 4": how many of the targets of ``tables`` are reached."""
    rows = pd.concat(tables, ignore_index=True)
    return f"{int(rows['reached'].sum())} of the {len(rows)}"
