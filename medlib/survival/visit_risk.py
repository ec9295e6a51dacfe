"""A patient's predicted risk as the visits accumulate, from a recurrent survival model.

The progression chapter shows a trained GRU one test patient's visits one at a time: with
the mask opened on the first k visits only, the model reads exactly what it would have
read had the record stopped at visit k, and its hazards give the probability of death
within the horizon. The visits are stored oldest first and left-aligned
(:mod:`medlib.survival.landmark`), so the first k mask positions are the first k visits.
Chapter: ``progression``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from medlib.survival.discrete_time import survival_at, survival_curve


def risk_after_each_visit(
    model: Callable,
    sequence: np.ndarray,
    mask: np.ndarray,
    edges: np.ndarray,
    horizon: float,
) -> np.ndarray:
    """Predicted probability of death by ``horizon`` (years after the landmark) given the
    first 1, 2, ..., n visits of one person.

    ``model([sequences, mask], training=False)`` returns hazard logits per interval of
    ``edges`` (a Keras model of :func:`medlib.models.recurrent.recurrent_survival_model`);
    ``sequence`` is ``(max_visits, n_features)`` and ``mask`` ``(max_visits,)``, True on
    the person's n real visits.
    """
    sequence, mask = np.asarray(sequence)[None], np.asarray(mask, bool)[None]
    risks = []
    for k in range(1, int(mask.sum()) + 1):
        seen = np.zeros_like(mask)
        seen[0, :k] = True
        logits = np.asarray(model([sequence, seen], training=False))
        survival = survival_curve(1 / (1 + np.exp(-logits)))
        risks.append(1 - survival_at(np.array([horizon]), edges, survival)[0, 0])
    return np.array(risks)
