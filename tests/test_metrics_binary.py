"""medlib.metrics: operating-point metrics, thresholds, bootstrap intervals, calibration."""

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from medlib.metrics import (
    METRIC_NAMES,
    binary_metrics,
    bootstrap_ci,
    calibration_intercept_slope,
    stratified_bootstrap_indices,
    youden_threshold,
)

Y = np.array([0, 0, 0, 0, 1, 1, 1, 1, 1, 1])
S = np.array([0.1, 0.2, 0.6, 0.3, 0.7, 0.8, 0.4, 0.9, 0.65, 0.55])


def test_binary_metrics_match_a_hand_count():
    m = binary_metrics(Y, S, threshold=0.5)  # TP 5, FN 1, TN 3, FP 1
    assert tuple(m) == METRIC_NAMES
    assert m["sensitivity"] == pytest.approx(5 / 6)
    assert m["specificity"] == pytest.approx(3 / 4)
    assert m["PPV"] == pytest.approx(5 / 6)
    assert m["NPV"] == pytest.approx(3 / 4)
    assert m["accuracy"] == pytest.approx(0.8)
    assert m["AUROC"] == pytest.approx(roc_auc_score(Y, S))
    assert m["Brier"] == pytest.approx(np.mean((S - Y) ** 2))


def test_undefined_ratio_is_nan_not_an_error():
    assert np.isnan(binary_metrics(Y, S, threshold=0.99)["PPV"])


def test_youden_threshold_maximises_j():
    t = youden_threshold(Y, S)
    j = binary_metrics(Y, S, t)["sensitivity"] + binary_metrics(Y, S, t)["specificity"] - 1
    for other in np.unique(S):
        m = binary_metrics(Y, S, other)
        assert m["sensitivity"] + m["specificity"] - 1 <= j + 1e-12


def test_stratified_resamples_keep_class_counts():
    idx = stratified_bootstrap_indices(Y, n_resamples=50, seed=0)
    assert idx.shape == (50, len(Y))
    assert np.all((Y[idx] == 1).sum(axis=1) == 6)


def test_bootstrap_interval_brackets_the_estimate_and_is_seeded():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 300)
    s = np.clip(y * 0.3 + rng.random(300) * 0.7, 0, 1)
    table = bootstrap_ci(y, s, lambda a, b: binary_metrics(a, b, 0.5), n_resamples=300, seed=5)
    assert list(table.index) == list(METRIC_NAMES)
    assert np.all(table["ci_low"] <= table["value"]) and np.all(table["value"] <= table["ci_high"])
    again = bootstrap_ci(y, s, lambda a, b: binary_metrics(a, b, 0.5), n_resamples=300, seed=5)
    assert table.equals(again)


def test_calibration_of_calibrated_scores_is_near_ideal():
    rng = np.random.default_rng(0)
    p = rng.uniform(0.05, 0.95, 20000)
    y = (rng.random(20000) < p).astype(int)
    intercept, slope = calibration_intercept_slope(y, p)
    assert intercept == pytest.approx(0, abs=0.08) and slope == pytest.approx(1, abs=0.08)
    _, overconfident = calibration_intercept_slope(y, 1 / (1 + np.exp(-3 * np.log(p / (1 - p)))))
    assert overconfident == pytest.approx(1 / 3, abs=0.05)
