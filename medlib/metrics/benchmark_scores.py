"""The two scores of the aorsf benchmark (Jaeger et al. 2024), computed with scikit-survival.

The benchmark scores each model on the test half of a split with ``riskRegression::Score``
at a grid of times (:func:`evaluation_times`):

- **time-dependent C**: the cumulative/dynamic AUC of Blanche et al. (2013, their
  equation 3) at each time, cases dying by the time against people still event-free after
  it, weighted by the inverse probability of censoring, then averaged over the times;
- **index of prediction accuracy** (IPA; Kattan and Gerds 2018): one minus the model's
  integrated Brier score over the grid divided by that of the Kaplan-Meier curve.

``Score`` estimates the censoring distribution and the Kaplan-Meier reference on the data
it scores, the test half; so do these functions. The integrals are scikit-survival's
(trapezoids over the grid); ``Score`` integrates the same Brier curve over the same grid,
and the ratio does not depend on how the integral is normalised.
Chapter: ``progression_benchmarks``.
"""

from __future__ import annotations

import numpy as np
from sksurv.metrics import cumulative_dynamic_auc, integrated_brier_score
from sksurv.nonparametric import kaplan_meier_estimator
from sksurv.util import Surv

MAX_EVALUATION_TIMES = 30  # the benchmark thins longer grids to 30 evenly spaced times


def evaluation_times(all_time: np.ndarray, all_event: np.ndarray, test_time: np.ndarray,
                     test_event: np.ndarray) -> np.ndarray:
    """The benchmark's grid (``R/bench_pred_real.R``): the distinct event times of the test
    half between the 25th and 75th percentiles of the event times of the whole data set,
    thinned to at most 30 by R's ``floor(seq(1, n, length.out = 30))``."""
    all_event, test_event = np.asarray(all_event, bool), np.asarray(test_event, bool)
    low, high = np.quantile(np.asarray(all_time, float)[all_event], [0.25, 0.75])
    times = np.unique(np.asarray(test_time, float)[test_event])
    times = times[(times >= low) & (times <= high)]
    if len(times) == 0:
        raise ValueError(
            f"no test event time lies between the 25th and 75th percentiles of the event "
            f"times ({low:g} to {high:g}); the split has too few events to score: use a "
            f"larger test half")
    if len(times) > MAX_EVALUATION_TIMES:
        positions = np.floor(np.linspace(1, len(times), MAX_EVALUATION_TIMES)).astype(int)
        times = times[positions - 1]
    return times


def _outcome(time: np.ndarray, event: np.ndarray) -> np.ndarray:
    return Surv.from_arrays(event=np.asarray(event, bool), time=np.asarray(time, float))


def time_dependent_c(test_time: np.ndarray, test_event: np.ndarray, risk: np.ndarray,
                     times: np.ndarray) -> float:
    """Mean over ``times`` of the IPCW cumulative/dynamic AUC; ``risk`` is the predicted
    probability of death by each time, shape ``(n_test, len(times))``."""
    outcome = _outcome(test_time, test_event)
    aucs, _ = cumulative_dynamic_auc(outcome, outcome, risk, times)
    return float(np.mean(aucs))


def kaplan_meier_at(time: np.ndarray, event: np.ndarray, times: np.ndarray) -> np.ndarray:
    """The Kaplan-Meier survival of ``(time, event)`` at ``times`` (a step function)."""
    knots, survival = kaplan_meier_estimator(np.asarray(event, bool), np.asarray(time, float))
    index = np.searchsorted(knots, times, side="right") - 1
    return np.where(index >= 0, survival[np.clip(index, 0, None)], 1.0)


def index_of_prediction_accuracy(test_time: np.ndarray, test_event: np.ndarray,
                                 survival: np.ndarray, times: np.ndarray) -> float:
    """1 - IBS(model) / IBS(Kaplan-Meier of the test half) over ``times``; ``survival`` is
    the predicted survival at each time, shape ``(n_test, len(times))``. 0 is no better
    than the Kaplan-Meier curve; negative is worse."""
    outcome = _outcome(test_time, test_event)
    reference = np.tile(kaplan_meier_at(test_time, test_event, times), (len(test_time), 1))
    model = integrated_brier_score(outcome, outcome, survival, times)
    null = integrated_brier_score(outcome, outcome, reference, times)
    return float(1.0 - model / null)
