"""Levers that push the improved CNN toward the best published numbers (chapter ``cnn_frontier``).

Four levers cost only compute: training for longer, widening every stage of the network,
averaging networks trained from different seeds, and averaging each network's predictions
over shifted and tilted views (test-time augmentation). The chapter measures each one on
the test images, paired, after every choice has been made without them.

The choice that needs care is the training length. Every candidate's validation AUROC sits
near 1, so AUROC cannot rank them there; the validation log loss of the calibrated
probabilities still can, because it also scores how sure the network is of each case. So
:func:`choose_length` ranks the candidate lengths by mean validation log loss over their
seeds, and the ensembles of :func:`paired_ensembles` are built at the chosen length.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from sklearn.metrics import log_loss, roc_auc_score

from medlib.metrics.ensembles import Runs, seed_ensembles
from medlib.models.cnn_torch import ImprovedCNN


def mean_validation_scores(runs: Runs, y_val: np.ndarray) -> dict[str, float]:
    """Mean over the runs of the validation log loss and AUROC of their probabilities."""
    if not runs:
        raise ValueError("no runs given: pass one {'val': ..., 'test': ...} per seed")
    losses = [log_loss(y_val, np.clip(r["val"], 1e-7, 1 - 1e-7), labels=[0, 1]) for r in runs]
    aurocs = [roc_auc_score(y_val, r["val"]) for r in runs]
    return {"val log loss": float(np.mean(losses)), "val AUROC": float(np.mean(aurocs))}


def choose_length(candidates: Mapping[int, Runs], y_val: np.ndarray) -> pd.DataFrame:
    """One row per candidate training length (epochs -> its runs' probabilities): runs,
    mean validation log loss and AUROC, and ``chosen`` for the lowest log loss (a tie goes
    to the shorter schedule, the cheaper one). Only validation labels are read."""
    if len(candidates) < 2:
        raise ValueError(f"choosing a length needs two candidates or more, got {list(candidates)}")
    rows = [{"epochs": int(epochs), "runs": len(runs), **mean_validation_scores(runs, y_val)}
            for epochs, runs in candidates.items()]
    table = pd.DataFrame(rows).sort_values(["val log loss", "epochs"], ignore_index=True)
    table["chosen"] = table.index == 0
    return table


def paired_ensembles(first: Runs, second: Runs) -> list[dict[str, np.ndarray]]:
    """Ensembles of two networks: the k-th averages the k-th run of ``first`` with the k-th
    of ``second``, so that no run serves in two ensembles and the ensembles' mean is a mean
    over independently trained ensembles."""
    if len(first) != len(second):
        raise ValueError(f"pair runs one to one: {len(first)} against {len(second)}")
    return seed_ensembles({"first": first, "second": second})


def split_scores(runs: Sequence[Mapping[str, np.ndarray]], split: str = "test"
                 ) -> list[np.ndarray]:
    """Each run's probabilities on ``split``, in order."""
    return [np.asarray(r[split]) for r in runs]


def widened(factor: int) -> tuple[int, ...]:
    """The improved CNN's stage widths (its defaults, read from its signature so that the
    standard network stays the one every other chapter trains) multiplied by ``factor``."""
    if factor < 1:
        raise ValueError(f"a width factor must be a whole number of at least 1, got {factor}")
    standard = inspect.signature(ImprovedCNN).parameters["widths"].default
    return tuple(factor * width for width in standard)
