"""medlib.metrics.paired.paired_bootstrap_difference: one resample of the cases for both
models, so the interval is that of the difference itself."""

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from medlib.metrics.binary import batched_brier, stratified_bootstrap_indices
from medlib.metrics.paired import paired_bootstrap_difference

RNG = np.random.default_rng(0)
Y = np.r_[np.zeros(60, int), np.ones(40, int)]
A = np.clip(Y * 0.3 + RNG.normal(0.4, 0.2, Y.size), 0, 1)
B = np.clip(A + RNG.normal(0, 0.05, Y.size), 0, 1)  # a close twin of A


def test_estimate_is_the_difference_of_the_two_aurocs():
    estimate, low, high = paired_bootstrap_difference(Y, A, B, 200, seed=1)
    assert estimate == pytest.approx(roc_auc_score(Y, A) - roc_auc_score(Y, B), abs=1e-12)
    assert low <= estimate <= high


def test_interval_is_the_percentile_interval_of_the_same_resamples_loop():
    _, low, high = paired_bootstrap_difference(Y, A, B, 300, seed=3, level=0.9)
    draws = [roc_auc_score(Y[i], A[i]) - roc_auc_score(Y[i], B[i])
             for i in stratified_bootstrap_indices(Y, 300, 3)]
    assert (low, high) == pytest.approx(tuple(np.quantile(draws, [0.05, 0.95])), abs=1e-12)


def test_identical_scores_differ_by_exactly_nothing():
    assert paired_bootstrap_difference(Y, A, A.copy(), 100) == (0.0, 0.0, 0.0)


def test_pairing_narrows_the_interval_of_two_close_models():
    _, low, high = paired_bootstrap_difference(Y, A, B, 500, seed=2)
    # unpaired: each model resampled on its own cases
    first = stratified_bootstrap_indices(Y, 500, 2)
    second = stratified_bootstrap_indices(Y, 500, 7)
    unpaired = [roc_auc_score(Y[i], A[i]) - roc_auc_score(Y[j], B[j])
                for i, j in zip(first, second, strict=True)]
    unpaired_low, unpaired_high = np.quantile(unpaired, [0.025, 0.975])
    assert high - low < (unpaired_high - unpaired_low) / 2


def test_another_batched_metric_can_be_given():
    estimate, _, _ = paired_bootstrap_difference(Y, A, B, 50, batched_metric=batched_brier)
    assert estimate == pytest.approx(np.mean((A - Y) ** 2) - np.mean((B - Y) ** 2))


def test_refuses_unpaired_missing_or_one_class_input():
    with pytest.raises(ValueError, match="same cases"):
        paired_bootstrap_difference(Y, A, B[:-1])
    with pytest.raises(ValueError, match="finite"):
        paired_bootstrap_difference(Y, np.r_[A[:-1], np.nan], B)
    with pytest.raises(ValueError, match="both classes"):
        paired_bootstrap_difference(np.ones(10, int), A[:10], B[:10], 20)
    with pytest.raises(ValueError, match="level"):
        paired_bootstrap_difference(Y, A, B, level=95)
