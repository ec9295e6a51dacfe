"""Self-attention over a patient's visits (torch): the seed's design, corrected.

The seed's ``Attention`` class does not run: it subclasses an undefined ``Layer``, uses an
undefined ``Dropout``, treats the ``(output, weights)`` tuple that
``torch.nn.MultiheadAttention`` returns as a tensor, and multiplies the *inputs* by
``d_model ** -0.5``, where scaled dot-product attention scales the *scores* q.k / sqrt(d)
(Vaswani et al., 2017). It also has no masks. This version keeps the seed's shape
(projection, attention, projection, dropout) and fixes each point: scores are scaled inside
the attention, padded visits are masked out as keys, a causal mask stops a visit from
attending to later ones, and the attention weights are returned for inspection. The
time-aware variant adds a sinusoidal encoding of each visit's actual time (visits are
irregular, so positions 1, 2, 3 would misstate them). Chapter: ``progression``.
"""

from __future__ import annotations

import math

import torch
from torch import nn


def time_encoding(times: torch.Tensor, d_model: int, max_period: float = 20.0) -> torch.Tensor:
    """Sinusoidal encoding of continuous visit times in years, ``(n, k) -> (n, k, d_model)``,
    with periods from about a month to ``max_period`` years."""
    half = d_model // 2
    periods = torch.logspace(math.log10(1 / 12), math.log10(max_period), half,
                             device=times.device, dtype=times.dtype)
    angles = 2 * math.pi * times[..., None] / periods
    return torch.cat([torch.sin(angles), torch.cos(angles)], dim=-1)


class VisitSelfAttention(nn.Module):
    """Masked, causal multi-head self-attention over visits, then hazard logits read at the
    last real visit. ``forward`` returns ``(logits, attention weights)``."""

    def __init__(
        self,
        n_features: int,
        n_intervals: int,
        d_model: int = 32,
        n_heads: int = 4,
        dropout: float = 0.1,
        time_aware: bool = False,
    ) -> None:
        super().__init__()
        self.time_aware, self.d_model = time_aware, d_model
        self.embed = nn.Linear(n_features, d_model)
        self.attention = nn.MultiheadAttention(d_model, n_heads, dropout=dropout, batch_first=True)
        self.norm = nn.LayerNorm(d_model)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(d_model, n_intervals)

    def forward(
        self, sequences: torch.Tensor, mask: torch.Tensor, visit_times: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.embed(sequences)
        if self.time_aware:
            h = h + time_encoding(visit_times, self.d_model)
        k = sequences.shape[1]
        causal = torch.triu(torch.ones(k, k, dtype=torch.bool, device=h.device), diagonal=1)
        attended, weights = self.attention(
            h,
            h,
            h,
            key_padding_mask=~mask,
            attn_mask=causal,
            need_weights=True,
            average_attn_weights=True,
        )
        h = self.norm(h + self.dropout(attended))
        last = mask.sum(dim=1).clamp(min=1) - 1
        summary = h[torch.arange(h.shape[0], device=h.device), last]
        return self.head(self.dropout(summary)), weights
