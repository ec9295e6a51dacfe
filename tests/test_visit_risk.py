"""medlib.survival.visit_risk: risk after each visit reads only the visits up to it."""

import numpy as np
import pytest
import torch

from medlib.models.recurrent import VisitRecurrent
from medlib.survival.discrete_time import interval_edges
from medlib.survival.visit_risk import risk_after_each_visit


@pytest.fixture(scope="module")
def gru():
    torch.manual_seed(0)
    return VisitRecurrent("GRU", n_features=3, n_intervals=10, units=4).eval()


def logits_of(model, sequence, mask):
    with torch.no_grad():
        return model(torch.as_tensor(sequence), torch.as_tensor(mask)).numpy()


def test_each_risk_ignores_the_later_visits(gru):
    rng = np.random.default_rng(0)
    edges = interval_edges(10.0, 10)
    sequence = rng.standard_normal((6, 3)).astype(np.float32)
    mask = np.array([True, True, True, True, False, False])
    sequence[4:] = 0.0
    risks = risk_after_each_visit(gru, sequence, mask, edges, horizon=5.0)
    assert risks.shape == (4,) and np.all((risks > 0) & (risks < 1))
    # the risk after visit 2 is the full model's risk for a record that ends at visit 2
    truncated = sequence.copy()
    truncated[2:] = rng.standard_normal((4, 3))
    logits = logits_of(gru, truncated[None], mask[None] & (np.arange(6) < 2))
    hazards = 1 / (1 + np.exp(-logits[0]))
    assert risks[1] == pytest.approx(1 - np.prod(1 - hazards[:5]), rel=1e-6)
    # and the last one is the prediction from every visit
    logits = logits_of(gru, sequence[None], mask[None])
    assert risks[-1] == pytest.approx(1 - np.prod(1 - 1 / (1 + np.exp(-logits[0, :5]))), rel=1e-6)
