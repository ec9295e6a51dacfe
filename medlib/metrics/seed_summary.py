"""The test report of a binary classifier trained from several seeds (chapter ``cnn_diagnosis``).

Every seed gives its own model and, chosen on that model's validation scores, its own
operating threshold. :func:`binary_seed_summary` reports each metric of
:func:`~medlib.metrics.binary.binary_metrics` at each seed's own threshold, and the
operating-point metrics at the conventional 0.5, as the mean over seeds. Beside the mean it
gives two spreads that answer different questions: the 95% CI, bootstrap over test cases,
of that mean (:func:`~medlib.metrics.seeds.seed_mean_bootstrap`, every seed scored on the
same stratified resample), and the range over seeds (lowest and highest single seed).
:func:`summary_view` shows such a table with its spreads labelled. :func:`seed_mean_auroc`
is the AUROC alone, for chapter ``labelling``, which averages it over seeds at every label
budget and label-noise setting.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from medlib.metrics.binary import (
    METRIC_NAMES,
    batched_binary_metrics,
    batched_operating_point,
    binary_metrics,
    with_batched_twin,
)
from medlib.metrics.multiclass import auroc_only
from medlib.metrics.seeds import seed_mean_bootstrap

OPERATING_POINT = ("accuracy", "sensitivity", "specificity", "PPV", "NPV")
AT_HALF = " at 0.5"


@dataclass
class SeedSummary:
    """``at_threshold``: every metric at each seed's own threshold; ``at_half``: the
    operating-point metrics at 0.5. Both are indexed by metric with columns ``value`` (mean
    over seeds), ``seed_sd``, ``ci_low``, ``ci_high`` (95% CI, bootstrap over test cases),
    ``seed_min`` and ``seed_max`` (range over seeds). ``per_seed`` has one row per seed and
    one column per metric (``"<metric> at 0.5"`` for the 0.5 ones)."""

    at_threshold: pd.DataFrame
    at_half: pd.DataFrame
    per_seed: pd.DataFrame


def _batched_metrics_at_both(
    y_2d: np.ndarray, score_and_threshold: np.ndarray
) -> dict[str, np.ndarray]:
    # The batched twin of _metrics_at_both: (B, n, 2) resamples of its (n, 2) input. AUROC,
    # AUPRC and Brier do not depend on the threshold, so only the operating point is redone.
    scores = np.ascontiguousarray(score_and_threshold[:, :, 0])
    threshold = float(score_and_threshold[0, 0, 1])
    at_half = batched_operating_point(y_2d, scores, 0.5)
    return {
        **batched_binary_metrics(y_2d, scores, threshold),
        **{f"{name}{AT_HALF}": at_half[name] for name in OPERATING_POINT},
    }


@with_batched_twin(_batched_metrics_at_both, score_ndim=2)
def _metrics_at_both(y_true: np.ndarray, score_and_threshold: np.ndarray) -> dict[str, float]:
    # Column 0: one seed's scores; column 1: that seed's threshold, repeated in every row, so
    # that a bootstrap resample of the rows keeps each seed's threshold with its scores.
    scores, threshold = score_and_threshold[:, 0], score_and_threshold[0, 1]
    at_half = binary_metrics(y_true, scores, 0.5)
    return {**binary_metrics(y_true, scores, threshold),
            **{f"{name}{AT_HALF}": at_half[name] for name in OPERATING_POINT}}


def binary_seed_summary(
    y_true: np.ndarray,
    scores_by_seed: Mapping[int, np.ndarray],
    thresholds: Mapping[int, float],
    n_resamples: int = 2000,
    seed: int = 0,
) -> SeedSummary:
    """Mean over seeds of the binary metrics, with its 95% CI (stratified bootstrap over
    test cases) and the range over seeds; ``thresholds`` holds each seed's threshold."""
    if set(scores_by_seed) != set(thresholds):
        raise ValueError("scores_by_seed and thresholds must name the same seeds")
    y_true = np.ravel(y_true)
    stacked = {
        s: np.column_stack([np.ravel(scores), np.full(len(y_true), float(thresholds[s]))])
        for s, scores in scores_by_seed.items()
    }
    per_seed = pd.DataFrame({s: _metrics_at_both(y_true, m) for s, m in stacked.items()}).T
    per_seed.index.name = "seed"
    table = seed_mean_bootstrap(y_true, list(stacked.values()), _metrics_at_both,
                                n_resamples=n_resamples, seed=seed)
    table["seed_min"], table["seed_max"] = per_seed.min(), per_seed.max()
    at_half = table.loc[[f"{name}{AT_HALF}" for name in OPERATING_POINT]]
    return SeedSummary(
        at_threshold=table.loc[list(METRIC_NAMES)],
        at_half=at_half.rename(index=lambda name: name.removesuffix(AT_HALF)),
        per_seed=per_seed,
    )


#: How :func:`summary_view` labels the two spreads (the names the results file gives them).
CI_COLUMN = "95% CI, bootstrap over test cases"
RANGE_COLUMN = "range over seeds (min–max)"


def summary_view(table: pd.DataFrame, digits: int = 3) -> pd.DataFrame:
    """A table of :class:`SeedSummary` (``at_threshold`` or ``at_half``) as a reader sees it:
    the mean over seeds, rounded, and each spread as ``low–high`` text under a header that
    says what it is (:data:`CI_COLUMN`, :data:`RANGE_COLUMN`)."""

    def spans(low: pd.Series, high: pd.Series) -> list[str]:
        return [f"{a:.{digits}f}–{b:.{digits}f}" for a, b in zip(low, high, strict=True)]

    return pd.DataFrame(
        {
            "mean over seeds": table["value"].round(digits),
            CI_COLUMN: spans(table["ci_low"], table["ci_high"]),
            RANGE_COLUMN: spans(table["seed_min"], table["seed_max"]),
        },
        index=table.index,
    )


def seed_mean_auroc(
    y_true: np.ndarray, scores_by_seed: Sequence[np.ndarray], n_resamples: int = 2000, seed: int = 0
) -> pd.Series:
    """Mean over seeds of the AUROC (``value``), its seed-to-seed SD (``seed_sd``) and the
    95% CI of the mean, bootstrap over test cases (``ci_low``, ``ci_high``; every seed's
    scores on the same stratified resample): :func:`~medlib.metrics.seeds.seed_mean_bootstrap`
    of the AUROC alone. For one seed the CI is that of
    :func:`~medlib.metrics.multiclass.auroc_with_ci`."""
    return seed_mean_bootstrap(y_true, list(scores_by_seed), auroc_only, n_resamples, seed).loc[
        "AUROC"
    ]
