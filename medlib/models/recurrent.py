"""Recurrent progression models (torch): the seed's SimpleRNN design, then GRU and LSTM.

The seed proposes a recurrent layer over a patient's visits followed by a dense layer.
Here that layer reads the visit sequence built by :mod:`medlib.survival.landmark` and the
dense layer outputs one hazard logit per interval of the discrete-time survival model
(:mod:`medlib.survival.discrete_time`). Visits are stored oldest first and left-aligned, so
the state after the last real visit is read at position ``length - 1``: padding comes after
it and never reaches it. The models are torch, like the chapter's attention model, so both
share one batched training loop (an earlier Keras version cost three times as long per
split, most of it per-batch dispatch). Chapter: ``progression``.
"""

from __future__ import annotations

import torch
from torch import nn

RECURRENT_LAYERS = {"SimpleRNN": nn.RNN, "GRU": nn.GRU, "LSTM": nn.LSTM}


class VisitRecurrent(nn.Module):
    """A recurrent layer over visits, dropout, then hazard logits from the state after the
    last real visit. ``forward(sequences, mask)`` returns logits ``(n, n_intervals)``."""

    def __init__(
        self,
        kind: str,
        n_features: int,
        n_intervals: int,
        units: int = 32,
        dropout: float = 0.1,
    ) -> None:
        super().__init__()
        if kind not in RECURRENT_LAYERS:
            raise ValueError(
                f"unknown recurrent layer {kind!r}; choose from {', '.join(RECURRENT_LAYERS)}"
            )
        self.kind = kind
        self.recurrent = RECURRENT_LAYERS[kind](n_features, units, batch_first=True)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(units, n_intervals)

    def forward(self, sequences: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        states, _ = self.recurrent(sequences)
        last = mask.sum(dim=1).clamp(min=1) - 1
        summary = states[torch.arange(states.shape[0], device=states.device), last]
        return self.head(self.dropout(summary))
