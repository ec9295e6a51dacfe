"""The chapter's experiment in a few calls: every learner cross-fitted, summarised, checked
for trust, and rerun on trials whose arm labels were shuffled.

Kept out of the notebook so that the page shows results, and so that the permutation null
runs exactly the pipeline that produced the real estimates. Chapter: ``treatment_benefit``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from sksurv.metrics import concordance_index_censored
from statsmodels.duration.hazard_regression import PHReg
from tqdm import tqdm

from medlib.treatment.benefit_metrics import (
    c_for_benefit,
    c_for_benefit_interval,
    calibration_of_benefit,
    observed_by_horizon,
)
from medlib.treatment.learners import LEARNERS, BaseFactory, cross_fitted_benefit
from medlib.treatment.power import interaction_events, patients_needed
from medlib.treatment.simulate import simulate_trial
from medlib.treatment.trial import TwoArmTrial


def learner_name(learner: str, base: str) -> str:
    """How the book names a learner: ``"T-learner, Cox ridge"``."""
    return f"{learner}-learner, {base}"


def parse_learner_name(name: str, factories: dict[str, BaseFactory]) -> tuple[str, str]:
    """``("T", "Cox ridge")`` from ``"T-learner, Cox ridge"``, checked against the
    learners and base models the chapter runs."""
    learner, _, base = name.partition("-learner, ")
    if learner not in LEARNERS or base not in factories:
        known = [learner_name(k, b) for b in factories for k in LEARNERS]
        raise ValueError(f"unknown learner {name!r}; declare one of: {'; '.join(known)}")
    return learner, base


def all_learners(
    trial: TwoArmTrial, factories: dict[str, BaseFactory], horizon: float,
    rmst_horizon: float, n_folds: int, seed: int,
) -> dict[str, pd.DataFrame]:
    """Cross-fitted benefit of every learner over every base model, by learner name."""
    return {
        learner_name(learner, base): cross_fitted_benefit(
            trial, learner, make_base, horizon, rmst_horizon, n_folds, seed)
        for base, make_base in factories.items() for learner in LEARNERS
    }


def repeated_cross_fitting(
    trial: TwoArmTrial, factories: dict[str, BaseFactory], horizon: float,
    rmst_horizon: float, n_folds: int, seed: int, n_repeats: int,
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Every learner's benefit averaged over ``n_repeats`` cross-fittings (folds and models
    seeded ``seed``, ``seed + 1``, ...), and each single cross-fitting's benefit (columns
    ``repeat``, ``learner``, ``patient``, ``benefit``).

    One cross-fitting is one draw of folds and of the models' randomness; on a trial of a
    few hundred patients its c-for-benefit moves by several hundredths from one draw to
    the next, enough to flip a verdict. Averaging each patient's predictions over repeated
    cross-fittings (as Chernozhukov et al., 2018, aggregate over repeated sample splits)
    takes most of that draw out of the estimate; the per-repeat predictions are returned
    so that the page can show how far a single cross-fitting would have moved it.
    """
    if n_repeats < 1:
        raise ValueError(f"n_repeats must be at least 1, got {n_repeats}")
    columns = ["benefit", "rmst_benefit", "survival_control", "survival_treated"]
    runs = [all_learners(trial, factories, horizon, rmst_horizon, n_folds, seed + r)
            for r in tqdm(range(n_repeats), desc="cross-fittings", leave=False, disable=None)]
    averaged = {name: sum(run[name][columns].astype(float) for run in runs) / n_repeats
                for name in runs[0]}
    per_repeat = pd.concat(
        [pd.DataFrame({"repeat": r, "learner": name, "patient": np.arange(len(trial)),
                       "benefit": run[name]["benefit"].astype(float).to_numpy()})
         for r, run in enumerate(runs) for name in run], ignore_index=True)
    return averaged, per_repeat


def c_for_benefit_by_repeat(
    trial: TwoArmTrial, per_repeat: pd.DataFrame, horizon: float, seed: int,
) -> pd.DataFrame:
    """The c-for-benefit of each single cross-fitting (rows: repeat, learner)."""
    died, known = observed_by_horizon(trial.time, trial.event, horizon)
    rows = []
    for (repeat, name), part in per_repeat.groupby(["repeat", "learner"], sort=False):
        benefit = part.sort_values("patient")["benefit"].to_numpy(float)
        rows.append({"repeat": repeat, "learner": name, "c-for-benefit": c_for_benefit(
            benefit[known], trial.treated[known], died[known], seed)})
    return pd.DataFrame(rows)


def prognostic_c(trial: TwoArmTrial, benefit: pd.DataFrame) -> float:
    """Harrell's C of the predicted risk by the horizon on each patient's own arm: how well
    the learner predicts the outcome, which is not how well it predicts benefit."""
    own = np.where(trial.treated, benefit["survival_treated"], benefit["survival_control"])
    return float(concordance_index_censored(trial.event, trial.time, 1.0 - own.astype(float))[0])


def benefit_summary(trial: TwoArmTrial, benefits: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per learner: the spread of predicted benefit, and how well it predicts outcome."""
    rows = []
    for name, benefit in benefits.items():
        b = benefit["benefit"].to_numpy(float)
        rows.append({
            "learner": name, "mean benefit": b.mean(), "SD": b.std(ddof=1),
            "10th percentile": np.percentile(b, 10), "90th percentile": np.percentile(b, 90),
            "share predicted to benefit": float(np.mean(b > 0)),
            "mean RMST benefit (y)": benefit["rmst_benefit"].mean(),
            "prognostic C": prognostic_c(trial, benefit)})
    return pd.DataFrame(rows)


def trust_table(
    trial: TwoArmTrial, benefits: dict[str, pd.DataFrame], horizon: float, n_bootstrap: int,
    seed: int,
) -> pd.DataFrame:
    """c-for-benefit with its 95% CI (bootstrap), among patients whose status at the
    horizon is known."""
    died, known = observed_by_horizon(trial.time, trial.event, horizon)
    rows = []
    for name, benefit in benefits.items():
        value, low, high = c_for_benefit_interval(
            benefit["benefit"].to_numpy(float)[known], trial.treated[known], died[known],
            n_bootstrap, seed)
        rows.append({"learner": name, "c-for-benefit": value, "low": low, "high": high})
    return pd.DataFrame(rows)


def calibration_tables(
    trial: TwoArmTrial, benefits: dict[str, pd.DataFrame], horizon: float, n_groups: int,
    n_bootstrap: int, seed: int,
) -> pd.DataFrame:
    """Calibration of benefit of every learner, one row per learner and group."""
    return pd.concat([
        calibration_of_benefit(benefit["benefit"].to_numpy(float), trial.treated, trial.time,
                               trial.event, horizon, n_groups, n_bootstrap, seed)
        .assign(learner=name)
        for name, benefit in benefits.items()], ignore_index=True)


def permutation_null(
    trial: TwoArmTrial, factories: dict[str, BaseFactory], horizon: float,
    rmst_horizon: float, n_folds: int, n_permutations: int, n_bootstrap: int, seed: int,
) -> pd.DataFrame:
    """The whole pipeline on trials whose arm labels are shuffled (so no patient can
    benefit): one row per permutation and learner with the c-for-benefit, its interval,
    and whether the interval "finds" benefit (lower end above 0.5)."""
    rng = np.random.default_rng(seed)
    rows = []
    for k in tqdm(range(n_permutations), desc="permutations", leave=False, disable=None):
        shuffled = trial.with_treatment(rng.permutation(trial.treated))
        benefits = all_learners(shuffled, factories, horizon, rmst_horizon, n_folds, seed + k)
        table = trust_table(shuffled, benefits, horizon, n_bootstrap, seed + k)
        spread = {n: b["benefit"].std(ddof=1) for n, b in benefits.items()}
        rows += [{"permutation": k, **row, "SD of predicted benefit": spread[row["learner"]],
                  "finds benefit": bool(row["low"] > 0.5)} for row in table.to_dict("records")]
    return pd.DataFrame(rows)


def positive_control(
    learner: str, make_base: BaseFactory, n_patients: int, n_runs: int, horizon: float,
    rmst_horizon: float, n_folds: int, n_bootstrap: int, seed: int, effect: str = "covariate",
) -> pd.DataFrame:
    """The pipeline of one learner on ``n_runs`` simulated trials of ``n_patients`` whose
    benefit truly differs between patients (:func:`medlib.treatment.simulate.simulate_trial`,
    ``effect`` ``"covariate"`` or the weaker ``"covariate_half"``): one row per trial with
    the c-for-benefit, its bootstrap interval, whether the interval lies above 0.5
    (``found``), and the simulated trial's share of deaths. How often it finds the known
    effect is what the design could detect.
    """
    rows = []
    for k in tqdm(range(n_runs), desc="positive control", leave=False, disable=None):
        simulated, _ = simulate_trial(n_patients, effect, seed + k, horizon)
        benefit = cross_fitted_benefit(simulated, learner, make_base, horizon, rmst_horizon,
                                       n_folds, seed + k)["benefit"].to_numpy(float)
        died, known = observed_by_horizon(simulated.time, simulated.event, horizon)
        value, low, high = c_for_benefit_interval(
            benefit[known], simulated.treated[known], died[known], n_bootstrap, seed + k)
        rows.append({"run": k, "c-for-benefit": value, "low": low, "high": high,
                     "found": bool(low > 0.5), "death share": float(simulated.event.mean())})
    return pd.DataFrame(rows)


def interaction_by_half(trial: TwoArmTrial, benefit: np.ndarray) -> dict:
    """The treatment effect in the half of the patients with the higher predicted benefit
    against the lower half: the difference of log hazard ratios (Cox model with arm, half
    and their product) with its Wald 95% interval."""
    high = (benefit > np.median(benefit)).astype(float)
    arm = trial.treated.astype(float)
    design = np.column_stack([arm, high, arm * high])
    fit = PHReg(trial.time, design, status=trial.event.astype(float), ties="breslow").fit(
        disp=False)
    delta, se = float(fit.params[2]), float(fit.bse[2])
    z = stats.norm.ppf(0.975)
    return {"delta log HR": delta, "low": delta - z * se, "high": delta + z * se,
            "p": float(2 * stats.norm.sf(abs(delta / se)))}


def power_for_interaction(trial: TwoArmTrial, delta_log_hr: float) -> dict:
    """Events and patients a trial needs to detect ``delta_log_hr`` between two equal
    halves with 80% power at two-sided 5%, at this trial's share of patients with an event."""
    events = interaction_events(delta_log_hr)
    share = float(np.mean(trial.event))
    return {"delta log HR": delta_log_hr, "events needed": events,
            "event share": share, "patients needed": patients_needed(events, share)}


def null_summary(null: pd.DataFrame, trust: pd.DataFrame, summary: pd.DataFrame) -> pd.DataFrame:
    """Per learner: the null runs' mean c-for-benefit, the share of them whose interval
    "finds" benefit, the share at or above the real trial's c-for-benefit (a permutation
    p-value), and the spread of predicted benefit under the null and for real."""
    real = trust.set_index("learner")["c-for-benefit"]
    rows = []
    for name, runs in null.groupby("learner", sort=False):
        rows.append({
            "learner": name,
            "mean null c-for-benefit": runs["c-for-benefit"].mean(),
            "real c-for-benefit": real[name],
            "share of null runs at or above the real one": float(
                np.mean(runs["c-for-benefit"] >= real[name])),
            "share of null runs finding benefit": float(runs["finds benefit"].mean()),
            "mean null SD of predicted benefit": runs["SD of predicted benefit"].mean(),
            "real SD of predicted benefit": summary.set_index("learner").loc[name, "SD"]})
    return pd.DataFrame(rows).set_index("learner").reindex(real.index)
