"""Temperature scaling recovers a known temperature and never changes the ranking."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import log_loss

from medlib.metrics.multiclass import auroc
from medlib.train.calibration import fit_temperature, negative_log_likelihood
from medlib.train.torch_loop import probabilities


def _labels_drawn_from(logits: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    probs = probabilities(logits)
    if probs.ndim == 1:
        return (rng.random(len(probs)) < probs).astype(int)
    return np.array([rng.choice(len(p), p=p) for p in probs])


@pytest.mark.parametrize("n_classes", [2, 4])
def test_fit_temperature_recovers_the_temperature_that_generated_the_labels(n_classes):
    rng = np.random.default_rng(0)
    true_logits = rng.normal(0, 2, (20_000, 1 if n_classes == 2 else n_classes))
    labels = _labels_drawn_from(true_logits, rng)
    overconfident = true_logits * 2.5  # a model whose logits are 2.5 times too large
    assert fit_temperature(overconfident, labels) == pytest.approx(2.5, rel=0.05)


def test_nll_matches_scikit_learn_log_loss():
    rng = np.random.default_rng(1)
    logits = rng.normal(size=(500, 3))
    labels = rng.integers(0, 3, 500)
    expected = log_loss(labels, probabilities(logits / 1.7), labels=[0, 1, 2])
    assert negative_log_likelihood(logits, labels, 1.7) == pytest.approx(expected, rel=1e-9)
    binary = rng.normal(size=(500, 1))
    y = rng.integers(0, 2, 500)
    assert negative_log_likelihood(binary, y, 0.8) == pytest.approx(
        log_loss(y, probabilities(binary / 0.8)), rel=1e-9
    )


def test_temperature_keeps_the_ranking():
    rng = np.random.default_rng(2)
    logits, labels = rng.normal(size=(300, 1)), rng.integers(0, 2, 300)
    t = fit_temperature(logits, labels)
    assert auroc(labels, probabilities(logits, t)) == pytest.approx(
        auroc(labels, probabilities(logits))
    )


def test_fit_temperature_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="10 logits but 9 labels"):
        fit_temperature(np.zeros((10, 1)), np.zeros(9))
