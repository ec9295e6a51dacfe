"""The validation-to-test gap per class and the seed-averaged errors (chapter ``cnn_beyond``),
on cases small enough to count by hand."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from medlib.metrics.split_gap import AUROC_ROW, seed_averaged_errors, validation_test_gap


def test_gap_counts_correct_cases_per_class_and_averages_seeds():
    y = {"val": np.array([0, 0, 1, 1]), "test": np.array([0, 0, 0, 1])}
    seed_a = {"val": np.array([0.2, 0.7, 0.8, 0.9]), "test": np.array([0.1, 0.2, 0.6, 0.7])}
    seed_b = {"val": np.array([0.2, 0.3, 0.8, 0.4]), "test": np.array([0.1, 0.6, 0.6, 0.7])}
    gap = validation_test_gap(y, [seed_a, seed_b], ["normal", "pneumonia"])
    assert list(gap.index) == ["normal", "pneumonia", AUROC_ROW]
    correct, share = gap["correct in class"], gap["share of split"]
    assert correct.loc["normal", "val"] == pytest.approx((1 / 2 + 2 / 2) / 2)
    assert correct.loc["pneumonia", "val"] == pytest.approx((2 / 2 + 1 / 2) / 2)
    assert correct.loc["normal", "test"] == pytest.approx((2 / 3 + 1 / 3) / 2)
    assert share.loc["normal", "test"] == 0.75 and share.loc[AUROC_ROW, "val"] == 1.0
    expected = np.mean([roc_auc_score(y["test"], s["test"]) for s in (seed_a, seed_b)])
    assert correct.loc[AUROC_ROW, "test"] == pytest.approx(expected)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.UndefinedMetricWarning")
def test_a_class_absent_from_a_split_has_no_rate():
    y = {"val": np.array([0, 1, 2, 0]), "test": np.array([0, 1, 0, 1])}
    scores = {split: np.eye(3)[[0, 1, 2, 1]] * 0.8 + 0.2 / 3 for split in y}
    gap = validation_test_gap(y, [scores], ["a", "b", "c"])
    assert np.isnan(gap.loc["c", ("correct in class", "test")])
    assert gap.loc["c", ("share of split", "test")] == 0
    assert gap.loc["c", ("correct in class", "val")] == 1.0


def test_binary_errors_most_confident_first_and_wrong_every_seed():
    y = np.array([0, 0, 1, 1, 0])
    seed_a = np.array([0.9, 0.6, 0.2, 0.8, 0.1])
    seed_b = np.array([0.8, 0.3, 0.4, 0.7, 0.2])
    errors = seed_averaged_errors(y, [seed_a, seed_b])  # mean 0.85, 0.45, 0.3, 0.75, 0.15
    np.testing.assert_array_equal(errors.decided, [1, 0, 0, 1, 0])
    np.testing.assert_array_equal(errors.errors, [0, 2])
    np.testing.assert_array_equal(errors.most_confident, [0, 2])  # |0.85-0.5| > |0.3-0.5|
    np.testing.assert_array_equal(errors.wrong_every_seed, [True, False, True, False, False])


def test_multi_class_confidence_is_the_largest_probability():
    y = np.array([0, 1, 2])
    scores = np.array([[0.3, 0.6, 0.1], [0.1, 0.1, 0.8], [0.2, 0.3, 0.5]])
    errors = seed_averaged_errors(y, [scores])
    np.testing.assert_array_equal(errors.errors, [0, 1])
    np.testing.assert_array_equal(errors.most_confident, [1, 0])
