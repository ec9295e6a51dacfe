"""Does a ranking of patients find those who benefit? The rank-weighted average
treatment effect (RATE) of a benefit model's ranking, from doubly robust scores.

The c-for-benefit asks whether matched pairs are ordered right; RATE (Yadlowsky et al.,
"Evaluating treatment prioritization rules via rank-weighted average treatment
effects", JASA 2025) asks how much more the patients ranked first benefit than the
average patient. Treat the top share ``q`` of patients by predicted benefit: the
targeting operator characteristic TOC(q) is their average treatment effect minus the
average effect of everyone. RATE averages TOC over ``q``: uniformly (AUTOC, powerful
when few patients benefit) or weighted by ``q`` (Qini, powerful when the effect differs
diffusely). A ranking no better than chance has RATE 0 in expectation; a ranking that
puts those who benefit first has RATE above 0.

No patient's own effect is observed, so each patient contributes a doubly robust score
instead (:func:`survival_dr_scores`): the predicted difference in survival at the
horizon, corrected by the patient's observed outcome weighted by the inverse of the
probability of the arm (known by design in a trial) and of staying uncensored that long
(Kaplan-Meier of the censoring times, per arm). Its mean is the trial's average effect;
its average over the top ``q`` estimates their effect.

grf (R) implements RATE as ``rank_average_treatment_effect.fit``; no maintained Python
library does, so :func:`rate` follows grf's ``estimate_rate`` (ties in priority share
their mean score) and the tests check it against the definition computed directly.
The interval is a bootstrap over patients with the scores and priorities held fixed
(grf uses a half-sample bootstrap of the same kind for its standard error); for valid
inference the priorities must come from models that did not see the evaluated patients,
which cross-fitting guarantees. Chapter: ``treatment_benefit``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from sksurv.nonparametric import kaplan_meier_estimator

TARGETS = ("AUTOC", "QINI")
#: Priorities equal to this many significant digits are tied. Averaging predictions over
#: cross-fittings leaves differences of 1e-16 between patients a model cannot tell apart;
#: ordering them by that noise would make the RATE depend on it, and on whether the
#: priorities were read back from a file (which keeps 10 digits).
PRIORITY_DIGITS = 10


def as_priorities(values: np.ndarray) -> np.ndarray:
    """``values`` rounded to :data:`PRIORITY_DIGITS` significant digits, as a results file
    writes them, so that float noise cannot order tied patients."""
    return np.array([float(f"{v:.{PRIORITY_DIGITS}g}") for v in np.asarray(values, float)])


def _censoring_survival_before(time: np.ndarray, event: np.ndarray,
                               at: np.ndarray) -> np.ndarray:
    """G(at-): the probability of staying uncensored until just before ``at``, from the
    Kaplan-Meier estimate of the censoring times (a death before a censoring at the
    same time, as usual)."""
    times, survival = kaplan_meier_estimator(event.astype(bool), time, reverse=True)
    before = np.searchsorted(times, at, side="left") - 1
    return np.where(before >= 0, survival[np.maximum(before, 0)], 1.0)


def survival_dr_scores(
    time: np.ndarray, event: np.ndarray, treated: np.ndarray, horizon: float,
    survival_treated: np.ndarray, survival_control: np.ndarray,
) -> np.ndarray:
    """Each patient's doubly robust score of the effect of treatment on survival at
    ``horizon`` (treated minus control, so positive favours treatment, like the book's
    benefit).

    ``survival_treated`` and ``survival_control`` are a model's predicted survival of
    the patient at ``horizon`` on each arm (cross-fitted). The score is
    ``mu1 - mu0 + W/e * w * (Y - mu1) - (1 - W)/(1 - e) * w * (Y - mu0)`` with ``Y`` alive
    at the horizon, ``e`` the treated share of the trial, and ``w = known / G(min(T, h)-)``
    the inverse probability of an observed status (zero for a patient censored before
    the horizon; ``G`` the Kaplan-Meier survival of the censoring times within the
    patient's arm). With ``mu = 0`` the scores' mean on each arm reproduces that arm's
    Kaplan-Meier survival at the horizon.
    """
    time, event = np.asarray(time, float), np.asarray(event, bool)
    treated = np.asarray(treated, bool)
    mu1, mu0 = np.asarray(survival_treated, float), np.asarray(survival_control, float)
    if not (len(time) == len(event) == len(treated) == len(mu1) == len(mu0)):
        raise ValueError("time, event, treated and both predicted survivals must have one "
                         "entry per patient")
    if treated.all() or not treated.any():
        raise ValueError("doubly robust scores need patients on both arms")
    died = event & (time <= horizon)
    known = died | (time > horizon)
    weights = np.zeros(len(time))
    for arm in (True, False):
        rows = treated == arm
        g = _censoring_survival_before(time[rows], event[rows], np.minimum(time[rows], horizon))
        weights[rows] = known[rows] / g
    alive = (~died).astype(float)
    share = treated.mean()
    return (mu1 - mu0 + treated / share * weights * (alive - mu1)
            - (~treated) / (1 - share) * weights * (alive - mu0))


def _sorted_scores(scores: np.ndarray, priorities: np.ndarray) -> np.ndarray:
    """Scores in decreasing order of priority, each tied group replaced by its mean (grf:
    a tie cannot order its patients, so each gets the group's average)."""
    order = np.argsort(-priorities, kind="stable")
    ranked, ordered = priorities[order], scores[order]
    _, starts, counts = np.unique(-ranked, return_index=True, return_counts=True)
    means = np.add.reduceat(ordered, starts) / counts
    return np.repeat(means, counts)


def toc_curve(scores: np.ndarray, priorities: np.ndarray) -> np.ndarray:
    """TOC(i/n) for i = 1..n: the mean score of the i patients of highest priority minus
    the mean of all."""
    ordered = _sorted_scores(np.asarray(scores, float), np.asarray(priorities, float))
    return np.cumsum(ordered) / np.arange(1, len(ordered) + 1) - ordered.mean()


def rate(scores: np.ndarray, priorities: np.ndarray, target: str = "AUTOC") -> float:
    """RATE of ``priorities`` (higher: treat first; equal to :data:`PRIORITY_DIGITS`
    significant digits: tied) on doubly robust ``scores``: the mean of TOC(i/n) (AUTOC) or
    of (i/n) TOC(i/n) (Qini)."""
    return _rate(scores, as_priorities(priorities), target)


def _rate(scores: np.ndarray, priorities: np.ndarray, target: str) -> float:
    if target not in TARGETS:
        raise ValueError(f"target must be one of {TARGETS}, got {target!r}")
    scores, priorities = np.asarray(scores, float), np.asarray(priorities, float)
    if len(scores) != len(priorities) or len(scores) < 2:
        raise ValueError("scores and priorities need the same length, at least 2 patients")
    if np.isnan(scores).any() or np.isnan(priorities).any():
        raise ValueError("scores and priorities must not contain NaN")
    toc = toc_curve(scores, priorities)
    if target == "AUTOC":
        return float(toc.mean())
    return float((np.arange(1, len(toc) + 1) / len(toc) * toc).mean())


@dataclass(frozen=True)
class RateEstimate:
    """A RATE with its 95% CI (percentile bootstrap over patients), the bootstrap standard
    error, and the two-sided p-value of RATE = 0 from the normal approximation (the test
    for heterogeneity that Yadlowsky et al. propose)."""

    target: str
    value: float
    low: float
    high: float
    std_error: float
    p_value: float

    def as_dict(self) -> dict:
        return {"target": self.target, "value": self.value, "low": self.low,
                "high": self.high, "std_error": self.std_error, "p_value": self.p_value,
                "interval": "bootstrap_95"}


def rate_interval(scores: np.ndarray, priorities: np.ndarray, target: str,
                  n_bootstrap: int, seed: int) -> RateEstimate:
    """:func:`rate` with its interval from ``n_bootstrap`` resamples of the patients."""
    if n_bootstrap < 2:
        raise ValueError(f"n_bootstrap must be at least 2, got {n_bootstrap}")
    scores, priorities = np.asarray(scores, float), as_priorities(priorities)
    value = _rate(scores, priorities, target)
    rng = np.random.default_rng(seed)
    resampled = np.array([
        _rate(scores[rows], priorities[rows], target)
        for rows in rng.integers(0, len(scores), size=(n_bootstrap, len(scores)))])
    low, high = np.quantile(resampled, [0.025, 0.975])
    std_error = float(resampled.std(ddof=1))
    p_value = float(2 * stats.norm.sf(abs(value) / std_error)) if std_error > 0 else 1.0
    return RateEstimate(target, value, float(low), float(high), std_error, p_value)


def rate_table(scores: np.ndarray, priorities: dict[str, np.ndarray], n_bootstrap: int,
               seed: int) -> pd.DataFrame:
    """AUTOC and Qini of each ranking in ``priorities`` (learner name -> predicted
    benefit) on the same doubly robust ``scores``: one row per learner and target."""
    return pd.DataFrame([
        {"learner": name, **rate_interval(scores, priority, target, n_bootstrap, seed).as_dict()}
        for name, priority in priorities.items() for target in TARGETS])


def toc_table(scores: np.ndarray, priorities: np.ndarray, n_bootstrap: int, seed: int,
              grid: np.ndarray | None = None) -> pd.DataFrame:
    """TOC(q) on a grid of treated shares (default 5%, 10%, ..., 100%) with a pointwise
    95% bootstrap band over patients: what treating only the top share would gain over
    treating everyone, by share."""
    scores, priorities = np.asarray(scores, float), as_priorities(priorities)
    grid = np.arange(0.05, 1.0001, 0.05) if grid is None else np.asarray(grid, float)
    if grid.min() <= 0 or grid.max() > 1:
        raise ValueError("the grid holds treated shares in (0, 1]")

    def on_grid(rows: np.ndarray) -> np.ndarray:
        toc = toc_curve(scores[rows], priorities[rows])
        return toc[np.maximum(np.ceil(grid * len(rows)).astype(int) - 1, 0)]

    everyone = np.arange(len(scores))
    rng = np.random.default_rng(seed)
    draws = np.array([on_grid(rng.integers(0, len(scores), len(scores)))
                      for _ in range(n_bootstrap)])
    low, high = np.quantile(draws, [0.025, 0.975], axis=0)
    return pd.DataFrame({"share treated": grid, "TOC": on_grid(everyone), "low": low,
                         "high": high})
