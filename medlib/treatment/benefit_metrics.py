"""Is a predicted benefit right? The c-for-benefit and the calibration of benefit.

No patient is seen on both arms, so a predicted benefit cannot be compared with the
patient's own benefit. Two checks compare it with what groups of patients show instead:

- The c-for-benefit (van Klaveren et al., J Clin Epidemiol 2018; 94:59-68) asks whether
  the ranking is right. Each patient of the smaller arm is matched to one of the larger
  arm by rank of predicted benefit (when the arms differ in size, a random subset of the
  larger arm, of the smaller arm's size, is matched). A pair's predicted benefit is the
  mean of its two predictions and its observed benefit is ``died_control - died_treated``
  (1: only the control patient died, the treated one was spared; -1: the reverse; 0: the
  same outcome). The c-for-benefit is the concordance between the two over the pairs of
  pairs whose observed benefits differ, ties in prediction counting 1/2: 0.5 for a
  ranking no better than chance, 1 for a perfect one. Its interval resamples patients
  within arm and matches each resample anew, because the matching is part of the metric.
- The calibration of benefit asks whether the size is right: patients grouped by
  predicted benefit, and in each group the mean prediction against the observed
  difference in Kaplan-Meier survival at the horizon between the group's treated and
  control patients (a small trial of its own, since arm was randomised).

Outcome at a horizon: a patient censored before it has an unknown status and is left out
of the c-for-benefit (:func:`observed_by_horizon`); the calibration uses Kaplan-Meier and
keeps everyone. Chapter: ``treatment_benefit``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from medlib.treatment.average import km_at

Z_95 = stats.norm.ppf(0.975)


def observed_by_horizon(
    time: np.ndarray, event: np.ndarray, horizon: float
) -> tuple[np.ndarray, np.ndarray]:
    """``(died, known)``: died by ``horizon``, and whether the status at ``horizon`` is
    known (died by it, or followed at least to it; censored earlier is unknown)."""
    time, event = np.asarray(time, float), np.asarray(event, bool)
    died = event & (time <= horizon)
    return died, died | (time >= horizon)


def _concordance_rows(predicted: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """Concordance of each row of ``predicted`` with the same row of ``observed`` (any
    ordered levels), over the pairs with different observed values, ties in prediction
    counting 1/2; NaN for a row with one observed level only.

    For a member of a level, its midrank among the members of that level and all lower
    levels minus its midrank among its own level counts the lower-level members it is
    predicted above (ties 1/2). Non-members are ranked last by setting them to +inf, so a
    row costs a few sorts: O(n log n) and vectorised over rows (bootstrap resamples).
    """
    numerator = np.zeros(predicted.shape[0])
    denominator = np.zeros(predicted.shape[0])
    for level in np.unique(observed):
        own, lower = observed == level, observed < level
        if not lower.any():
            continue
        above = (stats.rankdata(np.where(own | lower, predicted, np.inf), axis=1)
                 - stats.rankdata(np.where(own, predicted, np.inf), axis=1))
        numerator += np.where(own, above, 0.0).sum(axis=1)
        denominator += own.sum(axis=1) * lower.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominator > 0, numerator / denominator, np.nan)


def concordance(predicted: np.ndarray, observed: np.ndarray) -> float:
    """Harrell-type concordance of a prediction with an ordered outcome: of the pairs with
    different outcomes, the share in which the higher outcome has the higher prediction
    (ties in prediction 1/2). For a two-level outcome this is the AUROC."""
    predicted = np.asarray(predicted, float)[None, :]
    observed = np.asarray(observed, float)[None, :]
    return float(_concordance_rows(predicted, observed)[0])


def _check_arms(predicted_benefit: np.ndarray, treated: np.ndarray,
                died: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    predicted_benefit = np.asarray(predicted_benefit, float)
    treated, died = np.asarray(treated, bool), np.asarray(died, bool)
    if not len(predicted_benefit) == len(treated) == len(died):
        raise ValueError(f"predicted_benefit, treated and died differ in length "
                         f"({len(predicted_benefit)}, {len(treated)}, {len(died)})")
    if treated.all() or not treated.any():
        raise ValueError("the c-for-benefit needs patients on both arms; pass the patients "
                         "of both arms whose status at the horizon is known")
    if not np.isfinite(predicted_benefit).all():
        raise ValueError("predicted_benefit has missing or infinite values")
    return predicted_benefit, treated, died


def _pair_rows(pred_t: np.ndarray, died_t: np.ndarray, pred_c: np.ndarray,
               died_c: np.ndarray) -> tuple[np.ndarray, ...]:
    """Rank-matching of two equal-sized arms, row by row: both sorted by predicted
    benefit and the i-th of one paired with the i-th of the other."""
    order_t = np.argsort(pred_t, axis=1, kind="stable")
    order_c = np.argsort(pred_c, axis=1, kind="stable")
    pred_t, died_t = (np.take_along_axis(a, order_t, axis=1) for a in (pred_t, died_t))
    pred_c, died_c = (np.take_along_axis(a, order_c, axis=1) for a in (pred_c, died_c))
    return pred_t, died_t, pred_c, died_c


def matched_pairs(
    predicted_benefit: np.ndarray, treated: np.ndarray, died: np.ndarray, seed: int
) -> pd.DataFrame:
    """The rank-matched pairs of the c-for-benefit, one row per pair, in order of
    predicted benefit: ``predicted`` (the pair's mean), ``observed`` (died_control -
    died_treated), ``predicted_treated``, ``predicted_control``, ``died_treated``,
    ``died_control``. Pass only patients whose status is known; ``seed`` draws the
    subset of the larger arm."""
    predicted_benefit, treated, died = _check_arms(predicted_benefit, treated, died)
    arm_t, arm_c = np.flatnonzero(treated), np.flatnonzero(~treated)
    size = min(len(arm_t), len(arm_c))
    rng = np.random.default_rng(seed)
    arm_t, arm_c = (arm if len(arm) == size else rng.choice(arm, size, replace=False)
                    for arm in (arm_t, arm_c))
    pred_t, died_t, pred_c, died_c = (
        row[0] for row in _pair_rows(predicted_benefit[arm_t][None], died[arm_t][None],
                                     predicted_benefit[arm_c][None], died[arm_c][None]))
    return pd.DataFrame({
        "predicted": (pred_t + pred_c) / 2,
        "observed": died_c.astype(int) - died_t.astype(int),
        "predicted_treated": pred_t, "predicted_control": pred_c,
        "died_treated": died_t, "died_control": died_c,
    })


def c_for_benefit(
    predicted_benefit: np.ndarray, treated: np.ndarray, died: np.ndarray, seed: int
) -> float:
    """The c-for-benefit of ``predicted_benefit`` (positive favours treatment) among
    patients whose status at the horizon is known; ``died``: died by the horizon. NaN if
    every pair has the same observed benefit."""
    pairs = matched_pairs(predicted_benefit, treated, died, seed)
    return concordance(pairs["predicted"].to_numpy(), pairs["observed"].to_numpy())


def c_for_benefit_interval(
    predicted_benefit: np.ndarray, treated: np.ndarray, died: np.ndarray, n_bootstrap: int,
    seed: int,
) -> tuple[float, float, float]:
    """``(value, low, high)``: :func:`c_for_benefit` with a percentile bootstrap 95%
    interval; each resample draws patients with replacement within arm and is matched
    anew. All resamples are matched and scored at once (arrays of resamples by pairs)."""
    value = c_for_benefit(predicted_benefit, treated, died, seed)
    predicted_benefit, treated, died = _check_arms(predicted_benefit, treated, died)
    arm_t, arm_c = np.flatnonzero(treated), np.flatnonzero(~treated)
    size = min(len(arm_t), len(arm_c))
    rng = np.random.default_rng(seed + 1)
    # Drawing `size` patients of the larger arm with replacement is the same, in
    # distribution, as resampling the whole arm and then matching a random subset of it.
    draw_t = arm_t[rng.integers(0, len(arm_t), (n_bootstrap, size))]
    draw_c = arm_c[rng.integers(0, len(arm_c), (n_bootstrap, size))]
    pred_t, died_t, pred_c, died_c = _pair_rows(
        predicted_benefit[draw_t], died[draw_t], predicted_benefit[draw_c], died[draw_c])
    draws = _concordance_rows((pred_t + pred_c) / 2,
                              died_c.astype(int) - died_t.astype(int))
    low, high = np.nanpercentile(draws, [2.5, 97.5])
    return value, float(low), float(high)


def benefit_groups(predicted_benefit: np.ndarray, n_groups: int) -> np.ndarray:
    """Quantile group of each patient's predicted benefit, 1 (lowest) to ``n_groups``;
    cut on ranks so that tied predictions cannot merge groups."""
    ranks = pd.Series(np.asarray(predicted_benefit, float)).rank(method="first")
    return pd.qcut(ranks, n_groups, labels=False).to_numpy() + 1


def _km_at_weighted(time: np.ndarray, event: np.ndarray, weights: np.ndarray,
                    horizon: float) -> np.ndarray:
    """Kaplan-Meier survival at ``horizon`` for each row of ``weights`` (how many times
    each patient is in a bootstrap resample): the same as :func:`km_at` on the resampled
    patients, for all resamples at once."""
    order = np.argsort(time, kind="stable")
    time, event, weights = time[order], event[order], weights[:, order]
    unique, start = np.unique(time, return_index=True)
    at_risk = np.cumsum(weights[:, ::-1], axis=1)[:, ::-1][:, start]
    deaths = np.add.reduceat(weights * event, start, axis=1)
    hazard = np.divide(deaths, at_risk, out=np.zeros(deaths.shape), where=at_risk > 0)
    return np.prod(1.0 - hazard[:, unique <= horizon], axis=1)


def _resample_weights(size: int, n_bootstrap: int, rng: np.random.Generator) -> np.ndarray:
    """How many times each of ``size`` patients is drawn, in each of the resamples."""
    draws = rng.integers(0, size, (n_bootstrap, size)) + size * np.arange(n_bootstrap)[:, None]
    return np.bincount(draws.ravel(), minlength=n_bootstrap * size).reshape(n_bootstrap, size)


def calibration_of_benefit(
    predicted_benefit: np.ndarray,
    treated: np.ndarray,
    time: np.ndarray,
    event: np.ndarray,
    horizon: float,
    n_groups: int,
    n_bootstrap: int,
    seed: int,
) -> pd.DataFrame:
    """Predicted against observed benefit by quantile group of predicted benefit.

    One row per group: ``group`` (1 = lowest predicted benefit), ``n``, ``n_treated``,
    ``predicted`` (mean predicted benefit), ``observed`` (Kaplan-Meier survival at
    ``horizon`` of the group's treated minus its control patients) and ``low``, ``high``
    (percentile bootstrap 95% interval, patients resampled within arm within group).
    ``observed`` is NaN for a group with an empty arm.
    """
    predicted_benefit = np.asarray(predicted_benefit, float)
    treated = np.asarray(treated, bool)
    time, event = np.asarray(time, float), np.asarray(event, bool)
    groups = benefit_groups(predicted_benefit, n_groups)
    rng = np.random.default_rng(seed)
    rows = []
    for group in range(1, n_groups + 1):
        members = groups == group
        arms = [np.flatnonzero(members & treated), np.flatnonzero(members & ~treated)]
        observed = low = high = np.nan
        if all(len(arm) for arm in arms):
            treated_km, control_km = (km_at(time[arm], event[arm], horizon) for arm in arms)
            observed = treated_km - control_km
            treated_draws, control_draws = (
                _km_at_weighted(time[arm], event[arm],
                                _resample_weights(len(arm), n_bootstrap, rng), horizon)
                for arm in arms)
            low, high = np.percentile(treated_draws - control_draws, [2.5, 97.5])
        rows.append({"group": group, "n": int(members.sum()), "n_treated": len(arms[0]),
                     "predicted": float(predicted_benefit[members].mean()),
                     "observed": observed, "low": float(low), "high": float(high)})
    return pd.DataFrame(rows)


def calibration_slope_of_benefit(table: pd.DataFrame) -> float:
    """Slope of observed on predicted benefit across the groups of
    :func:`calibration_of_benefit`, weighted by inverse variance (the standard error read
    off each group's 95% interval): 1 when the predicted differences between groups are
    the observed ones, below 1 when the predictions spread too far. Only meaningful when
    the predictions differ between groups."""
    usable = table.dropna(subset=["observed", "low", "high"])
    usable = usable[usable["high"] > usable["low"]]
    if len(usable) < 2:
        raise ValueError("the calibration slope needs at least two groups with an interval")
    weights = ((usable["high"] - usable["low"]) / (2 * Z_95)).to_numpy() ** -2.0
    x, y = usable["predicted"].to_numpy(), usable["observed"].to_numpy()
    x_centred = x - np.average(x, weights=weights)
    y_centred = y - np.average(y, weights=weights)
    return float(np.sum(weights * x_centred * y_centred) / np.sum(weights * x_centred**2))
