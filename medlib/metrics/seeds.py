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

from medlib.metrics.binary import (
    BatchedMetricFn,
    batched_auroc,
    batched_draws,
    batched_twin,
    stratified_bootstrap_indices,
    with_batched_twin,
)
from medlib.metrics.multiclass import accuracy, auroc, batched_accuracy


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
    ``ci_low``, ``ci_high``. A ``metric_fn`` with a batched twin
    (:func:`~medlib.metrics.binary.with_batched_twin`) is evaluated on all resamples at once
    per seed, with the same resamples and the same numbers as the loop.
    """
    y_true = np.ravel(y_true)
    if not scores_by_seed:
        raise ValueError("scores_by_seed is empty: pass one score array per trained seed")
    if any(len(s) != len(y_true) for s in scores_by_seed):
        raise ValueError("every seed's scores must have one row per case in y_true")
    per_seed = pd.DataFrame([metric_fn(y_true, s) for s in scores_by_seed])
    indices = stratified_bootstrap_indices(y_true, n_resamples, seed)
    twin = batched_twin(metric_fn, scores_by_seed)
    if twin is None:
        draws = _looped_seed_means(y_true, scores_by_seed, metric_fn, indices)
    else:
        draws = _batched_seed_means(y_true, scores_by_seed, twin, indices)[per_seed.columns]
    tail = (1 - level) / 2
    return pd.DataFrame(
        {
            "value": per_seed.mean(),
            "seed_sd": per_seed.std(ddof=1) if len(per_seed) > 1 else np.nan,
            "ci_low": draws.quantile(tail),
            "ci_high": draws.quantile(1 - tail),
        }
    )


def _looped_seed_means(
    y_true: np.ndarray,
    scores_by_seed: Sequence[np.ndarray],
    metric_fn: Callable[[np.ndarray, np.ndarray], dict[str, float]],
    indices: np.ndarray,
) -> pd.DataFrame:
    """Mean over seeds of ``metric_fn`` on each resample (row of ``indices``), one call per
    seed and resample: the path of metric functions without a batched twin (multi-class)."""
    return pd.DataFrame(
        [
            pd.DataFrame([metric_fn(y_true[idx], s[idx]) for s in scores_by_seed]).mean()
            for idx in indices
        ]
    )


def _nan_skipping_mean(values: Sequence[np.ndarray]) -> np.ndarray:
    """Mean over seeds (first axis) that skips NaN and is NaN where every seed is: what
    ``DataFrame.mean`` gives the loop, so that a metric undefined for one seed on a resample
    (PPV with no positive call) drops out of that resample's mean rather than voiding it."""
    stacked = np.vstack(values)
    present = ~np.isnan(stacked)
    with np.errstate(invalid="ignore"):
        return np.where(present, stacked, 0.0).sum(axis=0) / present.sum(axis=0)


def _batched_seed_means(
    y_true: np.ndarray,
    scores_by_seed: Sequence[np.ndarray],
    twin: BatchedMetricFn,
    indices: np.ndarray,
) -> pd.DataFrame:
    """:func:`_looped_seed_means` through the metric's batched twin: one call per seed."""
    per_seed = [batched_draws(twin, y_true, s, indices) for s in scores_by_seed]
    return pd.DataFrame(
        {name: _nan_skipping_mean([draws[name] for draws in per_seed]) for name in per_seed[0]}
    )


def _batched_auroc_and_accuracy(y_2d: np.ndarray, scores_2d: np.ndarray) -> dict[str, np.ndarray]:
    return {"AUROC": batched_auroc(y_2d, scores_2d), "accuracy": batched_accuracy(y_2d, scores_2d)}


@with_batched_twin(_batched_auroc_and_accuracy)
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
