"""Individual treatment benefit: S- and T-learners over three survival models, cross-fitted.

A learner predicts, for one patient, survival on each arm; the benefit is the difference
(treated minus control), in survival probability at a horizon and in restricted mean
survival time (RMST, the area under the predicted curve). Positive favours treatment.

- S-learner: one model on the covariates, the arm, and the arm times each covariate (the
  interactions that let the effect differ between patients); benefit is its prediction
  with the arm set to 1 minus with the arm set to 0.
- T-learner: one model per arm, each fitted on that arm's patients only.

Base models: a ridge-penalised Cox model and a random survival forest (scikit-survival),
and the discrete-time hazard network of the progression chapters
(:mod:`medlib.survival.discrete_time`) with a small multilayer perceptron as its body,
since a trial records baseline covariates, not visits.

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
import torch
from sklearn.impute import SimpleImputer
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sksurv.ensemble import RandomSurvivalForest
from sksurv.linear_model import CoxPHSurvivalAnalysis
from sksurv.util import Surv

from medlib.survival.discrete_time import (
    discrete_targets,
    interval_edges,
    survival_at,
    survival_curve,
    torch_nll,
)
from medlib.train.selection import BestEpoch
from medlib.train.torch_loop import train_epochs
from medlib.treatment.trial import TwoArmTrial

RMST_GRID_STEP = 0.02  # years; the RMST integral of a predicted curve uses this grid


class SksurvBase:
    """A scikit-survival estimator as a base model: fit on (x, time, event), predict
    survival at any times (held at the last value beyond the training follow-up)."""

    def __init__(self, estimator, explicit_interactions: bool = False) -> None:
        self.estimator = estimator
        self.explicit_interactions = explicit_interactions

    def fit(self, x: np.ndarray, time: np.ndarray, event: np.ndarray) -> SksurvBase:
        self.fitted = self.estimator.fit(x, Surv.from_arrays(event=event.astype(bool), time=time))
        self.last_time = float(np.max(self.fitted.unique_times_))
        return self

    def survival(self, x: np.ndarray, times: np.ndarray) -> np.ndarray:
        functions = self.fitted.predict_survival_function(x)
        clipped = np.clip(np.asarray(times, float), None, self.last_time)
        return np.vstack([f(clipped) for f in functions])


COX_PENALTIES = (1.0, 10.0, 100.0, 1000.0)


def partial_log_likelihood(risk_score: np.ndarray, time: np.ndarray,
                           event: np.ndarray) -> float:
    """Cox partial log-likelihood with Breslow's handling of ties, at linear predictors
    ``risk_score`` (tested against statsmodels' ``PHReg.loglike``)."""
    order = np.argsort(-time, kind="stable")  # latest first: risk sets are prefixes
    eta, t, d = risk_score[order], time[order], event[order].astype(bool)
    shift = eta.max()
    cumulative = np.cumsum(np.exp(eta - shift))
    # the risk set of a time includes everyone tied with it: take the last of each tie run
    last_of_tie = np.r_[t[1:] != t[:-1], True]
    marked = np.where(last_of_tie, np.arange(len(t)), len(t))
    at_risk = np.minimum.accumulate(marked[::-1])[::-1]
    return float(np.sum(eta[d] - shift - np.log(cumulative[at_risk[d]])))


class CoxRidgeCV(SksurvBase):
    """Cox proportional hazards with a ridge penalty (scikit-survival's ``alpha``) chosen
    among ``penalties`` by the cross-validated partial likelihood of Verweij and van
    Houwelingen (1993) over ``inner_folds`` folds of the patients it is fitted on: for each
    inner fold, the likelihood of all patients minus that of the training part, at the
    coefficients fitted on the training part (the criterion glmnet uses for Cox models).

    A penalty is needed: with 33 inputs (an S-learner's covariates, arm and interactions)
    and a fold of a 312-patient trial, an unpenalised model predicts benefits of ±0.8. It is
    not chosen by Harrell's C, because shrinking every coefficient together barely changes
    a ranking: chosen by C, the penalties of a simulated trial's two arms swung between 1
    and 1000 and erased the simulated effect in one arm."""

    explicit_interactions = True

    def __init__(self, penalties: tuple[float, ...] = COX_PENALTIES, inner_folds: int = 3,
                 seed: int = 0) -> None:
        self.penalties, self.inner_folds, self.seed = penalties, inner_folds, seed

    def _cross_validated_likelihood(self, x, time, event, penalty: float) -> float:
        total = 0.0
        outcome = Surv.from_arrays(event=event, time=time)
        for train, _ in KFold(self.inner_folds, shuffle=True,
                              random_state=self.seed).split(x):
            model = CoxPHSurvivalAnalysis(alpha=penalty, ties="breslow").fit(
                x[train], outcome[train])
            eta = x @ model.coef_
            total += (partial_log_likelihood(eta, time, event)
                      - partial_log_likelihood(eta[train], time[train], event[train]))
        return total

    def fit(self, x: np.ndarray, time: np.ndarray, event: np.ndarray) -> CoxRidgeCV:
        event = event.astype(bool)
        scores = [self._cross_validated_likelihood(x, time, event, penalty)
                  for penalty in self.penalties]
        self.penalty = self.penalties[int(np.argmax(scores))]
        self.fitted = CoxPHSurvivalAnalysis(alpha=self.penalty, ties="breslow").fit(
            x, Surv.from_arrays(event=event, time=time))
        self.last_time = float(np.max(self.fitted.unique_times_))
        return self


def cox_ridge(seed: int = 0) -> CoxRidgeCV:
    """The chapter's Cox model: ridge penalty chosen by inner cross-validation."""
    return CoxRidgeCV(seed=seed)


def survival_forest(n_trees: int = 200, min_leaf: int = 15, seed: int = 0) -> SksurvBase:
    """Random survival forest (Ishwaran et al., 2008)."""
    return SksurvBase(RandomSurvivalForest(
        n_estimators=n_trees, min_samples_leaf=min_leaf, max_features="sqrt", n_jobs=1,
        random_state=seed))


class DiscreteTimeNetwork:
    """A multilayer perceptron with the discrete-time hazard head of the progression
    chapters. It trains full-batch with Adam on three quarters of the patients it is given
    and keeps the epoch with the lowest likelihood loss on the other quarter
    (:class:`medlib.train.selection.BestEpoch`, patience ``patience``): a fold of a
    300-patient trial overfits a network within a few dozen epochs."""

    def __init__(self, horizon: float, n_intervals: int = 12, hidden: int = 16,
                 dropout: float = 0.2, max_epochs: int = 300, patience: int = 20,
                 learning_rate: float = 0.01, weight_decay: float = 1e-3, seed: int = 0) -> None:
        self.edges = interval_edges(horizon, n_intervals)
        self.hidden, self.dropout, self.max_epochs = hidden, dropout, max_epochs
        self.patience, self.learning_rate = patience, learning_rate
        self.weight_decay, self.seed = weight_decay, seed

    def fit(self, x: np.ndarray, time: np.ndarray, event: np.ndarray) -> DiscreteTimeNetwork:
        torch.manual_seed(self.seed)
        rng = np.random.default_rng(self.seed)
        validation = np.zeros(len(x), bool)
        validation[rng.permutation(len(x))[: max(1, len(x) // 4)]] = True
        self.net = torch.nn.Sequential(
            torch.nn.Linear(x.shape[1], self.hidden), torch.nn.ReLU(),
            torch.nn.Dropout(self.dropout), torch.nn.Linear(self.hidden, len(self.edges) - 1))
        inputs = torch.as_tensor(x, dtype=torch.float32)
        targets = torch.from_numpy(discrete_targets(time, event, self.edges))
        fit_rows, val_rows = (torch.from_numpy(np.flatnonzero(rows))
                              for rows in (~validation, validation))
        optimizer = torch.optim.Adam(self.net.parameters(), lr=self.learning_rate,
                                     weight_decay=self.weight_decay)

        def validation_loss() -> float:
            self.net.eval()
            with torch.no_grad():
                return float(torch_nll(self.net(inputs[val_rows]), targets[val_rows]))

        train_epochs(
            self.net, optimizer, self.max_epochs, lambda: [(fit_rows,)],
            lambda rows: torch_nll(self.net(inputs[rows]), targets[rows]),
            validate=validation_loss,
            selection=BestEpoch(higher_is_better=False, min_delta=1e-4, patience=self.patience))
        self.net.eval()
        return self

    def survival(self, x: np.ndarray, times: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            hazards = torch.sigmoid(self.net(torch.as_tensor(x, dtype=torch.float32))).numpy()
        return survival_at(np.asarray(times, float), self.edges, survival_curve(hazards))


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
