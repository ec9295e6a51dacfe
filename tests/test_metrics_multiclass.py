"""Binary and multi-class task metrics agree with scikit-learn and with each other."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from medlib.metrics.multiclass import (
    auroc,
    brier_score,
    expected_calibration_error,
    predicted_class,
    task_metrics,
)


def test_binary_metrics():
    y = np.array([0, 0, 1, 1])
    p = np.array([0.1, 0.6, 0.4, 0.9])
    m = task_metrics(y, p)
    assert m["auroc"] == pytest.approx(0.75) and m["accuracy"] == pytest.approx(0.5)
    assert m["brier"] == pytest.approx(np.mean((p - y) ** 2))


def test_multiclass_auroc_is_macro_one_vs_rest():
    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.ones(3), 200)
    y = rng.integers(0, 3, 200)
    expected = np.mean([roc_auc_score(y == k, p[:, k]) for k in range(3)])
    assert auroc(y, p) == pytest.approx(expected)
    assert (predicted_class(p) == p.argmax(1)).all()


def test_two_column_softmax_equals_the_binary_view():
    rng = np.random.default_rng(1)
    p1 = rng.random(300)
    y = (rng.random(300) < p1).astype(int)
    two = np.stack([1 - p1, p1], axis=1)
    assert auroc(y, two) == pytest.approx(auroc(y, p1))
    assert brier_score(y, two) == pytest.approx(2 * brier_score(y, p1))


def test_ece_of_perfectly_calibrated_scores_is_small_and_of_overconfident_large():
    rng = np.random.default_rng(2)
    p = rng.random(50_000)
    y = (rng.random(50_000) < p).astype(int)
    assert expected_calibration_error(y, p) < 0.01
    overconfident = np.where(p > 0.5, 0.99, 0.01)
    assert expected_calibration_error(y, overconfident) > 0.2


def test_accuracy_and_auroc_with_ci_match_scikit_learn():
    from sklearn.metrics import accuracy_score, roc_auc_score

    from medlib.metrics.multiclass import accuracy, auroc_with_ci

    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 300)
    s = np.clip(0.3 * y + rng.random(300) * 0.7, 0, 1)
    assert accuracy(y, s) == accuracy_score(y, s >= 0.5)
    assert accuracy(y, s, threshold=0.7) == accuracy_score(y, s >= 0.7)
    ci = auroc_with_ci(y, s, n_bootstrap=200, seed=1)
    assert ci["value"] == roc_auc_score(y, s) and ci["ci_low"] < ci["value"] < ci["ci_high"]
    assert ci.equals(auroc_with_ci(y, s, n_bootstrap=200, seed=1))
