"""Metrics for binary diagnostic models, with stratified bootstrap confidence intervals.

The reporting standard of the book (DESIGN.md, TRIPOD+AI and CLAIM in spirit) asks for
discrimination, calibration and operating-point metrics, each with a 95% interval. The
metric formulas are scikit-learn's; this module only chooses them, fixes the operating
threshold on validation data and resamples the test set. Used by every diagnosis chapter.

A bootstrap calls its metric once per resample (thousands of times per interval), and each
scikit-learn call costs far more in checking its input than in counting. So the binary metrics
also have *batched twins* (``batched_*``): the same formulas on a ``(B, n)`` array holding one
resample per row, one value per row, equal to scikit-learn's to rounding (~1e-16). A metric
function that carries such a twin (:func:`with_batched_twin`) is bootstrapped in one call per
seed instead of one per resample, on the very same resamples; any other falls back to the loop.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import numpy as np
import pandas as pd
from scipy.special import logit
from scipy.stats import rankdata
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    confusion_matrix,
    roc_auc_score,
    roc_curve,
)

METRIC_NAMES = (
    "AUROC",
    "AUPRC",
    "accuracy",
    "sensitivity",
    "specificity",
    "PPV",
    "NPV",
    "Brier",
)


def _safe_ratio(numerator: float, denominator: float) -> float:
    return float(numerator / denominator) if denominator else float("nan")


def binary_metrics(y_true: np.ndarray, scores: np.ndarray, threshold: float) -> dict[str, float]:
    """Discrimination, operating-point metrics at ``threshold`` (score >= threshold is
    positive) and the Brier score, for labels in {0, 1} and scores in [0, 1]."""
    y_true = np.asarray(y_true).ravel()
    scores = np.asarray(scores, dtype=float).ravel()
    predicted = (scores >= threshold).astype(int)
    tn, fp, fn, tp = confusion_matrix(y_true, predicted, labels=[0, 1]).ravel()
    return {
        "AUROC": float(roc_auc_score(y_true, scores)),
        "AUPRC": float(average_precision_score(y_true, scores)),
        "accuracy": _safe_ratio(tp + tn, tp + tn + fp + fn),
        "sensitivity": _safe_ratio(tp, tp + fn),
        "specificity": _safe_ratio(tn, tn + fp),
        "PPV": _safe_ratio(tp, tp + fp),
        "NPV": _safe_ratio(tn, tn + fn),
        "Brier": float(brier_score_loss(y_true, scores)),
    }


def batched_auroc(y_2d: np.ndarray, scores_2d: np.ndarray) -> np.ndarray:
    """AUROC of every row of ``(B, n)`` labels and scores: the Mann–Whitney U with midranks
    for tied scores, which is exactly the area under scikit-learn's trapezoidal ROC curve.
    NaN for a row with a single class (where scikit-learn raises)."""
    positive = np.asarray(y_2d) == 1
    n_pos = positive.sum(axis=1)
    n_neg = positive.shape[1] - n_pos
    rank_sum = np.where(positive, rankdata(scores_2d, axis=1), 0.0).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def _tie_group_ends(sorted_scores: np.ndarray) -> np.ndarray:
    """For every position of rows sorted by score, the last position holding the same score:
    cases with equal scores share one threshold, so they enter a curve together (scikit-learn
    groups exactly equal values, as here)."""
    n = sorted_scores.shape[1]
    is_end = np.ones(sorted_scores.shape, dtype=bool)
    is_end[:, :-1] = sorted_scores[:, 1:] != sorted_scores[:, :-1]
    ends = np.where(is_end, np.arange(n), n)
    return np.minimum.accumulate(ends[:, ::-1], axis=1)[:, ::-1]


def batched_average_precision(y_2d: np.ndarray, scores_2d: np.ndarray) -> np.ndarray:
    """Average precision of every row, as scikit-learn's ``average_precision_score`` defines
    it: the step-wise sum, over distinct thresholds from the highest score down, of the gain in
    recall times the precision there. Written per positive case: the mean over positives of the
    precision at the lowest rank of its tie group. NaN for a row without positives."""
    order = np.argsort(-np.asarray(scores_2d), axis=1, kind="stable")
    positive = np.take_along_axis(np.asarray(y_2d) == 1, order, axis=1)
    ends = _tie_group_ends(np.take_along_axis(np.asarray(scores_2d), order, axis=1))
    true_positives = np.cumsum(positive, axis=1)
    precision_at_end = np.take_along_axis(true_positives, ends, axis=1) / (ends + 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(positive, precision_at_end, 0.0).sum(axis=1) / positive.sum(axis=1)


def _batched_ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """:func:`_safe_ratio` of every row: NaN where the denominator is 0."""
    out = np.full(numerator.shape, np.nan)
    return np.divide(numerator, denominator, out=out, where=denominator != 0)


def batched_operating_point(
    y_2d: np.ndarray, scores_2d: np.ndarray, threshold: float
) -> dict[str, np.ndarray]:
    """Accuracy, sensitivity, specificity, PPV and NPV of every row at ``threshold`` (score >=
    threshold is positive), as :func:`binary_metrics` counts them (NaN for a 0 denominator)."""
    predicted = np.asarray(scores_2d, dtype=float) >= threshold
    positive, negative = np.asarray(y_2d) == 1, np.asarray(y_2d) == 0
    tp, fn = (predicted & positive).sum(axis=1), (~predicted & positive).sum(axis=1)
    fp, tn = (predicted & negative).sum(axis=1), (~predicted & negative).sum(axis=1)
    return {
        "accuracy": _batched_ratio(tp + tn, tp + tn + fp + fn),
        "sensitivity": _batched_ratio(tp, tp + fn),
        "specificity": _batched_ratio(tn, tn + fp),
        "PPV": _batched_ratio(tp, tp + fp),
        "NPV": _batched_ratio(tn, tn + fn),
    }


def batched_brier(y_2d: np.ndarray, scores_2d: np.ndarray) -> np.ndarray:
    """Brier score of every row: the mean squared difference of score and label."""
    return np.mean((np.asarray(y_2d) - np.asarray(scores_2d, dtype=float)) ** 2, axis=1)


def batched_binary_metrics(
    y_2d: np.ndarray, scores_2d: np.ndarray, threshold: float
) -> dict[str, np.ndarray]:
    """:func:`binary_metrics` of every row of ``(B, n)`` labels and scores, one array per
    metric (same names, same order): its batched twin, for bootstraps."""
    scores_2d = np.asarray(scores_2d, dtype=float)
    return {
        "AUROC": batched_auroc(y_2d, scores_2d),
        "AUPRC": batched_average_precision(y_2d, scores_2d),
        **batched_operating_point(y_2d, scores_2d, threshold),
        "Brier": batched_brier(y_2d, scores_2d),
    }


def youden_threshold(y_true: np.ndarray, scores: np.ndarray) -> float:
    """The score threshold maximising sensitivity + specificity - 1 (Youden's J).

    Chosen on validation data and then frozen: choosing it on test data would flatter
    every operating-point metric.
    """
    fpr, tpr, thresholds = roc_curve(np.ravel(y_true), np.ravel(scores))
    best = int(np.argmax(tpr - fpr))
    return float(min(thresholds[best], 1.0))


def stratified_bootstrap_indices(y_true: np.ndarray, n_resamples: int, seed: int) -> np.ndarray:
    """``(n_resamples, n)`` indices that resample each class separately, with replacement,
    keeping the class counts of the test set fixed (so AUROC is always defined)."""
    y_true = np.ravel(y_true)
    rng = np.random.default_rng(seed)
    parts = [
        rng.choice(
            np.flatnonzero(y_true == label), size=(n_resamples, int((y_true == label).sum()))
        )
        for label in np.unique(y_true)
    ]
    return np.concatenate(parts, axis=1)


BatchedMetricFn = Callable[[np.ndarray, np.ndarray], dict[str, np.ndarray]]
MetricFn = TypeVar("MetricFn", bound=Callable[..., dict[str, float]])

#: Whether bootstraps use a metric's batched twin. Tests set it to False to compare the
#: batched path with the per-resample loop it replaces, which is then taken everywhere.
_USE_BATCHED = True

#: Most labels (resamples x cases) one call of a batched twin gets: bounds a bootstrap's
#: memory (some tens of MB) however large the test set.
_MAX_BATCH_ELEMENTS = 2_000_000


def with_batched_twin(twin: BatchedMetricFn, score_ndim: int = 1) -> Callable[[MetricFn], MetricFn]:
    """Decorator giving a metric function ``(y_true, scores) -> dict`` its batched twin
    ``(y_2d, scores_2d) -> dict of arrays`` (one resample per row, same keys in the same
    order), which :func:`bootstrap_ci` and :func:`~medlib.metrics.seeds.seed_mean_bootstrap`
    then call once instead of once per resample. The twin is used only when the scores have
    ``score_ndim`` dimensions (1: one binary score per case); others (multi-class scores)
    take the loop."""

    def attach(metric_fn: MetricFn) -> MetricFn:
        metric_fn.batched = twin  # type: ignore[attr-defined]
        metric_fn.batched_score_ndim = score_ndim  # type: ignore[attr-defined]
        return metric_fn

    return attach


def batched_twin(
    metric_fn: Callable[..., dict[str, float]], scores_by_seed: Sequence[np.ndarray]
) -> BatchedMetricFn | None:
    """The batched twin a bootstrap may use for ``metric_fn`` on these score arrays, or None
    when it must loop over resamples (no twin, or scores of another shape)."""
    twin = getattr(metric_fn, "batched", None)
    score_ndim = getattr(metric_fn, "batched_score_ndim", 1)
    if not _USE_BATCHED or twin is None:
        return None
    return twin if all(np.ndim(s) == score_ndim for s in scores_by_seed) else None


def batched_draws(
    twin: BatchedMetricFn, y_true: np.ndarray, scores: np.ndarray, indices: np.ndarray
) -> dict[str, np.ndarray]:
    """``twin`` on every resample (row of ``indices``): one array per metric, one value per
    resample, as looping the metric over the rows would give. Resamples go in chunks of at
    most :data:`_MAX_BATCH_ELEMENTS` labels, so memory stays bounded."""
    scores = np.asarray(scores)
    per_row = indices.shape[1] * max(1, int(np.prod(scores.shape[1:])))
    step = max(1, _MAX_BATCH_ELEMENTS // per_row)
    chunks = [
        twin(y_true[part], scores[part])
        for part in (indices[start : start + step] for start in range(0, len(indices), step))
    ]
    return {name: np.concatenate([chunk[name] for chunk in chunks]) for name in chunks[0]}


def bootstrap_ci(
    y_true: np.ndarray,
    scores: np.ndarray,
    metric_fn: Callable[[np.ndarray, np.ndarray], dict[str, float]],
    n_resamples: int = 2000,
    seed: int = 0,
    level: float = 0.95,
) -> pd.DataFrame:
    """Point estimates and percentile intervals of every metric ``metric_fn`` returns.

    Returns a frame indexed by metric with columns ``value``, ``ci_low``, ``ci_high``. A
    ``metric_fn`` with a batched twin (:func:`with_batched_twin`) is evaluated on all
    resamples at once: the same resamples, the same numbers, in a fraction of the time.
    """
    y_true = np.ravel(y_true)
    scores = np.ravel(scores)
    point = metric_fn(y_true, scores)
    indices = stratified_bootstrap_indices(y_true, n_resamples, seed)
    twin = batched_twin(metric_fn, [scores])
    if twin is None:
        draws = pd.DataFrame([metric_fn(y_true[idx], scores[idx]) for idx in indices])
    else:
        draws = pd.DataFrame(batched_draws(twin, y_true, scores, indices))
    tail = (1 - level) / 2
    return pd.DataFrame(
        {
            "value": pd.Series(point),
            "ci_low": draws.quantile(tail),
            "ci_high": draws.quantile(1 - tail),
        }
    ).loc[list(point)]


def calibration_intercept_slope(y_true: np.ndarray, scores: np.ndarray) -> tuple[float, float]:
    """Logistic recalibration (Cox, 1958): fit ``logit P(y=1) = a + b * logit(score)``.

    A well calibrated model has a = 0 and b = 1; b < 1 means predictions are too extreme.
    """
    eps = 1e-7
    z = logit(np.clip(np.ravel(scores), eps, 1 - eps)).reshape(-1, 1)
    fit = LogisticRegression(C=np.inf, max_iter=1000).fit(z, np.ravel(y_true))
    return float(fit.intercept_[0]), float(fit.coef_[0, 0])
