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
from medlib.survival.baseline_models import survival_forest

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


@dataclass
class SplitPredictions:
    """One split's test rows, its evaluation times and each model's predicted survival
    there, ``(n_test, n_times)`` per model: what recomputing the split's scores needs."""

    split: int
    rows: np.ndarray
    times: np.ndarray
    survival: dict[str, np.ndarray]


def score_split(data: BenchmarkSet, test_rows: np.ndarray, models: dict[str, ModelFactory],
                seed: int, split: int = 0) -> tuple[list[dict], SplitPredictions]:
    """Fit every model on the training half of one split and score it on the test half:
    one record per model, and the predictions the scores were computed from."""
    test, recipe, x_train, x_test, times = _split_inputs(data, test_rows)
    rows, survival_of = [], {}
    for name, make in models.items():
        start = clock.perf_counter()
        model = make(seed).fit(x_train, data.time[~test], data.event[~test])
        survival = model.survival(x_test, times)
        seconds = clock.perf_counter() - start
        survival_of[name] = survival
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
    return rows, SplitPredictions(split, np.flatnonzero(test), times, survival_of)


@dataclass
class BenchmarkRun:
    """A benchmark run on one task: ``per_split`` has one row per split and model;
    ``predictions`` every split's :class:`SplitPredictions`."""

    per_split: pd.DataFrame
    predictions: list[SplitPredictions]

    def evaluation_times(self) -> dict[str, list[float]]:
        """Each split's evaluation times, by split number (as text, for a JSON record)."""
        return {str(p.split): [float(t) for t in p.times] for p in self.predictions}

    def predictions_frame(self, data: BenchmarkSet, task: str) -> pd.DataFrame:
        """Every split's predictions, one row per split, model and test row: ``case_id``
        (the row of the task's data), ``true_time``, ``true_event`` and the predicted
        survival at the split's k-th evaluation time in ``survival_k`` (k from 1; the
        times are :meth:`evaluation_times`). Splits with fewer times leave the last
        columns empty."""
        frames = []
        for p in self.predictions:
            for model, survival in p.survival.items():
                frame = pd.DataFrame({
                    "task": task, "split": p.split, "model": model, "case_id": p.rows,
                    "true_time": data.time[p.rows], "true_event": data.event[p.rows].astype(int)})
                columns = {f"survival_{k + 1}": survival[:, k] for k in range(survival.shape[1])}
                frames.append(pd.concat([frame, pd.DataFrame(columns)], axis=1))
        return pd.concat(frames, ignore_index=True)


def run_benchmark(data: BenchmarkSet, models: dict[str, ModelFactory], n_splits: int,
                  seed: int = 0, progress: bool = True) -> BenchmarkRun:
    """Every model on ``n_splits`` Monte-Carlo splits (split ``k`` seeds every model with
    ``seed + k``), with every split's predictions."""
    rows, predictions = [], []
    splits = monte_carlo_splits(data.n_rows, n_splits, seed)
    for k, test_rows in enumerate(tqdm(splits, desc=data.name, disable=not progress)):
        records, predicted = score_split(data, test_rows, models, seed + k, split=k)
        rows += [{"split": k, **record} for record in records]
        predictions.append(predicted)
    return BenchmarkRun(pd.DataFrame(rows), predictions)


def seconds_per_full_tree(data: BenchmarkSet, test_rows: np.ndarray, min_leaf: int,
                          seed: int = 0, trees: int = 2) -> float:
    """Seconds (on one core) to grow one survival tree of the benchmark's forest, which
    draws every training person for every tree, measured by growing ``trees`` of them on
    the training half of one split. What sizing the forest as the benchmark did would
    cost, so that a chapter can say why it did not, with a measured number."""
    test, _, x_train, _, _ = _split_inputs(data, test_rows)
    start = clock.perf_counter()
    survival_forest(trees, min_leaf=min_leaf, seed=seed).fit(
        x_train, data.time[~test], data.event[~test])
    return (clock.perf_counter() - start) / trees
