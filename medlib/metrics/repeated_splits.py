"""Summaries over repeated train/test splits: the mean and the 2.5th-97.5th percentiles.

The progression chapter fits every model on each of many patient-level splits and reports,
per model and metric, the mean over splits and the 2.5th and 97.5th percentiles of the
per-split values. That range shows how much a number moves with the split; it is not a 95%
confidence interval of the mean, so results files label it ``"splits_2.5_97.5"``
(:data:`SPLITS_INTERVAL`) and tables "2.5–97.5 percentile over splits". Chapter:
``progression``.
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
        table.columns.name = f"mean ({SPLITS_INTERVAL_LABEL})"
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
