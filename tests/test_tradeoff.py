"""Variants against their baseline: size factor, AUROC change, the target and the headline."""

from __future__ import annotations

import pandas as pd
import pytest

from medlib.efficiency.tradeoff import against_baseline, headline_variant, meeting_target


def _table() -> pd.DataFrame:
    """Sizes and AUROCs chosen so that every factor and difference is exact in binary."""
    return pd.DataFrame(
        {"size (kB)": [300.0, 80.0, 75.0, 20.0, 150.0],
         "test AUROC": [0.75, 0.75, 0.75 - 2**-8, 0.6875, 0.8125]},
        index=pd.Index(["float", "int8", "student", "tiny", "pruned"], name="variant"),
    )


def test_against_baseline_adds_size_factor_and_auroc_change():
    table = against_baseline(_table(), "float")
    assert table["smaller by"].tolist() == pytest.approx([1.0, 3.75, 4.0, 15.0, 2.0])
    assert table["Δ AUROC"].tolist() == pytest.approx([0.0, 0.0, -(2**-8), -0.0625, 0.0625])
    assert "smaller by" not in _table()  # the input is left alone


def test_meeting_target_needs_both_conditions_and_includes_the_bounds():
    table = against_baseline(_table(), "float")
    # int8 is under 4x; student exactly 4x, 1/256 lower; tiny 15x but 0.0625 lower
    assert list(meeting_target(table).index) == ["student"]
    assert list(meeting_target(table, max_auroc_drop=2**-8).index) == ["student"]
    assert list(meeting_target(table, max_auroc_drop=0.001).index) == []
    assert list(meeting_target(table, 3.75, 0.0).index) == ["int8"]
    assert list(meeting_target(table, 2.0, 0.0625).index) == ["int8", "student", "tiny", "pruned"]


def test_headline_is_the_smallest_that_meets_the_target_else_the_fallback():
    table = against_baseline(_table(), "float")
    assert headline_variant(meeting_target(table, 2.0, 0.0625), "int8") == "tiny"
    assert headline_variant(meeting_target(table, max_auroc_drop=0.001), "int8") == "int8"
