"""Metrics for time-to-event predictions, computed with scikit-survival.

All functions take the training outcomes too where the estimator needs them (Uno's
C-index, the time-dependent AUC and the Brier score weight test cases by the inverse
probability of censoring, estimated on the training set). Chapter: ``progression``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sksurv.metrics import (
    concordance_index_censored,
    concordance_index_ipcw,
    cumulative_dynamic_auc,
    integrated_brier_score,
)
from sksurv.nonparametric import kaplan_meier_estimator
from sksurv.util import Surv


def outcome_array(time: np.ndarray, event: np.ndarray) -> np.ndarray:
    """scikit-survival's structured array of (event, time)."""
    return Surv.from_arrays(event=np.asarray(event, bool), time=np.asarray(time, float))


def evaluable_horizons(train_time, test_time, test_event, horizons) -> list[float]:
    """Horizons at which time-dependent metrics are defined: inside the follow-up of both
    sets, with at least one death before and one person still at risk after."""
    limit = min(np.max(train_time), np.max(test_time))
    return [
        h
        for h in horizons
        if h < limit and np.any((test_time <= h) & test_event) and np.any(test_time > h)
    ]


def survival_metrics(
    train_time: np.ndarray,
    train_event: np.ndarray,
    test_time: np.ndarray,
    test_event: np.ndarray,
    risk: np.ndarray,
    survival_fn,
    horizons=(1, 3, 5, 10),
    calibration_horizon: float = 5.0,
) -> dict[str, float]:
    """Harrell's and Uno's C, AUC(t) at each evaluable horizon, integrated Brier score and
    calibration at ``calibration_horizon``.

    ``risk`` is a higher-is-worse score; ``survival_fn(times)`` returns the predicted
    survival probabilities ``(n_test, len(times))``.
    """
    train_y, test_y = outcome_array(train_time, train_event), outcome_array(test_time, test_event)
    result = {"C Harrell": concordance_index_censored(test_y["event"], test_y["time"], risk)[0]}
    usable = evaluable_horizons(train_time, test_time, test_event, horizons)
    tau = max(usable) if usable else None
    result["C Uno"] = concordance_index_ipcw(train_y, test_y, risk, tau=tau)[0]
    if usable:
        aucs, _ = cumulative_dynamic_auc(train_y, test_y, risk, usable)
        result.update({f"AUC {h:g}y": float(a) for h, a in zip(usable, aucs, strict=True)})
        grid = np.linspace(
            min(np.min(test_time[test_event]) if test_event.any() else 0.1, 0.5), tau, 40
        )
        grid = grid[(grid > np.min(test_time)) & (grid < np.max(test_time))]
        result["IBS"] = integrated_brier_score(train_y, test_y, survival_fn(grid), grid)
    if calibration_horizon in usable:
        result.update(
            calibration_at(
                test_time,
                test_event,
                survival_fn(np.array([calibration_horizon]))[:, 0],
                calibration_horizon,
                summary_only=True,
            )
        )
    return {k: float(v) for k, v in result.items()}


def calibration_at(
    time: np.ndarray,
    event: np.ndarray,
    predicted_survival: np.ndarray,
    horizon: float,
    n_groups: int = 5,
    summary_only: bool = False,
) -> pd.DataFrame | dict[str, float]:
    """Predicted against Kaplan-Meier observed survival at ``horizon`` in quantile groups of
    predicted risk. The summary is the mean absolute difference across groups ("ICI@h")."""
    groups = pd.qcut(-predicted_survival, n_groups, labels=False, duplicates="drop")
    rows = []
    for g in np.unique(groups):
        members = groups == g
        km_time, km_surv = kaplan_meier_estimator(event[members].astype(bool), time[members])
        observed = km_surv[km_time <= horizon][-1] if np.any(km_time <= horizon) else 1.0
        rows.append(
            {
                "group": int(g) + 1,
                "people": int(members.sum()),
                "predicted": float(predicted_survival[members].mean()),
                "observed (Kaplan-Meier)": float(observed),
            }
        )
    table = pd.DataFrame(rows)
    if summary_only:
        gap = np.abs(table["predicted"] - table["observed (Kaplan-Meier)"]).mean()
        return {f"calibration error {horizon:g}y": float(gap)}
    return table
