"""A declared ensemble of the benchmark's learners: the mean of their predicted survival.

The three learners of :mod:`medlib.survival.benchmark_learners` err differently (a
proportional-hazards line, axis-aligned tree splits, a searched network), so their mean
often ranks and calibrates better than any one of them. The members and their equal
weights are declared before the run: nothing is fitted, weighted or picked on a test
half, so the ensemble is scored on each split like any other learner. The ensemble
averages survival probabilities, not risk scores, because IPA scores the probabilities
themselves: a mean of survival curves is still a survival curve (between 0 and 1, not
increasing in time). Chapter: ``progression_benchmarks``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from medlib.data.aorsf_bench import BenchmarkSet
from medlib.metrics.benchmark_scores import index_of_prediction_accuracy, time_dependent_c
from medlib.survival.benchmark import BenchmarkRun, SplitPredictions


def mean_survival(predictions: SplitPredictions, members: Sequence[str]) -> np.ndarray:
    """The mean of ``members``' predicted survival on one split, ``(n_test, n_times)``."""
    missing = [name for name in members if name not in predictions.survival]
    if missing or len(members) < 2:
        raise ValueError(
            f"an ensemble needs at least two of the run's models; {missing or list(members)} "
            f"given, the run has {sorted(predictions.survival)}: name members from that list")
    return np.mean([predictions.survival[name] for name in members], axis=0)


def with_mean_ensemble(run: BenchmarkRun, data: BenchmarkSet, members: Sequence[str],
                       name: str) -> BenchmarkRun:
    """``run`` with one more learner, ``name``: on every split the mean survival of
    ``members``, scored like the others (time-dependent C, IPA). Its ``seconds`` are the
    members' summed, since the ensemble costs every member's fit."""
    rows, predictions = [], []
    for split in run.predictions:
        survival = mean_survival(split, members)
        time, event = data.time[split.rows], data.event[split.rows]
        of_split = run.per_split[(run.per_split["split"] == split.split)
                                 & run.per_split["model"].isin(members)]
        rows.append({
            "split": split.split, "model": name,
            "time-dependent C": time_dependent_c(time, event, 1.0 - survival, split.times),
            "IPA": index_of_prediction_accuracy(time, event, survival, split.times),
            "seconds": float(of_split["seconds"].sum()),
            "evaluation times": len(split.times),
            "predictors kept": int(of_split["predictors kept"].iloc[0]),
        })
        predictions.append(SplitPredictions(split.split, split.rows, split.times,
                                            {**split.survival, name: survival}))
    per_split = pd.concat([run.per_split, pd.DataFrame(rows)], ignore_index=True)
    return BenchmarkRun(per_split.sort_values("split", kind="stable", ignore_index=True),
                        predictions)
