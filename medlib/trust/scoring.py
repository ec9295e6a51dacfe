"""A model's test AUROC and accuracy under many conditions, with every score kept for the
predictions file (chapter ``robustness``).

The robustness chapter scores two models on clean, attacked and corrupted test images and
a series of privately trained models on the clean ones: dozens of table rows, each an AUROC
and an accuracy at 0.5. Each row's probabilities must also reach the chapter's predictions
file, so that ``tests/test_predictions.py`` can recompute the row with another library.
:class:`PredictionColumns` does both in one call, so that a row cannot report a number its
column does not hold.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from medlib.metrics.multiclass import accuracy, auroc
from medlib.train.torch_loop import predict_logits, probabilities


class PredictionColumns:
    """Test probabilities of every scored condition, one column per condition over the
    ``n_cases`` test cases (NaN for cases a condition did not score)."""

    def __init__(self, n_cases: int) -> None:
        self.n_cases = n_cases
        self.columns: dict[str, np.ndarray] = {}

    def score(
        self,
        model: torch.nn.Module,
        images: torch.Tensor,
        labels: np.ndarray,
        column: str | None = None,
        rows: np.ndarray | None = None,
    ) -> dict[str, float]:
        """AUROC and accuracy at 0.5 of a one-logit ``model`` on ``images``; with ``column``,
        the probabilities are kept under that name, as the test cases ``rows`` (default:
        all of them, in order)."""
        p = probabilities(predict_logits(model, images))
        if column is not None:  # a column scored again (the same clean images) is replaced
            kept = np.full(self.n_cases, np.nan)
            kept[slice(None) if rows is None else rows] = p
            self.columns[column] = kept
        return {"AUROC": auroc(labels, p), "accuracy": accuracy(labels, p)}

    def frame(self, true_label: np.ndarray) -> pd.DataFrame:
        """The test part of the predictions file: ``case_id``, ``split`` "test",
        ``true_label`` and one column per scored condition."""
        return pd.DataFrame({"case_id": np.arange(self.n_cases), "split": "test",
                             "true_label": true_label, **self.columns})
