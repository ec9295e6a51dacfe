"""Individual treatment benefit: S- and T-learners over three survival models, cross-fitted.

A learner predicts, for one patient, survival on each arm; the benefit is the difference
(treated minus control), in survival probability at a horizon and in restricted mean
survival time (RMST, the area under the predicted curve). Positive favours treatment.

- S-learner: one model on the covariates, the arm, and the arm times each covariate (the
  interactions that let the effect differ between patients); benefit is its prediction
  with the arm set to 1 minus with the arm set to 0.
- T-learner: one model per arm, each fitted on that arm's patients only.

Base models (:mod:`medlib.survival.baseline_models`): a ridge-penalised Cox model and a
random survival forest (scikit-survival), and the discrete-time hazard network of the
progression chapters with a small multilayer perceptron as its body, since a trial
records baseline covariates, not visits.

Cross-fitting (:func:`cross_fitted_benefit`): the patients are split into folds and each
fold's benefit is predicted by learners fitted on the other folds, so no patient's benefit
comes from a model that saw that patient. Missing covariates are filled with the training
folds' medians and every covariate is standardised on the training folds.
Chapter: ``treatment_benefit``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.impute import SimpleImputer
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from medlib.survival.baseline_models import DiscreteTimeNetwork, cox_ridge, survival_forest
from medlib.treatment.trial import TwoArmTrial

RMST_GRID_STEP = 0.02  # years; the RMST integral of a predicted curve uses this grid


BaseFactory = Callable[[int], object]  # seed -> an unfitted base model


def base_factories(horizon: float, n_trees: int, epochs: int) -> dict[str, BaseFactory]:
    """The three base models of the chapter, by name (``horizon``: the network's last
    interval edge, at least the RMST horizon; ``epochs``: the network's most epochs)."""
    return {
        "Cox ridge": lambda seed: cox_ridge(seed),
        "survival forest": lambda seed: survival_forest(n_trees, seed=seed),
        "neural (discrete time)": lambda seed: DiscreteTimeNetwork(horizon, max_epochs=epochs,
                                                                   seed=seed),
    }


@dataclass(frozen=True)
class ArmSurvival:
    """Predicted survival of the same patients on each arm, on a grid of times."""

    times: np.ndarray
    treated: np.ndarray  # (n, len(times))
    control: np.ndarray

    def difference_at(self, horizon: float) -> np.ndarray:
        column = int(np.searchsorted(self.times, horizon, side="right")) - 1
        return self.treated[:, column] - self.control[:, column]

    def rmst_difference(self, horizon: float) -> np.ndarray:
        inside = self.times < horizon
        widths = np.diff(np.r_[self.times[inside], horizon])
        return (self.treated[:, inside] - self.control[:, inside]) @ widths


def s_learner(base: object, x_train: np.ndarray, treated: np.ndarray, time: np.ndarray,
              event: np.ndarray, x_test: np.ndarray, times: np.ndarray) -> ArmSurvival:
    """One model on the covariates and the arm (coded +1/2 treated, -1/2 control, so that
    a penalty treats the arms alike); predictions with the arm set to each value.

    A linear model (``base.explicit_interactions``) also gets arm × covariate columns, the
    only way it can let the effect differ between patients; a forest or a network models
    interactions itself, and extra columns that are zero in one arm would only give it a
    shortcut to separate the arms."""
    interactions = getattr(base, "explicit_interactions", False)

    def design(x: np.ndarray, arm: np.ndarray) -> np.ndarray:
        arm = (arm.astype(float) - 0.5)[:, None]
        return np.hstack([x, arm, arm * x] if interactions else [x, arm])

    base.fit(design(x_train, treated), time, event)
    ones, zeros = np.ones(len(x_test), bool), np.zeros(len(x_test), bool)
    return ArmSurvival(times, base.survival(design(x_test, ones), times),
                       base.survival(design(x_test, zeros), times))


def t_learner(make_base: BaseFactory, seed: int, x_train: np.ndarray, treated: np.ndarray,
              time: np.ndarray, event: np.ndarray, x_test: np.ndarray,
              times: np.ndarray) -> ArmSurvival:
    """One model per arm, fitted on that arm's patients."""
    curves = {}
    for arm in (True, False):
        rows = treated == arm
        model = make_base(seed).fit(x_train[rows], time[rows], event[rows])
        curves[arm] = model.survival(x_test, times)
    return ArmSurvival(times, curves[True], curves[False])


LEARNERS = ("S", "T")


def _preprocess(train: pd.DataFrame, test: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    scaler = make_pipeline(SimpleImputer(strategy="median"), StandardScaler()).fit(train)
    return scaler.transform(train), scaler.transform(test)


def benefit_folds(trial: TwoArmTrial, n_folds: int, seed: int) -> np.ndarray:
    """Fold of each patient, stratified by arm and event so that every fold is a small
    trial of its own."""
    strata = trial.treated.astype(int) * 2 + trial.event.astype(int)
    folds = np.empty(len(trial), int)
    splitter = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    for fold, (_, test) in enumerate(splitter.split(np.zeros(len(trial)), strata)):
        folds[test] = fold
    return folds


def cross_fitted_benefit(
    trial: TwoArmTrial,
    learner: str,
    make_base: BaseFactory,
    horizon: float,
    rmst_horizon: float,
    n_folds: int,
    seed: int,
) -> pd.DataFrame:
    """Each patient's predicted benefit from a learner fitted without that patient.

    Columns: ``fold``, ``benefit`` (survival difference at ``horizon``), ``rmst_benefit``
    (RMST difference to ``rmst_horizon``, years), ``survival_control`` and
    ``survival_treated`` at ``horizon``.
    """
    if learner not in LEARNERS:
        raise ValueError(f"learner {learner!r} is not one of {LEARNERS}")
    folds = benefit_folds(trial, n_folds, seed)
    times = np.arange(0.0, max(horizon, rmst_horizon) + RMST_GRID_STEP / 2, RMST_GRID_STEP)
    out = pd.DataFrame(index=range(len(trial)), columns=[
        "fold", "benefit", "rmst_benefit", "survival_control", "survival_treated"], dtype=float)
    for fold in range(n_folds):
        test, train = np.flatnonzero(folds == fold), np.flatnonzero(folds != fold)
        x_train, x_test = _preprocess(trial.covariates.iloc[train], trial.covariates.iloc[test])
        args = (x_train, trial.treated[train], trial.time[train], trial.event[train], x_test,
                times)
        if learner == "S":
            curves = s_learner(make_base(seed + fold), *args)
        else:
            curves = t_learner(make_base, seed + fold, *args)
        column = int(np.searchsorted(times, horizon, side="right")) - 1
        out.loc[test, "fold"] = fold
        out.loc[test, "benefit"] = curves.difference_at(horizon)
        out.loc[test, "rmst_benefit"] = curves.rmst_difference(rmst_horizon)
        out.loc[test, "survival_control"] = curves.control[:, column]
        out.loc[test, "survival_treated"] = curves.treated[:, column]
    return out
