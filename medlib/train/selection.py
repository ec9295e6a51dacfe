"""The one rule every training loop keeps its model by: the best epoch on validation data.

Each loop scores the validation split after every epoch and hands the score to
:class:`BestEpoch`, which remembers the best epoch (its score, index and a snapshot of the
weights) and, with ``patience``, says when to stop early. The test split is never seen.

- ``cnn_diagnosis``, ``optimizers`` (:mod:`.keras_loop`) and ``cnn_beyond`` and the chapters
  that reuse its loop (:mod:`.torch_loop`): the highest validation AUROC, strictly greater
  than the best so far (the MedMNIST v2 protocol, Yang et al. 2023), so that a tie keeps the
  earlier epoch; no early stopping.
- ``progression`` (:mod:`medlib.survival.progression`): the lowest validation negative
  log-likelihood, an improvement counting only when it exceeds ``min_delta`` = 1e-4, and
  training stops after ``patience`` epochs without one.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any


class BestEpoch:
    """Keeps the epoch with the best validation score and says when to stop early.

    A score improves on the best so far when it is greater than ``best + min_delta``
    (``higher_is_better``) or less than ``best - min_delta``; a tie, or a NaN score, is no
    improvement. With ``patience``, :attr:`should_stop` turns true once that many epochs in a
    row have not improved; without it, never.
    """

    def __init__(
        self, higher_is_better: bool, min_delta: float = 0.0, patience: int | None = None
    ) -> None:
        if min_delta < 0:
            raise ValueError(f"min_delta must be non-negative, got {min_delta}")
        if patience is not None and patience < 1:
            raise ValueError(f"patience must be a positive integer or None, got {patience}")
        self.higher_is_better, self.min_delta, self.patience = higher_is_better, min_delta, patience
        #: best score so far (-inf or +inf before the first improvement)
        self.best: float = -math.inf if higher_is_better else math.inf
        #: 0-based index of the best epoch (-1 before the first improvement)
        self.best_epoch: int = -1
        #: what ``snapshot()`` returned at the best epoch
        self.best_state: Any = None
        #: epochs since the last improvement
        self.waited: int = 0
        self.epochs_seen: int = 0

    def improves(self, score: float) -> bool:
        """Whether ``score`` beats the best so far by more than ``min_delta``."""
        if self.higher_is_better:
            return score > self.best + self.min_delta
        return score < self.best - self.min_delta

    def update(self, score: float, snapshot: Callable[[], Any], force: bool = False) -> bool:
        """Record the next epoch's ``score``; if it improves (or ``force``: keep this epoch
        whatever its score, e.g. the last epoch of a run whose final model is wanted), keep
        ``snapshot()`` as the best state. Returns whether this epoch is now the kept one."""
        epoch = self.epochs_seen
        self.epochs_seen += 1
        if force or self.improves(score):
            self.best, self.best_epoch, self.best_state = score, epoch, snapshot()
            self.waited = 0
            return True
        self.waited += 1
        return False

    @property
    def should_stop(self) -> bool:
        """True once ``patience`` epochs in a row have not improved (never without patience)."""
        return self.patience is not None and self.waited >= self.patience
