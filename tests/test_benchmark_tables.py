"""The benchmark chapter's tables, on hand-made per-split results."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from medlib.survival.benchmark_tables import (
    beside_published,
    gap_to_published,
    paired_table,
    settings_won,
    summary_over_splits,
)


@pytest.fixture
def per_split():
    return pd.DataFrame({
        "split": [0, 0, 1, 1, 2, 2],
        "model": ["a", "b"] * 3,
        "time-dependent C": [0.80, 0.78, 0.90, 0.85, 0.85, 0.86],
        "IPA": [0.30, 0.20, 0.40, 0.30, 0.35, 0.25],
        "hidden": [np.nan, 32, np.nan, 32, np.nan, 128],
        "dropout": [np.nan, 0.1, np.nan, 0.1, np.nan, 0.4],
        "learning_rate": [np.nan, 0.01, np.nan, 0.01, np.nan, 0.003],
        "epochs": [np.nan, 10, np.nan, 20, np.nan, 7],
    })


def test_summary_reports_mean_sd_and_the_corrected_interval(per_split):
    summary = summary_over_splits(per_split).set_index("model")
    c = np.array([0.80, 0.90, 0.85])
    half = stats.t.ppf(0.975, 2) * np.sqrt((1 / 3 + 1) * c.var(ddof=1))
    assert summary.loc["a", "time-dependent C"] == pytest.approx(0.85)
    assert summary.loc["a", "time-dependent C SD"] == pytest.approx(c.std(ddof=1))
    assert summary.loc["a", "time-dependent C low"] == pytest.approx(0.85 - half)
    assert list(summary.index) == ["a", "b"] and (summary["splits"] == 3).all()


def test_beside_published_sorts_every_row_by_c(per_split):
    published = pd.DataFrame({"learner": ["p"], "IPA": [None], "IPA SD": [None],
                              "time-dependent C": [0.83], "C SD": [0.01]})
    table = beside_published(summary_over_splits(per_split), published, "ours", "theirs")
    assert list(table["learner"]) == ["a", "p", "b"]
    assert list(table["source"]) == ["ours", "theirs", "ours"]


def test_paired_table_compares_split_by_split(per_split):
    table = paired_table(per_split, [("a", "b")]).set_index("score")
    assert table.loc["time-dependent C", "mean difference"] == pytest.approx(0.02)
    assert table.loc["time-dependent C", "splits first ahead"] == 2
    assert table.loc["IPA", "splits first ahead"] == 3


def test_gap_to_published_shifts_our_interval(per_split):
    summary = summary_over_splits(per_split)
    gap = gap_to_published(summary, "a", 0.90)
    row = summary.set_index("model").loc["a"]
    assert gap["gap"] == pytest.approx(-0.05)
    assert gap["low"] == pytest.approx(row["time-dependent C low"] - 0.90)


def test_settings_won_counts_winners(per_split):
    table = settings_won(per_split, "b")
    assert table.iloc[0][["hidden", "splits", "median_epochs"]].tolist() == [32, 2, 15]
    assert table["splits"].sum() == 3
