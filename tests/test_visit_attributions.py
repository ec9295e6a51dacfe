"""Attention and gradient attributions over visits: shapes, masking and agreement."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from medlib.models.attention import VisitSelfAttention
from medlib.survival.landmark import LandmarkSet
from medlib.trust.visit_attributions import (
    agreement,
    agreement_summary,
    last_visit_attention,
    visit_integrated_gradients,
)


def _data(n=5, k=6, f=4, seed=0) -> LandmarkSet:
    rng = np.random.default_rng(seed)
    lengths = np.array([1, 3, 6, 4, 2])[:n]
    mask = np.arange(k)[None, :] < lengths[:, None]
    sequences = np.where(mask[..., None], rng.normal(size=(n, k, f)), 0).astype(np.float32)
    times = np.where(mask, -np.arange(k)[None, ::-1] * 0.5, 0).astype(np.float32)
    return LandmarkSet(
        ids=np.arange(n),
        sequences=sequences,
        mask=mask,
        visit_times=times,
        baseline=np.zeros((n, 2)),
        at_landmark=np.zeros((n, 2)),
        time=np.ones(n),
        event=np.zeros(n, bool),
        feature_names=tuple("abcd"),
        covariate_names=("x", "y"),
    )


def _model() -> VisitSelfAttention:
    torch.manual_seed(0)
    return VisitSelfAttention(4, 10, d_model=8, n_heads=2).eval()


def test_last_visit_attention_is_a_distribution_over_seen_visits():
    data = _data()
    weights = last_visit_attention(_model(), data)
    assert weights.shape == (5, 6)
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, atol=1e-5)
    assert np.all(weights[~data.mask] == 0)


def test_visit_attributions_are_zero_on_padding_and_complete():
    data = _data()
    model = _model()
    per_visit = visit_integrated_gradients(model, data, horizon_intervals=5, n_steps=64)
    assert per_visit.shape == (5, 6) and np.all(per_visit[~data.mask] == 0)
    assert np.all(per_visit >= 0) and per_visit[data.mask].sum() > 0


def test_agreement_keeps_people_with_three_or_more_visits():
    data = _data()
    attention = np.where(data.mask, 1.0, 0.0) * np.arange(1, 7)
    table = agreement(attention, attention.copy(), data.mask)
    assert sorted(table["person"]) == [1, 2, 3]
    assert table["spearman"].tolist() == pytest.approx([1.0, 1.0, 1.0])
    assert table["same top visit"].all()
    assert table["chance of same top visit"].tolist() == pytest.approx([1 / 3, 1 / 6, 1 / 4])


def test_agreement_summary_averages_the_per_person_table():
    table = pd.DataFrame({
        "person": [1, 2],
        "visits": [3, 4],
        "spearman": [1.0, 0.0],
        "same top visit": [True, False],
        "chance of same top visit": [1 / 3, 1 / 4],
        "attention on last visit": [0.5, 0.3],
        "attribution share of last visit": [0.2, np.nan],
    })
    summary = agreement_summary(table)
    assert summary.to_dict() == pytest.approx({
        "test patients with >= 3 visits": 2,
        "mean Spearman (attention vs gradients)": 0.5,
        "same top visit": 0.5,
        "same top visit by chance": 7 / 24,
        "attention on the last visit": 0.4,
        "gradient share of the last visit": 0.2,  # a person with no attribution is left out
    })
