"""Which past visits drove a progression prediction: attention weights against gradient
attributions (chapter ``interpretability``).

Attention weights are often read as explanations. They are not guaranteed to be one
(Jain & Wallace, 2019; Wiegreffe & Pinter, 2019): the output also depends on the values
the weights mix, on the residual path around the attention and on the layers after it.
This module puts the two side by side for the corrected self-attention model of chapter
``progression``: the last visit's attention over the visits it may see, and Integrated
Gradients (captum) of the predicted risk of death by a horizon, summed over each visit's
features.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch
from scipy.stats import spearmanr

from medlib.models.attention import VisitSelfAttention
from medlib.survival.landmark import LandmarkSet
from medlib.trust.captum_quiet import IntegratedGradients


def last_visit_attention(model: VisitSelfAttention, data: LandmarkSet) -> np.ndarray:
    """``(n, visits)``: how the last real visit of each person attends to every visit."""
    model.eval()
    with torch.no_grad():
        _, weights = model(
            torch.from_numpy(data.sequences),
            torch.from_numpy(data.mask),
            torch.from_numpy(data.visit_times),
        )
    last = data.mask.sum(axis=1) - 1
    return weights.numpy()[np.arange(len(data)), last]


def visit_integrated_gradients(
    model: VisitSelfAttention, data: LandmarkSet, horizon_intervals: int, n_steps: int = 32
) -> np.ndarray:
    """``(n, visits)``: |Integrated Gradients| of the risk of death within the first
    ``horizon_intervals`` intervals, summed over features, from an all-zero baseline (the
    training median of every standardised feature); zero on padded visits."""
    model.eval()
    mask = torch.from_numpy(data.mask)
    times = torch.from_numpy(data.visit_times)

    def risk(sequences: torch.Tensor, mask: torch.Tensor, times: torch.Tensor) -> torch.Tensor:
        hazards = torch.sigmoid(model(sequences, mask, times)[0][:, :horizon_intervals])
        return 1 - torch.prod(1 - hazards, dim=1)

    sequences = torch.from_numpy(data.sequences)
    attributions = IntegratedGradients(risk).attribute(
        sequences,
        baselines=torch.zeros_like(sequences),
        additional_forward_args=(mask, times),
        n_steps=n_steps,
    )
    per_visit = attributions.abs().sum(dim=2).detach().numpy()
    return np.where(data.mask, per_visit, 0.0)


def agreement(attention: np.ndarray, attribution: np.ndarray, mask: np.ndarray) -> pd.DataFrame:
    """Per person with three or more visits: Spearman correlation of the two rankings of
    their visits, whether both put the same visit first, and the chance of that by luck."""
    rows = []
    for person in np.flatnonzero(mask.sum(axis=1) >= 3):
        seen = mask[person]
        a, g = attention[person, seen], attribution[person, seen]
        rows.append(
            {
                "person": int(person),
                "visits": int(seen.sum()),
                "spearman": float(spearmanr(a, g).statistic)
                if a.std() > 0 and g.std() > 0
                else 0.0,
                "same top visit": bool(np.argmax(a) == np.argmax(g)),
                "chance of same top visit": 1 / seen.sum(),
                "attention on last visit": float(a[-1]),
                "attribution share of last visit": float(g[-1] / g.sum())
                if g.sum() > 0
                else np.nan,
            }
        )
    return pd.DataFrame(rows)


def agreement_summary(table: pd.DataFrame) -> pd.Series:
    """The chapter's summary of :func:`agreement`: how many people were compared, the mean
    rank correlation, how often both put the same visit first (and how often chance would),
    and the mean share of attention and of attribution on the last visit."""
    return pd.Series(
        {
            "test patients with >= 3 visits": len(table),
            "mean Spearman (attention vs gradients)": table["spearman"].mean(),
            "same top visit": table["same top visit"].mean(),
            "same top visit by chance": table["chance of same top visit"].mean(),
            "attention on the last visit": table["attention on last visit"].mean(),
            "gradient share of the last visit": table["attribution share of last visit"].mean(),
        }
    )
