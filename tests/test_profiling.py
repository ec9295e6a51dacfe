"""Operator profiles: shares of self time, ranked, from torch's profiler."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import torch

from medlib.efficiency.profiling import operator_shares, top_operators
from medlib.models.cnn_torch import ImprovedCNN


def _event(key: str, count: int, self_time: float) -> SimpleNamespace:
    return SimpleNamespace(key=key, count=count, self_cpu_time_total=self_time)


def test_operator_shares_rank_by_self_time_and_divide_by_the_total_of_all_events():
    events = [_event("add", 3, 10.0), _event("conv", 5, 60.0), _event("relu", 4, 30.0)]
    table = operator_shares(events, n=2)
    assert list(table["operator"]) == ["conv", "relu"]
    assert list(table["calls"]) == [5, 4]
    assert table["share of time"].tolist() == pytest.approx([0.6, 0.3])


def test_top_operators_of_a_cnn_include_its_convolutions():
    torch.manual_seed(0)
    model = ImprovedCNN(1, 1, widths=(4, 8, 8)).eval()
    table = top_operators(model, torch.rand(8, 1, 28, 28), n=50)
    assert list(table.columns) == ["operator", "calls", "share of time"]
    assert table["share of time"].is_monotonic_decreasing
    assert table["share of time"].sum() == pytest.approx(1.0)  # n covers every operator
    assert table["operator"].str.contains("conv").any()
    assert len(top_operators(model, torch.rand(2, 1, 28, 28), n=3)) == 3
