"""Discrimination and calibration metrics for binary *and* multi-class image tasks.

The MedMNIST v2 protocol reports AUC and ACC for every data set: AUROC (one-vs-rest,
macro-averaged over classes when there are more than two) and accuracy at the 0.5 threshold
(binary) or of the arg-max class (multi-class). Chapter ``cnn_beyond`` runs on any 2D
MedMNIST set with these; binary scores are a flat array of P(class 1), multi-class scores an
``(n, k)`` array of class probabilities.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch
from sklearn.metrics import accuracy_score, brier_score_loss, roc_auc_score
from torchmetrics.functional.classification import (
    binary_calibration_error,
    multiclass_calibration_error,
)

from medlib.metrics.binary import batched_auroc, bootstrap_ci, with_batched_twin


def _is_binary(scores: np.ndarray) -> bool:
    return np.ndim(scores) == 1


def auroc(y_true: np.ndarray, scores: np.ndarray) -> float:
    """AUROC; one-vs-rest macro average for multi-class probabilities."""
    y_true = np.ravel(y_true)
    if _is_binary(scores):
        return float(roc_auc_score(y_true, scores))
    if scores.shape[1] == 2:  # scikit-learn's one-vs-rest needs three or more classes
        return float(roc_auc_score(y_true, scores[:, 1]))
    return float(
        roc_auc_score(y_true, scores, multi_class="ovr", labels=np.arange(scores.shape[1]))
    )


def predicted_class(scores: np.ndarray, threshold: float = 0.5) -> np.ndarray:
    """Class decisions: score >= threshold (binary) or the arg-max class."""
    if _is_binary(scores):
        return (np.asarray(scores) >= threshold).astype(int)
    return np.argmax(scores, axis=1)


def accuracy(y_true: np.ndarray, scores: np.ndarray, threshold: float = 0.5) -> float:
    """Share of cases whose :func:`predicted_class` (at ``threshold`` for a binary score)
    is the true class: the ACC MedMNIST reports."""
    return float(accuracy_score(np.ravel(y_true), predicted_class(scores, threshold)))


def batched_accuracy(y_2d: np.ndarray, scores_2d: np.ndarray, threshold: float = 0.5) -> np.ndarray:
    """:func:`accuracy` of every row of ``(B, n)`` binary labels and scores (its batched twin,
    for bootstraps): the share of cases whose score >= ``threshold`` agrees with the label,
    the scores compared in their own dtype as :func:`predicted_class` compares them."""
    predicted = (np.asarray(scores_2d) >= threshold).astype(int)
    return np.mean(np.asarray(y_2d) == predicted, axis=1)


def _batched_auroc_only(y_2d: np.ndarray, scores_2d: np.ndarray) -> dict[str, np.ndarray]:
    return {"AUROC": batched_auroc(y_2d, scores_2d)}


@with_batched_twin(_batched_auroc_only)
def auroc_only(y_true: np.ndarray, scores: np.ndarray) -> dict[str, float]:
    """``{"AUROC": auroc(...)}``: the AUROC as a bootstrap ``metric_fn``, whose binary case the
    bootstraps evaluate on all resamples at once."""
    return {"AUROC": auroc(y_true, scores)}


def auroc_with_ci(
    y_true: np.ndarray, scores: np.ndarray, n_bootstrap: int, seed: int
) -> pd.Series:
    """Binary AUROC with its 95% CI from a stratified bootstrap over the test cases:
    a Series with ``value``, ``ci_low`` and ``ci_high``
    (:func:`medlib.metrics.binary.bootstrap_ci` of :func:`auroc`)."""
    table = bootstrap_ci(y_true, scores, auroc_only, n_bootstrap, seed)
    return table.loc["AUROC"]


def expected_calibration_error(y_true: np.ndarray, scores: np.ndarray, n_bins: int = 15) -> float:
    """Top-label ECE with equal-width bins (Guo et al., 2017), computed by torchmetrics."""
    target = torch.as_tensor(np.ravel(y_true), dtype=torch.long)
    preds = torch.as_tensor(np.asarray(scores), dtype=torch.float64)
    if _is_binary(scores):
        return float(binary_calibration_error(preds, target, n_bins=n_bins))
    return float(multiclass_calibration_error(preds, target, scores.shape[1], n_bins=n_bins))


def brier_score(y_true: np.ndarray, scores: np.ndarray) -> float:
    """Brier score: mean squared error of the probabilities (summed over classes when k > 2)."""
    y_true = np.ravel(y_true)
    if _is_binary(scores):
        return float(brier_score_loss(y_true, scores))
    one_hot = np.eye(scores.shape[1])[y_true]
    return float(np.mean(np.sum((scores - one_hot) ** 2, axis=1)))


def task_metrics(y_true: np.ndarray, scores: np.ndarray) -> dict[str, float]:
    """AUROC and ACC as MedMNIST reports them, plus ECE and Brier for calibration."""
    return {
        "auroc": auroc(y_true, scores),
        "accuracy": accuracy(y_true, scores),
        "ece": expected_calibration_error(y_true, scores),
        "brier": brier_score(y_true, scores),
    }
