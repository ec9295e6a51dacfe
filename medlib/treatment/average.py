"""The average effect of treatment in a two-arm trial: what any benefit claim starts from.

Kaplan-Meier curves come from scikit-survival, the Cox model and the log-rank test from
statsmodels (scikit-survival's Cox model reports no standard errors). The restricted mean
survival time (RMST) up to a horizon is the area under the Kaplan-Meier curve, and its
difference between arms gets a bootstrap interval: patients resampled within each arm,
so that every resample keeps the trial's allocation. Chapter: ``treatment_benefit``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from sksurv.nonparametric import kaplan_meier_estimator
from statsmodels.duration.hazard_regression import PHReg
from statsmodels.duration.survfunc import survdiff

from medlib.treatment.trial import TwoArmTrial


def km_curves(trial: TwoArmTrial) -> pd.DataFrame:
    """Kaplan-Meier survival by arm with log-log pointwise 95% confidence bands: columns
    arm, years, survival, low, high (one row per distinct time, starting at 0)."""
    frames = []
    for arm, name in ((True, trial.treatment_name), (False, trial.control_name)):
        rows = trial.treated == arm
        times, survival, (low, high) = kaplan_meier_estimator(
            trial.event[rows], trial.time[rows], conf_type="log-log")
        frames.append(pd.DataFrame({
            "arm": name, "years": np.r_[0.0, times], "survival": np.r_[1.0, survival],
            "low": np.r_[1.0, low], "high": np.r_[1.0, high]}))
    return pd.concat(frames, ignore_index=True)


def rmst(time: np.ndarray, event: np.ndarray, horizon: float) -> float:
    """Restricted mean survival time: the area under the Kaplan-Meier curve from 0 to
    ``horizon`` (the expected years lived, of the first ``horizon``)."""
    times, survival = kaplan_meier_estimator(np.asarray(event, bool), np.asarray(time, float))
    inside = times < horizon
    steps = np.r_[0.0, times[inside], horizon]
    heights = np.r_[1.0, survival[inside]]
    return float(np.sum(np.diff(steps) * heights))


def km_at(time: np.ndarray, event: np.ndarray, horizon: float) -> float:
    """Kaplan-Meier survival at ``horizon`` (1 before the first event)."""
    times, survival = kaplan_meier_estimator(np.asarray(event, bool), np.asarray(time, float))
    reached = times <= horizon
    return float(survival[reached][-1]) if reached.any() else 1.0


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its interval and what the interval is."""

    value: float
    low: float
    high: float
    interval: str

    def as_dict(self) -> dict:
        return {"value": self.value, "low": self.low, "high": self.high,
                "interval": self.interval}


def cox_hazard_ratio(trial: TwoArmTrial) -> tuple[Estimate, float]:
    """Hazard ratio of treated vs control (Cox, Breslow ties, arm as the only covariate)
    with its Wald 95% interval, and the log-rank p-value."""
    treated = trial.treated.astype(float)[:, None]
    fit = PHReg(trial.time, treated, status=trial.event.astype(float), ties="breslow").fit(
        disp=False)
    log_hr, se = float(fit.params[0]), float(fit.bse[0])
    z = stats.norm.ppf(0.975)
    ratio = Estimate(np.exp(log_hr), np.exp(log_hr - z * se), np.exp(log_hr + z * se),
                     "Wald 95% CI")
    _, p_logrank = survdiff(trial.time, trial.event.astype(float), trial.treated.astype(int))
    return ratio, float(p_logrank)


def arm_difference(
    trial: TwoArmTrial, statistic, n_bootstrap: int, seed: int
) -> Estimate:
    """``statistic(time, event)`` in the treated arm minus in the control arm, with a
    percentile bootstrap 95% interval over patients resampled within each arm."""
    arms = [np.flatnonzero(trial.treated), np.flatnonzero(~trial.treated)]

    def difference(rows_by_arm: list[np.ndarray]) -> float:
        treated, control = (statistic(trial.time[r], trial.event[r]) for r in rows_by_arm)
        return treated - control

    rng = np.random.default_rng(seed)
    draws = np.array([
        difference([rng.choice(rows, len(rows)) for rows in arms]) for _ in range(n_bootstrap)])
    low, high = np.percentile(draws, [2.5, 97.5])
    return Estimate(difference(arms), float(low), float(high),
                    f"95% CI (bootstrap, {n_bootstrap} resamples of patients within arm)")


def average_effect(
    trial: TwoArmTrial, horizons: tuple[float, ...], n_bootstrap: int, seed: int
) -> pd.DataFrame:
    """One row per measure: the hazard ratio, and at each horizon the difference in
    survival and in RMST (treated minus control; positive favours treatment)."""
    ratio, p_logrank = cox_hazard_ratio(trial)
    rows = [{"measure": "hazard ratio (treated / control)", **ratio.as_dict(),
             "p (log-rank)": p_logrank}]
    for horizon in horizons:
        for label, statistic in (
            (f"survival difference at {horizon:g} y",
             lambda t, e, h=horizon: km_at(t, e, h)),
            (f"RMST difference to {horizon:g} y (years)",
             lambda t, e, h=horizon: rmst(t, e, h)),
        ):
            estimate = arm_difference(trial, statistic, n_bootstrap, seed)
            rows.append({"measure": label, **estimate.as_dict(), "p (log-rank)": np.nan})
    return pd.DataFrame(rows)
