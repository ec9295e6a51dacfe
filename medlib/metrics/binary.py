"""Metrics for binary diagnostic models, with stratified bootstrap confidence intervals.

The reporting standard of the book (DESIGN.md, TRIPOD+AI and CLAIM in spirit) asks for
discrimination, calibration and operating-point metrics, each with a 95% interval. The
metric formulas are scikit-learn's; this module only chooses them, fixes the operating
threshold on validation data and resamples the test set. Used by every diagnosis chapter.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy.special import logit
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


def bootstrap_ci(
    y_true: np.ndarray,
    scores: np.ndarray,
    metric_fn: Callable[[np.ndarray, np.ndarray], dict[str, float]],
    n_resamples: int = 2000,
    seed: int = 0,
    level: float = 0.95,
) -> pd.DataFrame:
    """Point estimates and percentile intervals of every metric ``metric_fn`` returns.

    Returns a frame indexed by metric with columns ``value``, ``ci_low``, ``ci_high``.
    """
    y_true = np.ravel(y_true)
    scores = np.ravel(scores)
    point = metric_fn(y_true, scores)
    draws = pd.DataFrame(
        [
            metric_fn(y_true[idx], scores[idx])
            for idx in stratified_bootstrap_indices(y_true, n_resamples, seed)
        ]
    )
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
