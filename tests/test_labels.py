"""Label budgets, label noise and active-learning selection."""

from __future__ import annotations

import numpy as np
import pytest

from medlib.trust.labels import (
    class_dependent_noise,
    labels_needed,
    most_uncertain,
    repeat_to_minimum,
    stratified_subset,
    symmetric_noise,
)


def test_stratified_subset_keeps_class_shares_and_a_minimum_per_class():
    labels = np.r_[np.zeros(300, int), np.ones(700, int)]
    chosen = stratified_subset(labels, 0.1, seed=0)
    assert (labels[chosen] == 0).sum() == 30 and (labels[chosen] == 1).sum() == 70
    tiny = stratified_subset(labels, 0.001, seed=0)
    assert (labels[tiny] == 0).sum() == 2 and (labels[tiny] == 1).sum() == 2
    assert len(stratified_subset(labels, 1.0, seed=0)) == 1000
    with pytest.raises(ValueError, match="fraction"):
        stratified_subset(labels, 0.0, seed=0)


def test_symmetric_noise_flips_the_asked_share_to_other_classes():
    labels = np.arange(30_000) % 3
    noisy = symmetric_noise(labels, 0.2, 3, seed=1)
    assert (noisy != labels).mean() == pytest.approx(0.2, abs=0.01)
    assert set(np.unique(noisy)) == {0, 1, 2}


def test_class_dependent_noise_hits_each_class_at_its_rate():
    labels = np.arange(20_000) % 2
    noisy = class_dependent_noise(labels, {0: 0.05, 1: 0.3}, 2, seed=2)
    assert (noisy[labels == 0] == 1).mean() == pytest.approx(0.05, abs=0.01)
    assert (noisy[labels == 1] == 0).mean() == pytest.approx(0.3, abs=0.015)
    with pytest.raises(ValueError, match="rates"):
        class_dependent_noise(labels, {0: 1.0}, 2, seed=0)


def test_most_uncertain_picks_probabilities_nearest_one_half_from_the_pool():
    pool = np.array([11, 12, 13, 14])
    assert most_uncertain(np.array([0.9, 0.45, 0.01, 0.6]), pool, 2).tolist() == [12, 14]
    multi = np.array([[0.9, 0.05, 0.05], [1 / 3, 1 / 3, 1 / 3]])
    assert most_uncertain(multi, np.array([5, 7]), 1).tolist() == [7]
    with pytest.raises(ValueError, match="pool of 4"):
        most_uncertain(np.array([0.5]), pool, 1)


def test_labels_needed_interpolates_and_says_never():
    n, auc = np.array([10, 20, 40]), np.array([0.7, 0.8, 0.9])
    assert labels_needed(n, auc, 0.85) == pytest.approx(30)
    assert labels_needed(n, auc, 0.6) == 10
    assert np.isnan(labels_needed(n, auc, 0.95))


def test_repeat_to_minimum_reaches_the_minimum_with_every_case_equally_often():
    repeated = repeat_to_minimum(np.arange(10, 17), 50, seed=0)
    assert len(repeated) == 50
    counts = np.bincount(repeated)[10:]
    assert set(np.unique(repeated)) == set(range(10, 17)) and counts.max() - counts.min() <= 1
    assert len(repeat_to_minimum(np.arange(100), 50, seed=0)) == 100
    with pytest.raises(ValueError, match="label budget is empty"):
        repeat_to_minimum(np.array([], int), 50, seed=0)
