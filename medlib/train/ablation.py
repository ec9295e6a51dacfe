"""What each ingredient of a recipe is worth, against the full recipe on the same seeds
(chapter ``cnn_beyond``).

A variant trained with one seed must be compared with the full recipe trained with *that*
seed, not with the mean over all seeds, or the seed-to-seed spread is counted as the
ingredient's effect. :func:`ablation_table` does that for every row, including the post-hoc
rows that switch off test-time augmentation or temperature scaling on the full recipe's own
runs; :func:`temperature_effect` shows what temperature scaling does to calibration on
validation, where the temperature is fitted, and on test, where it is not.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import pandas as pd

from medlib.metrics.multiclass import accuracy, auroc, task_metrics
from medlib.train.seed_runs import SCORED_SPLITS, SeedRuns

#: How :func:`temperature_effect` labels the two settings.
BEFORE, AFTER = "before (T = 1)", "after"


class AblationRow(NamedTuple):
    """One row: its label, the variant whose runs it scores, and whether those runs are
    scored with test-time augmentation and with temperature scaling."""

    label: str
    variant: str
    tta: bool = True
    temperature: bool = True


def ablation_table(runs: SeedRuns, full: str, rows: Sequence[AblationRow]) -> pd.DataFrame:
    """One row per ablation, indexed by its label: the mean over its seeds of validation
    AUROC and accuracy, test AUROC, accuracy, ECE and Brier, and the change ("Δ") in test
    AUROC and accuracy against the run of variant ``full`` with the same seed (scored with
    every post-hoc ingredient). ``seeds`` counts the runs averaged."""
    table = []
    for label, variant, tta, temperature in rows:
        row_runs, per_seed = runs.of(variant), []
        for run in row_runs:
            scores, _ = runs.scores(run, tta, temperature)
            reference = next(f for f in runs.of(full) if f.seed == run.seed)
            ref_scores, _ = runs.scores(reference)
            test = task_metrics(runs.y["test"], scores["test"])
            per_seed.append({
                "val AUROC": auroc(runs.y["val"], scores["val"]),
                "val accuracy": accuracy(runs.y["val"], scores["val"]),
                "test AUROC": test["auroc"], "test accuracy": test["accuracy"],
                "test ECE": test["ece"], "test Brier": test["brier"],
                "Δ test AUROC": test["auroc"] - auroc(runs.y["test"], ref_scores["test"]),
                "Δ test accuracy": test["accuracy"] - accuracy(runs.y["test"], ref_scores["test"]),
            })
        table.append({"ablation": label, "seeds": len(row_runs),
                      **pd.DataFrame(per_seed).mean().to_dict()})
    return pd.DataFrame(table).set_index("ablation")


def temperature_effect(runs: SeedRuns, variant: str) -> pd.DataFrame:
    """Temperature ``T``, ECE and Brier score of ``variant`` before temperature scaling
    (T = 1) and after, on validation and test: the mean over its seeds, indexed by
    ``(split, temperature)``."""
    rows = []
    for run in runs.of(variant):
        for label, use_t in ((BEFORE, False), (AFTER, True)):
            scores, t = runs.scores(run, temperature=use_t)
            for split in SCORED_SPLITS:
                m = task_metrics(runs.y[split], scores[split])
                rows.append({"seed": run.seed, "temperature": label, "split": split,
                             "T": t, "ECE": m["ece"], "Brier": m["brier"]})
    return (pd.DataFrame(rows).groupby(["split", "temperature"], sort=False)[["T", "ECE", "Brier"]]
            .mean())
