"""Seed-averaged bootstrap: the mean is the mean of the seeds, the interval covers it."""

from __future__ import annotations

import numpy as np
import pytest

from medlib.metrics.binary import bootstrap_ci
from medlib.metrics.multiclass import auroc
from medlib.metrics.seeds import seed_mean_bootstrap


def _auroc(y, s):
    return {"AUROC": auroc(y, s)}


def _data(n=300, seeds=3):
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, n)
    return y, [y * 0.5 + rng.random(n) for _ in range(seeds)]


def test_value_is_the_mean_and_sd_the_spread_over_seeds():
    y, scores = _data()
    per_seed = [auroc(y, s) for s in scores]
    table = seed_mean_bootstrap(y, scores, _auroc, n_resamples=200)
    assert table.loc["AUROC", "value"] == pytest.approx(np.mean(per_seed))
    assert table.loc["AUROC", "seed_sd"] == pytest.approx(np.std(per_seed, ddof=1))
    low, value, high = table.loc["AUROC", ["ci_low", "value", "ci_high"]]
    assert low < value < high


def test_one_seed_equals_the_plain_bootstrap():
    y, scores = _data(seeds=1)
    ours = seed_mean_bootstrap(y, scores, _auroc, n_resamples=300, seed=4)
    plain = bootstrap_ci(y, scores[0], _auroc, n_resamples=300, seed=4)
    assert np.isnan(ours.loc["AUROC", "seed_sd"])
    assert ours.loc["AUROC", "ci_low"] == pytest.approx(plain.loc["AUROC", "ci_low"])
    assert ours.loc["AUROC", "ci_high"] == pytest.approx(plain.loc["AUROC", "ci_high"])


def test_rejects_empty_or_misaligned_scores():
    y, scores = _data()
    with pytest.raises(ValueError, match="empty"):
        seed_mean_bootstrap(y, [], _auroc)
    with pytest.raises(ValueError, match="one row per case"):
        seed_mean_bootstrap(y, [scores[0][:-1]], _auroc)
