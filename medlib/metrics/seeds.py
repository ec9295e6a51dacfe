"""Confidence intervals for a result averaged over training seeds (chapter ``cnn_beyond``).

A network's test score varies with its random initialisation and batch order (seed
variance) and with which patients happen to be in the test set (sampling variance). The
book reports the mean over seeds, never the best seed; :func:`seed_mean_bootstrap` gives
that mean a 95% interval by resampling the test set, with every seed's model scored on the
same resample, and reports the spread between seeds beside it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from medlib.metrics.binary import stratified_bootstrap_indices
from medlib.metrics.multiclass import accuracy, auroc


def seed_mean_bootstrap(
    y_true: np.ndarray,
    scores_by_seed: Sequence[np.ndarray],
    metric_fn: Callable[[np.ndarray, np.ndarray], dict[str, float]],
    n_resamples: int = 2000,
    seed: int = 0,
    level: float = 0.95,
) -> pd.DataFrame:
    """Mean over seeds of each metric, its seed-to-seed standard deviation, and a
    stratified-bootstrap percentile interval of the mean.

    ``scores_by_seed`` holds one score array per trained seed (flat for binary, ``(n, k)``
    for multi-class). Returns a frame indexed by metric with columns ``value``, ``seed_sd``,
    ``ci_low``, ``ci_high``.
    """
    y_true = np.ravel(y_true)
    if not scores_by_seed:
        raise ValueError("scores_by_seed is empty: pass one score array per trained seed")
    if any(len(s) != len(y_true) for s in scores_by_seed):
        raise ValueError("every seed's scores must have one row per case in y_true")
    per_seed = pd.DataFrame([metric_fn(y_true, s) for s in scores_by_seed])
    draws = pd.DataFrame(
        [
            pd.DataFrame([metric_fn(y_true[idx], s[idx]) for s in scores_by_seed]).mean()
            for idx in stratified_bootstrap_indices(y_true, n_resamples, seed)
        ]
    )
    tail = (1 - level) / 2
    return pd.DataFrame(
        {
            "value": per_seed.mean(),
            "seed_sd": per_seed.std(ddof=1) if len(per_seed) > 1 else np.nan,
            "ci_low": draws.quantile(tail),
            "ci_high": draws.quantile(1 - tail),
        }
    )


def auroc_and_accuracy(y_true: np.ndarray, scores: np.ndarray) -> dict[str, float]:
    """AUROC and accuracy, the two numbers MedMNIST reports, in the form
    :func:`seed_mean_bootstrap` takes as ``metric_fn`` (binary or multi-class scores)."""
    return {"AUROC": auroc(y_true, scores), "accuracy": accuracy(y_true, scores)}


def seed_report_columns(table: pd.DataFrame, metrics: Sequence[str]) -> dict[str, object]:
    """One model's columns in a table of test results, from a :func:`seed_mean_bootstrap`
    table to which ``seed_min`` and ``seed_max`` (the lowest and highest single seed) were
    added: per metric the mean over seeds (``test <metric>``), its 95% CI, bootstrap over
    test cases, its SD over seeds and its range over seeds, each column named for what it is
    (intervals as "low–high" text, three decimals), so that no table mislabels a spread."""
    columns: dict[str, object] = {}
    for metric in metrics:
        row = table.loc[metric]
        columns[f"test {metric}"] = row["value"]
        columns[f"{metric} 95% CI (bootstrap over test cases)"] = (
            f"{row['ci_low']:.3f}–{row['ci_high']:.3f}"
        )
        columns[f"{metric} SD over seeds"] = row["seed_sd"]
        columns[f"{metric} range over seeds"] = f"{row['seed_min']:.3f}–{row['seed_max']:.3f}"
    return columns
