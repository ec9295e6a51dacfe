"""medlib.metrics.repeated_splits: means and percentile ranges over splits, by hand."""

import numpy as np
import pandas as pd
import pytest

from medlib.chapter.results import INTERVAL_KINDS
from medlib.metrics.repeated_splits import (
    SPLITS_INTERVAL,
    paired_difference,
    summarise_over_splits,
)


@pytest.fixture()
def per_split():
    return pd.DataFrame({
        "repetition": [1, 1, 2, 2, 3, 3],
        "model": ["GRU", "Cox", "GRU", "Cox", "GRU", "Cox"],
        "C": [0.70, 0.80, 0.60, 0.75, 0.90, 0.85],
        "IBS": [0.10, 0.20, np.nan, 0.30, 0.14, 0.40],
    })


def test_mean_and_percentiles_match_numpy(per_split):
    summary = summarise_over_splits(per_split, by="model", metrics=["C", "IBS"])
    assert list(summary.mean.index) == ["GRU", "Cox"]  # order of first appearance
    gru = np.array([0.70, 0.60, 0.90])
    assert summary.mean.loc["GRU", "C"] == pytest.approx(gru.mean())
    assert summary.low.loc["GRU", "C"] == pytest.approx(np.percentile(gru, 2.5))
    assert summary.high.loc["GRU", "C"] == pytest.approx(np.percentile(gru, 97.5))
    # hand: linear interpolation between 0.60 and 0.70 at position 0.05
    assert summary.low.loc["GRU", "C"] == pytest.approx(0.605)
    # a metric missing in one split is summarised over the others
    assert summary.mean.loc["GRU", "IBS"] == pytest.approx(0.12)
    assert summary.low.loc["Cox", "IBS"] <= summary.mean.loc["Cox", "IBS"]


def test_metrics_default_to_every_other_column(per_split):
    summary = summarise_over_splits(per_split.drop(columns="repetition"), by="model")
    assert list(summary.mean.columns) == ["C", "IBS"]


def test_table_and_records_say_what_the_range_is(per_split):
    summary = summarise_over_splits(per_split, by="model", metrics=["C"])
    table = summary.formatted()
    assert table.loc["GRU", "C"] == "0.733 (0.605–0.890)"
    assert "2.5–97.5 percentile over splits" in table.columns.name
    assert "95% CI" not in table.columns.name
    records = list(summary.records())
    assert [(g, m) for g, m, *_ in records] == [("GRU", "C"), ("Cox", "C")]
    assert SPLITS_INTERVAL in INTERVAL_KINDS


def test_paired_difference_is_per_split(per_split):
    diff = paired_difference(per_split, "C", "GRU", "Cox")
    np.testing.assert_allclose(diff.to_numpy(), [-0.10, -0.15, 0.05])
    assert list(diff.index) == [1, 2, 3]


def test_corrected_t_interval_follows_nadeau_and_bengio():
    from scipy import stats

    from medlib.metrics.repeated_splits import CORRECTED_T_INTERVAL, corrected_t_interval

    d = pd.Series([0.01, -0.02, 0.03, 0.00, 0.02])
    mean, low, high = corrected_t_interval(d, test_share=0.5)
    half = stats.t.ppf(0.975, 4) * np.sqrt((1 / 5 + 1.0) * d.var(ddof=1))
    assert (mean, low, high) == pytest.approx((0.008, 0.008 - half, 0.008 + half))
    naive = stats.t.ppf(0.975, 4) * d.std(ddof=1) / np.sqrt(5)
    assert high - mean > 2 * naive  # the correction widens a 50/50 split's interval
    _, low30, high30 = corrected_t_interval(d, test_share=0.3)
    assert high30 - low30 < high - low
    assert CORRECTED_T_INTERVAL in INTERVAL_KINDS
    with pytest.raises(ValueError, match="at least 2 splits"):
        corrected_t_interval([0.1], 0.5)


def test_corrected_t_summary_matches_the_interval_function():
    from medlib.metrics.repeated_splits import (
        CORRECTED_T_LABEL,
        corrected_t_interval,
        summarise_with_corrected_t,
    )

    per_split = pd.DataFrame({"model": ["b", "a"] * 4,
                              "C": [0.70, 0.80, 0.72, 0.78, 0.69, 0.83, 0.71, 0.79],
                              "IBS": [0.2, 0.1, None, 0.12, 0.21, 0.11, 0.22, 0.1]})
    summary = summarise_with_corrected_t(per_split, "model", ["C", "IBS"], 0.3)
    assert list(summary.mean.index) == ["b", "a"]  # first-seen order, as the tables show
    mean, low, high = corrected_t_interval(per_split.loc[per_split.model == "a", "C"], 0.3)
    assert (summary.mean.loc["a", "C"], summary.low.loc["a", "C"],
            summary.high.loc["a", "C"]) == pytest.approx((mean, low, high))
    assert summary.formatted().columns.name == f"mean ({CORRECTED_T_LABEL})"
    assert summary.low.loc["b", "IBS"] == pytest.approx(
        corrected_t_interval([0.2, 0.21, 0.22], 0.3)[1])  # NaN split left out
