"""medlib.survival.discrete_time: targets, likelihoods in NumPy and torch, curves."""

import numpy as np
import pytest
import torch

from medlib.survival.discrete_time import (
    discrete_targets,
    interval_edges,
    nll_numpy,
    survival_at,
    survival_curve,
    torch_nll,
)

EDGES = interval_edges(3.0, 3)  # [0, 1, 2, 3]


def test_targets_mark_risk_sets_and_the_event_interval():
    targets = discrete_targets(np.array([1.5, 1.5, 5.0]), np.array([True, False, True]), EDGES)
    np.testing.assert_array_equal(targets[:, :3], [[0, 1, 0], [0, 0, 0], [0, 0, 0]])
    np.testing.assert_array_equal(targets[:, 3:], [[1, 1, 0], [1, 1, 0], [1, 1, 1]])


def test_the_torch_likelihood_matches_the_numpy_reference():
    rng = np.random.default_rng(0)
    logits = rng.standard_normal((20, 3))
    targets = discrete_targets(rng.uniform(0, 4, 20), rng.random(20) < 0.5, EDGES)
    expected = nll_numpy(logits, targets)
    in_torch = float(torch_nll(torch.tensor(logits), torch.tensor(targets, dtype=torch.float64)))
    assert in_torch == pytest.approx(expected, rel=1e-10)


def test_likelihood_of_an_event_is_its_hazard_times_earlier_survival():
    hazards = np.array([[0.1, 0.2, 0.3]])
    targets = discrete_targets(np.array([1.5]), np.array([True]), EDGES)
    logits = np.log(hazards / (1 - hazards))
    assert nll_numpy(logits, targets) == pytest.approx(-np.log(0.9 * 0.2))


def test_survival_curve_and_step_evaluation():
    survival = survival_curve(np.array([[0.1, 0.2, 0.5]]))
    np.testing.assert_allclose(survival, [[0.9, 0.72, 0.36]])
    np.testing.assert_allclose(
        survival_at(np.array([0.5, 1.0, 2.5, 9.0]), EDGES, survival), [[1.0, 0.9, 0.72, 0.36]]
    )
