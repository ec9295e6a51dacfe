"""Simulated two-arm trials whose individual treatment effect is known.

A benefit metric can only be checked against a truth, and no real trial has one: each
patient is seen on one arm only. Here every patient's survival on both arms is known in
closed form, so the c-for-benefit and the calibration of benefit
(:mod:`.benefit_metrics`) and the learners (:mod:`.learners`) can be tested on whether
they find an effect that is there and find none where there is none.

Design: five independent standard-normal covariates ``x1``..``x5``; 1:1 randomisation
(exactly half the patients treated); death from a Weibull proportional-hazards model,
hazard ``BASELINE_RATE * SHAPE * t**(SHAPE - 1) * exp(lp)`` with the prognostic part of
``lp`` equal to ``0.8 x1 + 0.5 x2`` and, for the treated, a log hazard ratio of
``-0.3 - 0.9 x1`` (effect ``"covariate"``: the patients with a high ``x1``, who are also the
ones at high risk, benefit most and those with a very low ``x1`` are harmed), half that
slope (``"covariate_half"``, the weaker heterogeneity a positive control also tries) or 0
(effect ``"none"``); uniform administrative censoring between ``censoring_years``. Within
5 years about 49% of the control patients die, 39% of the treated with effect
``"covariate"``, and the average true benefit is about +0.11.
Chapter: ``treatment_benefit``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from medlib.treatment.trial import TwoArmTrial

COVARIATES = ("x1", "x2", "x3", "x4", "x5")
PROGNOSTIC = np.array([0.8, 0.5, 0.0, 0.0, 0.0])  # log hazard ratio per SD, both arms
BASELINE_RATE = 0.09  # cumulative hazard at 1 year of a patient with lp = 0
SHAPE = 1.2  # Weibull shape: the hazard rises slowly with time
# Treatment log hazard ratio: intercept + slope * x1, by kind of effect.
EFFECTS = {"covariate": (-0.3, -0.9), "covariate_half": (-0.3, -0.45), "none": (0.0, 0.0)}


def _check_effect(effect: str) -> tuple[float, float]:
    if effect not in EFFECTS:
        raise ValueError(f"effect {effect!r} is not one of {tuple(EFFECTS)}")
    return EFFECTS[effect]


def log_hazard(covariates: pd.DataFrame, treated: np.ndarray, effect: str) -> np.ndarray:
    """Each patient's linear predictor on the given arm (prognostic part plus, if
    treated, the log hazard ratio of treatment)."""
    intercept, slope = _check_effect(effect)
    x = covariates[list(COVARIATES)].to_numpy(float)
    log_hr = intercept + slope * x[:, 0]
    return x @ PROGNOSTIC + np.asarray(treated, float) * log_hr


def true_survival(covariates: pd.DataFrame, treated: np.ndarray, effect: str,
                  horizon: float) -> np.ndarray:
    """Each patient's true probability of surviving to ``horizon`` on the given arm."""
    cumulative = BASELINE_RATE * horizon**SHAPE * np.exp(log_hazard(covariates, treated, effect))
    return np.exp(-cumulative)


def true_benefit(covariates: pd.DataFrame, effect: str, horizon: float = 5.0) -> np.ndarray:
    """Each patient's true benefit: survival to ``horizon`` if treated minus if not
    (positive favours treatment)."""
    n = len(covariates)
    return (true_survival(covariates, np.ones(n, bool), effect, horizon)
            - true_survival(covariates, np.zeros(n, bool), effect, horizon))


def simulate_trial(
    n: int,
    effect: str,
    seed: int,
    horizon: float = 5.0,
    censoring_years: tuple[float, float] = (3.0, 10.0),
) -> tuple[TwoArmTrial, np.ndarray]:
    """A simulated trial of ``n`` patients and each patient's true benefit at ``horizon``.

    ``effect``: ``"covariate"`` (the log hazard ratio falls with ``x1``) or ``"none"``.
    """
    _check_effect(effect)
    rng = np.random.default_rng(seed)
    covariates = pd.DataFrame(rng.standard_normal((n, len(COVARIATES))), columns=COVARIATES)
    treated = rng.permutation(np.arange(n) < n // 2)
    rate = BASELINE_RATE * np.exp(log_hazard(covariates, treated, effect))
    death = (rng.exponential(size=n) / rate) ** (1 / SHAPE)  # inverts exp(-rate * t**SHAPE)
    censoring = rng.uniform(*censoring_years, size=n)
    trial = TwoArmTrial(
        covariates, treated, np.minimum(death, censoring), death <= censoring,
        "treatment", "control", "death")
    return trial, true_benefit(covariates, effect, horizon)
