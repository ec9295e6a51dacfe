"""Seed summary of a binary classifier: each seed scored at its own threshold and at 0.5,
the mean over seeds, its bootstrap CI over test cases, and the range over seeds; the table a
reader sees, and the seed-mean AUROC alone."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from medlib.metrics.binary import METRIC_NAMES, binary_metrics, bootstrap_ci
from medlib.metrics.multiclass import auroc_with_ci
from medlib.metrics.seed_summary import (
    CI_COLUMN,
    OPERATING_POINT,
    RANGE_COLUMN,
    binary_seed_summary,
    seed_mean_auroc,
    summary_view,
)


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


def test_summary_view_labels_both_spreads():
    y, scores, thresholds = _data()
    table = binary_seed_summary(y, scores, thresholds, n_resamples=50).at_threshold
    view = summary_view(table)
    assert list(view.columns) == ["mean over seeds", CI_COLUMN, RANGE_COLUMN]
    assert CI_COLUMN == "95% CI, bootstrap over test cases"
    assert RANGE_COLUMN == "range over seeds (min–max)"
    row = table.loc["AUROC"]
    assert view.loc["AUROC", CI_COLUMN] == f"{row['ci_low']:.3f}–{row['ci_high']:.3f}"
    assert view.loc["AUROC", RANGE_COLUMN] == f"{row['seed_min']:.3f}–{row['seed_max']:.3f}"
    assert view.loc["AUROC", "mean over seeds"] == round(row["value"], 3)


def test_seed_mean_auroc_is_the_mean_with_the_plain_interval_for_one_seed():
    y, scores, _ = _data()
    both = seed_mean_auroc(y, [scores[11], scores[12]], n_resamples=80, seed=4)
    assert both["value"] == pytest.approx(
        np.mean([roc_auc_score(y, scores[11]), roc_auc_score(y, scores[12])]))
    assert both["ci_low"] < both["value"] < both["ci_high"]
    one = seed_mean_auroc(y, [scores[13]], n_resamples=80, seed=4)
    plain = auroc_with_ci(y, scores[13], n_bootstrap=80, seed=4)
    assert (one["value"], one["ci_low"], one["ci_high"]) == pytest.approx(
        (plain["value"], plain["ci_low"], plain["ci_high"]))
