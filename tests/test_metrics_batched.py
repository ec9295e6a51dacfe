"""Batched twins of the binary metrics: row by row equal to the scikit-learn based functions
(random scores, heavily tied scores, undefined ratios), and bootstraps that give the same
tables through the batched path as through the per-resample loop it replaces."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import average_precision_score, roc_auc_score

from medlib.metrics import binary
from medlib.metrics.binary import (
    METRIC_NAMES,
    batched_auroc,
    batched_average_precision,
    batched_binary_metrics,
    batched_operating_point,
    batched_twin,
    binary_metrics,
    bootstrap_ci,
    with_batched_twin,
)
from medlib.metrics.multiclass import accuracy, auroc_with_ci, batched_accuracy
from medlib.metrics.seed_summary import binary_seed_summary, seed_mean_auroc
from medlib.metrics.seeds import auroc_and_accuracy, seed_mean_bootstrap

ATOL = 1e-12


def _rows(n_rows=60, n=80, decimals=None, seed=0):
    """``(n_rows, n)`` labels with both classes in every row, and scores in [0, 1] that lean
    towards the label; ``decimals`` rounds them, so that many scores tie."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, (n_rows, n))
    y[:, :2] = [0, 1]
    scores = np.clip(0.3 * y + 0.7 * rng.random((n_rows, n)), 0, 1)
    return y, scores if decimals is None else np.round(scores, decimals)


def _close(actual, expected):
    np.testing.assert_allclose(actual, expected, rtol=0, atol=ATOL)


def _per_row(metric, y, scores, *args):
    """``metric`` (a scikit-learn based function) on each row of labels and scores."""
    return [metric(t, s, *args) for t, s in zip(y, scores, strict=True)]


@pytest.mark.parametrize("decimals", [None, 1, 2])
@pytest.mark.parametrize("threshold", [0.5, 0.35])
def test_batched_binary_metrics_equal_binary_metrics_row_by_row(decimals, threshold):
    y, scores = _rows(decimals=decimals)
    batched = batched_binary_metrics(y, scores, threshold)
    assert tuple(batched) == METRIC_NAMES
    expected = pd.DataFrame(_per_row(binary_metrics, y, scores, threshold))
    for name in METRIC_NAMES:
        _close(batched[name], expected[name])


@pytest.mark.parametrize("decimals", [None, 1])
def test_batched_auroc_and_average_precision_equal_scikit_learn(decimals):
    y, scores = _rows(decimals=decimals, seed=1)
    _close(batched_auroc(y, scores), _per_row(roc_auc_score, y, scores))
    _close(batched_average_precision(y, scores), _per_row(average_precision_score, y, scores))


def test_ties_across_the_classes_enter_together():
    # Every score tied between a positive and a negative: AP and AUROC depend on the grouping.
    y = np.array([[1, 0, 1, 0, 1, 0, 0, 1]])
    scores = np.array([[0.8, 0.8, 0.5, 0.5, 0.5, 0.2, 0.2, 0.2]])
    _close(batched_auroc(y, scores), [roc_auc_score(y[0], scores[0])])
    _close(batched_average_precision(y, scores), [average_precision_score(y[0], scores[0])])


def test_undefined_ratios_are_nan_in_both():
    y, scores = _rows(n_rows=3)
    scores[0] = 0.1  # no positive call: PPV = 0 / 0
    scores[1] = 0.9  # no negative call: NPV = 0 / 0
    batched = batched_binary_metrics(y, scores, 0.5)
    expected = pd.DataFrame(_per_row(binary_metrics, y, scores, 0.5))
    for name in METRIC_NAMES:
        _close(batched[name], expected[name])
    assert np.isnan(batched["PPV"][0]) and np.isnan(batched["NPV"][1])
    single_class = batched_operating_point(np.ones((1, 5), int), np.full((1, 5), 0.7), 0.5)
    assert np.isnan(single_class["specificity"][0]) and single_class["sensitivity"][0] == 1


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_batched_accuracy_equals_accuracy(dtype):
    y, scores = _rows(decimals=1, seed=2)  # many scores exactly at 0.5
    scores = scores.astype(dtype)
    _close(batched_accuracy(y, scores), _per_row(accuracy, y, scores))
    _close(batched_accuracy(y, scores, 0.7), _per_row(accuracy, y, scores, 0.7))


@pytest.fixture
def loop_only(monkeypatch):
    """Force every bootstrap onto the per-resample loop (the reference path)."""
    return lambda: monkeypatch.setattr(binary, "_USE_BATCHED", False)


def _seeds(n=150, n_seeds=3, decimals=2, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    scores = [np.round(np.clip(0.35 * y + 0.65 * rng.random(n), 0, 1), decimals)
              for _ in range(n_seeds)]
    return y, scores


def _assert_same_table(fast: pd.DataFrame | pd.Series, slow: pd.DataFrame | pd.Series):
    assert list(fast.index) == list(slow.index)
    if isinstance(fast, pd.DataFrame):
        assert list(fast.columns) == list(slow.columns)
    _close(fast.to_numpy(float), slow.to_numpy(float))


def test_seed_mean_bootstrap_of_auroc_and_accuracy_is_unchanged(loop_only):
    y, scores = _seeds()
    scores = [s.astype(np.float32) for s in scores]
    assert batched_twin(auroc_and_accuracy, scores) is not None
    fast = seed_mean_bootstrap(y, scores, auroc_and_accuracy, n_resamples=150, seed=3)
    loop_only()
    slow = seed_mean_bootstrap(y, scores, auroc_and_accuracy, n_resamples=150, seed=3)
    _assert_same_table(fast, slow)


def test_binary_seed_summary_is_unchanged(loop_only):
    y, scores = _seeds(n=120)
    by_seed = dict(zip((7, 8, 9), scores, strict=True))
    thresholds = {7: 0.4, 8: 0.5, 9: 0.62}
    fast = binary_seed_summary(y, by_seed, thresholds, n_resamples=80, seed=2)
    loop_only()
    slow = binary_seed_summary(y, by_seed, thresholds, n_resamples=80, seed=2)
    for part in ("at_threshold", "at_half", "per_seed"):
        _assert_same_table(getattr(fast, part), getattr(slow, part))


def test_seed_mean_auroc_and_auroc_with_ci_are_unchanged(loop_only):
    y, scores = _seeds(decimals=1)
    fast = seed_mean_auroc(y, scores, n_resamples=200, seed=1)
    fast_one = auroc_with_ci(y, scores[0], n_bootstrap=200, seed=1)
    loop_only()
    _assert_same_table(fast, seed_mean_auroc(y, scores, n_resamples=200, seed=1))
    _assert_same_table(fast_one, auroc_with_ci(y, scores[0], n_bootstrap=200, seed=1))


def _at_high_threshold(y_true, scores):
    return binary_metrics(y_true, scores, 0.9)


@with_batched_twin(lambda y_2d, scores_2d: batched_binary_metrics(y_2d, scores_2d, 0.9))
def _at_high_threshold_batched(y_true, scores):
    return binary_metrics(y_true, scores, 0.9)


def _rarely_positive(n=60, seed=4):
    """Scores with only three above 0.9, other cases for each seed, so that on some resamples
    a seed has no positive call and its PPV is undefined (NaN), which the mean over seeds
    and the interval must skip in both paths."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    scores = 0.85 * rng.random((3, n))
    for k in range(3):
        scores[k, 3 * k : 3 * k + 3] = 0.95
    return y, list(scores)


def test_undefined_draws_are_skipped_alike_in_both_paths(loop_only):
    y, scores = _rarely_positive()
    indices = binary.stratified_bootstrap_indices(y, 150, 0)
    undefined = np.array(
        [np.isnan(batched_binary_metrics(y[indices], s[indices], 0.9)["PPV"]) for s in scores]
    )
    assert (undefined.any(axis=0) & ~undefined.all(axis=0)).any()  # some seeds, not all
    fast = seed_mean_bootstrap(y, scores, _at_high_threshold_batched, n_resamples=150)
    fast_one = bootstrap_ci(y, scores[0], _at_high_threshold_batched, n_resamples=150)
    slow = seed_mean_bootstrap(y, scores, _at_high_threshold, n_resamples=150)
    slow_one = bootstrap_ci(y, scores[0], _at_high_threshold, n_resamples=150)
    _assert_same_table(fast, slow)
    _assert_same_table(fast_one, slow_one)
    loop_only()
    _assert_same_table(seed_mean_bootstrap(y, scores, _at_high_threshold_batched, 150), slow)


def test_the_twin_is_called_once_per_seed_and_chunks_join_up(monkeypatch):
    y, scores = _seeds(n=100)
    calls = []

    def counted(y_2d, scores_2d):
        calls.append(len(y_2d))
        return {"AUROC": batched_auroc(y_2d, scores_2d)}

    metric = with_batched_twin(counted)(lambda t, s: {"AUROC": roc_auc_score(t, s)})
    whole = seed_mean_bootstrap(y, scores, metric, n_resamples=250)
    assert calls == [250] * len(scores)
    calls.clear()
    monkeypatch.setattr(binary, "_MAX_BATCH_ELEMENTS", 100 * 60)  # 60 resamples per call
    chunked = seed_mean_bootstrap(y, scores, metric, n_resamples=250)
    assert calls == [60, 60, 60, 60, 10] * len(scores)
    _assert_same_table(chunked, whole)


def test_multiclass_scores_take_the_loop():
    rng = np.random.default_rng(5)
    probabilities = rng.dirichlet(np.ones(3), 90)
    assert batched_twin(auroc_and_accuracy, [probabilities]) is None
    assert batched_twin(lambda t, s: {}, [probabilities[:, 0]]) is None
    table = seed_mean_bootstrap(rng.integers(0, 3, 90), [probabilities], auroc_and_accuracy,
                                n_resamples=20)
    assert list(table.index) == ["AUROC", "accuracy"]
