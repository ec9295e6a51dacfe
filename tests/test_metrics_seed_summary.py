"""Seed summary of a binary classifier: each seed scored at its own threshold and at 0.5,
the mean over seeds, its bootstrap CI over test cases, and the range over seeds."""

from __future__ import annotations

import numpy as np
import pytest

from medlib.metrics.binary import METRIC_NAMES, binary_metrics, bootstrap_ci
from medlib.metrics.seed_summary import OPERATING_POINT, binary_seed_summary


def _data(n=240, seeds=(11, 12, 13)):
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, n)
    scores = {s: np.clip(0.4 * y + 0.6 * rng.random(n), 0, 1) for s in seeds}
    thresholds = {s: 0.4 + 0.05 * k for k, s in enumerate(seeds)}
    return y, scores, thresholds


def test_each_seed_is_scored_at_its_own_threshold_and_at_half():
    y, scores, thresholds = _data()
    summary = binary_seed_summary(y, scores, thresholds, n_resamples=50)
    for s in scores:
        own, half = binary_metrics(y, scores[s], thresholds[s]), binary_metrics(y, scores[s], 0.5)
        for name in METRIC_NAMES:
            assert summary.per_seed.loc[s, name] == pytest.approx(own[name])
        for name in OPERATING_POINT:
            assert summary.per_seed.loc[s, f"{name} at 0.5"] == pytest.approx(half[name])


def test_value_is_the_mean_beside_ci_and_range():
    y, scores, thresholds = _data()
    summary = binary_seed_summary(y, scores, thresholds, n_resamples=100)
    assert list(summary.at_threshold.index) == list(METRIC_NAMES)
    assert list(summary.at_half.index) == list(OPERATING_POINT)
    accuracy = [binary_metrics(y, scores[s], thresholds[s])["accuracy"] for s in scores]
    row = summary.at_threshold.loc["accuracy"]
    assert row["value"] == pytest.approx(np.mean(accuracy))
    assert (row["seed_min"], row["seed_max"]) == pytest.approx((min(accuracy), max(accuracy)))
    assert row["ci_low"] < row["value"] < row["ci_high"]
    half = [binary_metrics(y, scores[s], 0.5)["specificity"] for s in scores]
    assert summary.at_half.loc["specificity", "value"] == pytest.approx(np.mean(half))


def test_one_seed_has_the_plain_bootstrap_interval():
    y, scores, thresholds = _data(seeds=(5,))
    summary = binary_seed_summary(y, scores, thresholds, n_resamples=120, seed=3)
    plain = bootstrap_ci(y, scores[5], lambda yt, s: binary_metrics(yt, s, thresholds[5]),
                         n_resamples=120, seed=3)
    for name in ("AUROC", "accuracy", "specificity", "Brier"):
        for bound in ("ci_low", "ci_high"):
            assert summary.at_threshold.loc[name, bound] == pytest.approx(plain.loc[name, bound])


def test_seeds_without_a_threshold_are_refused():
    y, scores, thresholds = _data()
    thresholds.pop(13)
    with pytest.raises(ValueError, match="same seeds"):
        binary_seed_summary(y, scores, thresholds, n_resamples=10)
