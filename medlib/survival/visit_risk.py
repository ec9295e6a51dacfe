"""A patient's predicted risk as the visits accumulate, from a recurrent survival model.

The progression chapter shows trained recurrent models one test patient's visits one at a time: with
the mask opened on the first k visits only, the model reads exactly what it would have
read had the record stopped at visit k, and its hazards give the probability of death
within the horizon. The visits are stored oldest first and left-aligned
(:mod:`medlib.survival.landmark`), so the first k mask positions are the first k visits.
Chapter: ``progression``.
"""

from __future__ import annotations

import numpy as np
import torch

from medlib.survival.discrete_time import survival_at, survival_curve


def risk_after_each_visit(
    model: torch.nn.Module,
    sequence: np.ndarray,
    mask: np.ndarray,
    edges: np.ndarray,
    horizon: float,
) -> np.ndarray:
    """Predicted probability of death by ``horizon`` (years after the landmark) given the
    first 1, 2, ..., n visits of one person.

    ``model(sequences, mask)`` returns hazard logits per interval of ``edges`` (a
    :class:`medlib.models.recurrent.VisitRecurrent` in evaluation mode);
    ``sequence`` is ``(max_visits, n_features)`` and ``mask`` ``(max_visits,)``, True on
    the person's n real visits.
    """
    sequence = torch.as_tensor(np.asarray(sequence, np.float32))[None]
    mask = np.asarray(mask, bool)
    risks = []
    for k in range(1, int(mask.sum()) + 1):
        seen = torch.zeros((1, len(mask)), dtype=torch.bool)
        seen[0, :k] = True
        with torch.no_grad():
            logits = model(sequence, seen).numpy()
        survival = survival_curve(1 / (1 + np.exp(-logits)))
        risks.append(1 - survival_at(np.array([horizon]), edges, survival)[0, 0])
    return np.array(risks)
