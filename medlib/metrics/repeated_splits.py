"""Summaries over repeated train/test splits: the mean with a percentile range or a
corrected interval.

The chapters fit every model on each of several patient-level splits and report, per
model and metric, the mean over splits and either the 2.5th and 97.5th percentiles of the
per-split values (:func:`summarise_over_splits`, for many splits: how much a number moves
with the split, labelled ``"splits_2.5_97.5"``, :data:`SPLITS_INTERVAL`) or the corrected
resampled t interval of the mean (:func:`summarise_with_corrected_t`). With a handful of
splits the percentiles are little more than the smallest and largest value, so a chapter
with few splits reports the corrected interval. Chapters: ``progression_pbc``,
``progression_nafld``, ``progression_benchmarks``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd

#: How a results file names the interval of a :class:`SplitSummary`.
SPLITS_INTERVAL = "splits_2.5_97.5"
#: How a table labels it.
SPLITS_INTERVAL_LABEL = "2.5–97.5 percentile over splits"


@dataclass(frozen=True)
class SplitSummary:
    """Per group (rows, e.g. models) and metric (columns): the mean over splits and the
    2.5th (``low``) and 97.5th (``high``) percentiles of the per-split values."""

    mean: pd.DataFrame
    low: pd.DataFrame
    high: pd.DataFrame
    label: str = "2.5–97.5 percentile over splits"

    def formatted(self, decimals: int = 3) -> pd.DataFrame:
        """Text cells "mean (low–high)", one column per metric, labelled with the range."""
        d = decimals
        table = pd.DataFrame(
            {
                metric: [
                    f"{self.mean.loc[g, metric]:.{d}f} ({self.low.loc[g, metric]:.{d}f}"
                    f"–{self.high.loc[g, metric]:.{d}f})"
                    for g in self.mean.index
                ]
                for metric in self.mean.columns
            },
            index=self.mean.index,
        )
        table.columns.name = f"mean ({self.label})"
        return table

    def records(self) -> Iterator[tuple[str, str, float, float, float]]:
        """``(group, metric, mean, low, high)`` for every group, then every metric."""
        for group in self.mean.index:
            for metric in self.mean.columns:
                yield (group, metric, self.mean.loc[group, metric],
                       self.low.loc[group, metric], self.high.loc[group, metric])


def summarise_over_splits(
    per_split: pd.DataFrame, by: str, metrics: list[str] | None = None
) -> SplitSummary:
    """Summarise one row per split and group (column ``by``) over the splits.

    ``metrics`` defaults to every column but ``by``. Groups keep the order of their first
    row. A metric missing (NaN) in some splits is summarised over the others; percentiles
    interpolate linearly between order statistics (pandas' default), so with few splits
    they lie inside the observed range.
    """
    metrics = [c for c in per_split.columns if c != by] if metrics is None else list(metrics)
    stats = per_split.groupby(by, sort=False)[metrics].agg(
        ["mean", lambda v: v.quantile(0.025), lambda v: v.quantile(0.975)]
    )
    frames = [stats.iloc[:, i::3].set_axis(metrics, axis=1) for i in range(3)]
    return SplitSummary(*frames)


#: How a table labels the interval of :func:`summarise_with_corrected_t`.
CORRECTED_T_LABEL = "corrected 95% CI of the mean"


def summarise_with_corrected_t(
    per_split: pd.DataFrame, by: str, metrics: list[str], test_share: float,
) -> SplitSummary:
    """Like :func:`summarise_over_splits`, with the corrected resampled t interval of each
    mean (:func:`corrected_t_interval`) in place of the percentiles; results files label
    it ``"corrected_t_95"`` (:data:`CORRECTED_T_INTERVAL`)."""
    groups = per_split.groupby(by, sort=False)
    frames = {part: pd.DataFrame(index=list(groups.groups), columns=metrics, dtype=float)
              for part in ("mean", "low", "high")}
    for group, rows in groups:
        for metric in metrics:
            values = rows[metric].dropna()
            if len(values) < 2:
                mean, low, high = (values.mean() if len(values) else float("nan"),
                                   float("nan"), float("nan"))
            else:
                mean, low, high = corrected_t_interval(values, test_share)
            for part, value in zip(("mean", "low", "high"), (mean, low, high), strict=True):
                frames[part].loc[group, metric] = value
    order = list(dict.fromkeys(per_split[by]))
    return SplitSummary(*(frames[p].loc[order] for p in ("mean", "low", "high")),
                        label=CORRECTED_T_LABEL)


def paired_difference(
    per_split: pd.DataFrame, metric: str, first: str, second: str,
    by: str = "model", split: str = "repetition",
) -> pd.Series:
    """Per split, ``metric`` of group ``first`` minus that of group ``second``: the paired
    comparison of two models scored on the same test people."""
    wide = per_split.pivot(index=split, columns=by, values=metric)
    return wide[first] - wide[second]


#: How a results file names the interval of :func:`corrected_t_interval`.
CORRECTED_T_INTERVAL = "corrected_t_95"


def corrected_t_interval(values: pd.Series | list[float], test_share: float,
                         level: float = 0.95) -> tuple[float, float, float]:
    """Mean over random splits of a per-split value (a model's score, or the difference
    between two models scored on the same test people) with the corrected resampled t
    interval of Nadeau and Bengio (2003): ``(mean, low, high)``.

    Random splits of one data set share most of their training people, so per-split
    results are correlated and the plain t interval over splits is far too narrow; the
    correction inflates the variance of the mean from ``s^2 / k`` to
    ``(1 / k + n_test / n_train) s^2``. With 50/50 splits the second term is 1: more splits
    shrink the interval only towards a floor set by the data set's size."""
    from scipy import stats

    values = pd.Series(values, dtype=float).dropna()
    k = len(values)
    if k < 2:
        raise ValueError(f"a corrected t interval needs at least 2 splits, got {k}")
    if not 0.0 < test_share < 1.0:
        raise ValueError(f"test_share must lie between 0 and 1, got {test_share}")
    mean = float(values.mean())
    variance = (1.0 / k + test_share / (1.0 - test_share)) * float(values.var(ddof=1))
    half = float(stats.t.ppf(0.5 + level / 2, k - 1)) * variance ** 0.5
    return mean, mean - half, mean + half
