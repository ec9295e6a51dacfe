"""The aorsf benchmark's protocol, for the book's models (Jaeger et al. 2024).

``R/bench_pred_real.R`` of ``bcjaeger/aorsf-bench`` runs each learner on 25 Monte-Carlo
splits: half the rows, drawn at random, are the test set; on the training half a recipe
imputes missing numeric predictors with their mean and categorical ones with their mode,
drops near-zero-variance predictors and rescales numeric ones to [0, 1]; the recipe is
applied unchanged to the test half, and every learner is scored there
(:mod:`medlib.metrics.benchmark_scores`). :func:`run_benchmark` does the same, with the
same seeds for every model, so that models are compared split by split.
Chapter: ``progression_benchmarks``.
"""

from __future__ import annotations

import time as clock
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from tqdm import tqdm

from medlib.data.aorsf_bench import BenchmarkSet
from medlib.metrics.benchmark_scores import (
    evaluation_times,
    index_of_prediction_accuracy,
    time_dependent_c,
)

FREQUENCY_RATIO_CUT = 95 / 5  # recipes::step_nzv defaults
PERCENT_UNIQUE_CUT = 10.0


def monte_carlo_splits(n_rows: int, n_splits: int, seed: int = 0,
                       test_share: float = 0.5) -> list[np.ndarray]:
    """Test rows of each split: ``round(n_rows * test_share)`` rows drawn without
    replacement, independently for each split (split ``k`` uses seed ``seed + k``)."""
    size = round(n_rows * test_share)  # half to even, as R rounds
    return [np.sort(np.random.default_rng(seed + k).choice(n_rows, size, replace=False))
            for k in range(n_splits)]


def near_zero_variance(column: pd.Series) -> bool:
    """``recipes::step_nzv``'s rule: the most common value is over 19 times as frequent
    as the second, and distinct values are under 10% of the rows."""
    counts = column.value_counts()
    if len(counts) < 2:
        return True
    ratio = counts.iloc[0] / counts.iloc[1]
    percent_unique = 100.0 * len(counts) / len(column)
    return bool(ratio > FREQUENCY_RATIO_CUT and percent_unique < PERCENT_UNIQUE_CUT)


@dataclass
class BenchmarkRecipe:
    """The benchmark's preprocessing, fitted on the training half only."""

    categorical: tuple[str, ...] = ()

    def fit(self, train: pd.DataFrame) -> BenchmarkRecipe:
        numeric = [c for c in train.columns if c not in self.categorical]
        self.fill = {**train[numeric].mean().to_dict(),
                     **{c: train[c].mode().iloc[0] for c in self.categorical}}
        filled = train.fillna(self.fill)
        self.kept = [c for c in train.columns if not near_zero_variance(filled[c])]
        self.dropped = [c for c in train.columns if c not in self.kept]
        self.scaled = [c for c in numeric if c in self.kept]
        self.low = filled[self.scaled].min()
        self.span = (filled[self.scaled].max() - self.low).replace(0.0, 1.0)
        return self

    def transform(self, frame: pd.DataFrame) -> np.ndarray:
        filled = frame.fillna(self.fill)[self.kept].copy()
        filled[self.scaled] = (filled[self.scaled] - self.low) / self.span
        return filled.to_numpy(np.float64)


ModelFactory = Callable[[int], object]  # seed -> an unfitted model with fit / survival


def _split_inputs(data: BenchmarkSet, test_rows: np.ndarray):
    test = np.zeros(data.n_rows, bool)
    test[test_rows] = True
    recipe = BenchmarkRecipe(data.categorical).fit(data.features[~test])
    x_train, x_test = recipe.transform(data.features[~test]), recipe.transform(
        data.features[test])
    times = evaluation_times(data.time, data.event, data.time[test], data.event[test])
    return test, recipe, x_train, x_test, times


def split_survival(data: BenchmarkSet, test_rows: np.ndarray,
                   models: dict[str, ModelFactory], seed: int) -> pd.DataFrame:
    """Every model's predicted survival for every test row of one split at each of the
    split's evaluation times, long format (model, row, time, event, evaluation time,
    survival): what an independent check needs to recompute the split's scores."""
    test, _, x_train, x_test, times = _split_inputs(data, test_rows)
    frames = []
    for name, make in models.items():
        model = make(seed).fit(x_train, data.time[~test], data.event[~test])
        survival = model.survival(x_test, times)
        frames.append(pd.DataFrame({
            "model": name,
            "row": np.repeat(np.flatnonzero(test), len(times)),
            "time": np.repeat(data.time[test], len(times)),
            "event": np.repeat(data.event[test].astype(int), len(times)),
            "evaluation time": np.tile(times, test.sum()),
            "survival": survival.ravel(),
        }))
    return pd.concat(frames, ignore_index=True)


def score_split(data: BenchmarkSet, test_rows: np.ndarray,
                models: dict[str, ModelFactory], seed: int) -> list[dict]:
    """Fit every model on the training half of one split and score it on the test half."""
    test, recipe, x_train, x_test, times = _split_inputs(data, test_rows)
    rows = []
    for name, make in models.items():
        start = clock.perf_counter()
        model = make(seed).fit(x_train, data.time[~test], data.event[~test])
        survival = model.survival(x_test, times)
        seconds = clock.perf_counter() - start
        rows.append({
            "model": name,
            "time-dependent C": time_dependent_c(data.time[test], data.event[test],
                                                 1.0 - survival, times),
            "IPA": index_of_prediction_accuracy(data.time[test], data.event[test],
                                                survival, times),
            "seconds": seconds,
            "evaluation times": len(times),
            "predictors kept": len(recipe.kept),
            **getattr(model, "choice", {}),
        })
    return rows


def run_benchmark(data: BenchmarkSet, models: dict[str, ModelFactory], n_splits: int,
                  seed: int = 0, progress: bool = True) -> pd.DataFrame:
    """Every model on ``n_splits`` Monte-Carlo splits: one row per split and model."""
    rows = []
    splits = monte_carlo_splits(data.n_rows, n_splits, seed)
    for k, test_rows in enumerate(tqdm(splits, desc=data.name, disable=not progress)):
        for row in score_split(data, test_rows, models, seed + k):
            rows.append({"split": k, **row})
    return pd.DataFrame(rows)
