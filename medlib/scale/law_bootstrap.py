"""How well the seeds pin down a scaling law, and what it predicts one size further
(chapter ``large_models``).

A saturating power law fitted to a handful of sizes is a point estimate of three numbers,
the exponent, the floor and the size where the law stops (its crossover), and the seeds
of each size scatter around it. :func:`bootstrap_law` redraws the seeds of every size with
replacement, refits the law to each redraw and reports percentile intervals: the
variation a new set of seeds would bring, which is what "the law stops near 1,700
weights" has to survive. It is an interval over seeds (training runs), not over test
cases, and is named so wherever it is shown.

:func:`next_size_check` turns the law into a prediction that can fail: the error it
expects at a size that was not trained, with the interval of the refits, against a run
at that size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from medlib.scale.power_law import SaturatingPowerLaw, fit_saturating_power_law

#: The interval over seeds is a percentile interval of the refits, named by what it
#: resamples (never "95% CI", which the book keeps for a bootstrap over test cases).
SEED_BOOTSTRAP = "seed_bootstrap_95"


@dataclass(frozen=True)
class LawInterval:
    """A law parameter's value on every seed, and the 2.5th and 97.5th percentiles of its
    refits; ``share_finite`` is the share of refits in which it is finite (a crossover is
    infinite when a refit finds no floor)."""

    value: float
    low: float
    high: float
    share_finite: float


def _redraw(errors: pd.DataFrame, size_column: str, rng: np.random.Generator) -> pd.DataFrame:
    """The rows of every size drawn again with replacement, as many as it has."""
    parts = [part.iloc[rng.integers(0, len(part), len(part))]
             for _, part in errors.groupby(size_column, sort=True)]
    return pd.concat(parts, ignore_index=True)


def _law(errors: pd.DataFrame, size_column: str) -> SaturatingPowerLaw:
    return fit_saturating_power_law(errors[size_column], errors["error"])


def _parameters(errors: pd.DataFrame, size_column: str) -> dict[str, float]:
    law = _law(errors, size_column)
    return {"exponent b": law.exponent, "floor c": law.floor, "crossover": law.crossover,
            "coefficient a": law.coefficient}


def bootstrap_law(errors: pd.DataFrame, size_column: str, n_resamples: int = 1000,
                  seed: int = 0) -> dict[str, LawInterval]:
    """The law's exponent, floor and crossover fitted to ``errors`` (one row per size and
    seed: ``size_column`` and ``error``), each with the percentile interval of
    ``n_resamples`` refits to the seeds redrawn within every size.

    Raises ValueError when a size has a single seed: redrawing one seed gives it back, so
    the interval would claim a certainty the runs do not have."""
    counts = errors.groupby(size_column).size()
    if (counts < 2).any():
        raise ValueError(f"every size needs two or more seeds to redraw; these have one: "
                         f"{', '.join(f'{s:,}' for s in counts[counts < 2].index)}")
    rng = np.random.default_rng(seed)
    fitted = _parameters(errors, size_column)
    refits = pd.DataFrame([_parameters(_redraw(errors, size_column, rng), size_column)
                           for _ in range(n_resamples)])
    out = {}
    for name in ("exponent b", "floor c", "crossover"):
        values = refits[name].to_numpy(float)
        finite = np.isfinite(values)
        # an infinite crossover sorts last: the upper end is then infinite, as it should be
        low, high = np.percentile(np.where(finite, values, np.inf), [2.5, 97.5],
                                  method="inverted_cdf")
        out[name] = LawInterval(float(fitted[name]), float(low), float(high),
                                float(finite.mean()))
    return out


def law_interval_table(intervals: dict[str, dict[str, LawInterval]]) -> pd.DataFrame:
    """One row per family and parameter: value, low, high and share of finite refits."""
    return pd.DataFrame([
        {"family": family, "parameter": name, "value": i.value, "low": i.low, "high": i.high,
         "share finite": i.share_finite}
        for family, by_name in intervals.items() for name, i in by_name.items()])


@dataclass(frozen=True)
class NextSizeCheck:
    """The law's error at an untrained size (fitted on every seed, and the percentile
    interval of its refits), against the error of one run there; ``outcome`` says where the
    run fell: "inside", "better than" or "worse than" the interval."""

    size: float
    predicted: float
    low: float
    high: float
    measured: float
    outcome: str


def next_size_check(errors: pd.DataFrame, size_column: str, size: float, measured: float,
                    n_resamples: int = 1000, seed: int = 0) -> NextSizeCheck:
    """What the law fitted to ``errors`` predicts at ``size`` (with the interval over
    seeds redrawn, as :func:`bootstrap_law`), and where ``measured``, one run's error at
    that size, falls against it. An interval over seeds of the law's mean does not hold
    a single run's own seed noise, so a run just outside it is weak evidence against the
    law; the chapter says so beside the outcome."""
    if size <= errors[size_column].max():
        raise ValueError(f"the next size ({size:,.0f}) must be larger than every fitted size "
                         f"(largest {errors[size_column].max():,.0f}): a check inside the "
                         "ladder tests interpolation, not the law's prediction")
    rng = np.random.default_rng(seed)
    law = _law(errors, size_column)
    refits = [_law(_redraw(errors, size_column, rng), size_column).predict([size])[0]
              for _ in range(n_resamples)]
    low, high = np.percentile(refits, [2.5, 97.5])
    outcome = ("better than" if measured < low else "worse than" if measured > high
               else "inside")
    return NextSizeCheck(float(size), float(law.predict([size])[0]), float(low), float(high),
                         float(measured), outcome)
