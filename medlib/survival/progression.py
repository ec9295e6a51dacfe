"""One split of the progression experiment: fit every model, score it on the test people.

Deep models (recurrent and attention, torch) are trained with the discrete-time
likelihood of :mod:`medlib.survival.discrete_time`, with early stopping on a validation part of
the training people (:class:`medlib.train.selection.BestEpoch`: lowest validation loss, by more
than 1e-4, patience 5), each at the settings of one :class:`FitSettings`; survival baselines
come from scikit-survival. Every model returns the same two things for the test people: a
risk score and a survival function, so that the metrics of :mod:`medlib.metrics.survival`
treat them alike. Chapter: ``progression``.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from sksurv.ensemble import RandomSurvivalForest
from sksurv.linear_model import CoxPHSurvivalAnalysis

from medlib.metrics.survival import outcome_array
from medlib.models.attention import VisitSelfAttention
from medlib.models.recurrent import VisitRecurrent
from medlib.survival.discrete_time import (
    discrete_targets,
    survival_at,
    survival_curve,
    torch_nll,
)
from medlib.survival.landmark import LandmarkSet
from medlib.train.selection import BestEpoch
from medlib.train.torch_loop import train_epochs


@dataclass
class FittedPrediction:
    """What every model hands to the metrics: risk scores and a survival function."""

    risk: np.ndarray
    survival_fn: Callable[[np.ndarray], np.ndarray]
    seconds: float
    extras: dict


def _discrete_prediction(
    hazards: np.ndarray, edges: np.ndarray, seconds: float, extras: dict | None = None
) -> FittedPrediction:
    survival = survival_curve(hazards)
    return FittedPrediction(
        risk=1.0 - survival[:, -1],  # probability of death by the last edge
        survival_fn=lambda times: survival_at(times, edges, survival),
        seconds=seconds,
        extras=extras or {},
    )


def _early_stopping(patience: int) -> BestEpoch:
    """The progression chapter's rule: keep the lowest validation loss, count an epoch as an
    improvement only when it lowers the loss by more than 1e-4, stop after ``patience``
    epochs without one."""
    return BestEpoch(higher_is_better=False, min_delta=1e-4, patience=patience)


def _torch_batch(data: LandmarkSet, rows: np.ndarray) -> tuple[torch.Tensor, ...]:
    return (
        torch.from_numpy(data.sequences[rows]),
        torch.from_numpy(data.mask[rows]),
        torch.from_numpy(data.visit_times[rows]),
    )


@dataclass(frozen=True)
class FitSettings:
    """How one deep model is trained: the settings that :func:`fit_recurrent`,
    :func:`fit_attention`, :func:`fit_deep` and :func:`fit_searched` share, in one place.

    ``epochs`` is a maximum (early stopping on the validation people, after ``patience``
    epochs without an improvement); ``seed`` seeds the weights and the order of the
    mini-batches of ``batch_size`` people; ``units`` is the width of the recurrent or
    attention layer and ``dropout`` its dropout; Adam runs at ``learning_rate``. The
    defaults are the seed design's setting."""

    epochs: int
    seed: int
    units: int = 32
    dropout: float = 0.1
    batch_size: int = 64
    learning_rate: float = 3e-3
    patience: int = 5

    def with_setting(self, setting: dict) -> FitSettings:
        """These settings with a searched setting (``{"units": 64, "dropout": 0.3}``)."""
        return dataclasses.replace(self, **setting)


def _fit_visit_model(
    model: torch.nn.Module,
    logits_of: Callable[[torch.nn.Module, tuple[torch.Tensor, ...]], torch.Tensor],
    train: LandmarkSet,
    val: LandmarkSet,
    edges: np.ndarray,
    fit: FitSettings,
) -> BestEpoch:
    """Adam on shuffled mini-batches of people, the discrete-time likelihood as the loss,
    early stopping on the validation people (:func:`medlib.train.torch_loop.train_epochs`);
    ``model`` ends with the weights of its best epoch, and the returned selection holds
    that epoch and its validation loss (what :func:`fit_searched` compares)."""
    optimizer = torch.optim.Adam(model.parameters(), lr=fit.learning_rate)
    targets = {
        name: torch.from_numpy(discrete_targets(d.time, d.event, edges))
        for name, d in (("train", train), ("val", val))
    }
    rng = np.random.default_rng(fit.seed)

    def batches():
        for rows in np.array_split(rng.permutation(len(train)),
                                   max(1, len(train) // fit.batch_size)):
            yield (rows,)

    def loss(rows: np.ndarray) -> torch.Tensor:
        return torch_nll(logits_of(model, _torch_batch(train, rows)), targets["train"][rows])

    def validation_loss() -> float:
        model.eval()
        with torch.no_grad():
            logits = logits_of(model, _torch_batch(val, np.arange(len(val))))
            return float(torch_nll(logits, targets["val"]))

    selection = _early_stopping(fit.patience)
    train_epochs(model, optimizer, fit.epochs, batches, loss, validate=validation_loss,
                 selection=selection)
    model.eval()
    return selection


def fit_recurrent(
    kind: str,
    train: LandmarkSet,
    val: LandmarkSet,
    test: LandmarkSet,
    edges: np.ndarray,
    fit: FitSettings,
) -> FittedPrediction:
    """SimpleRNN / GRU / LSTM (:class:`medlib.models.recurrent.VisitRecurrent`), Adam on
    mini-batches, early stopping on the validation likelihood (the shared
    :class:`~medlib.train.selection.BestEpoch` rule). ``extras["model"]`` is the fitted model."""
    start = time.perf_counter()
    torch.manual_seed(fit.seed)
    model = VisitRecurrent(kind, train.sequences.shape[2], len(edges) - 1, units=fit.units,
                           dropout=fit.dropout)
    selection = _fit_visit_model(model, lambda m, batch: m(*batch[:2]), train, val, edges, fit)
    with torch.no_grad():
        hazards = torch.sigmoid(model(*_torch_batch(test, np.arange(len(test)))[:2])).numpy()
    return _discrete_prediction(hazards, edges, time.perf_counter() - start,
                                {"model": model, **_selected(selection)})


def fit_attention(
    train: LandmarkSet,
    val: LandmarkSet,
    test: LandmarkSet,
    edges: np.ndarray,
    fit: FitSettings,
    time_aware: bool,
) -> FittedPrediction:
    """The corrected self-attention model (:class:`medlib.models.attention.VisitSelfAttention`,
    of width ``fit.units``), trained like :func:`fit_recurrent`. ``extras["attention"]``
    holds the test people's attention weights."""
    start = time.perf_counter()
    torch.manual_seed(fit.seed)
    model = VisitSelfAttention(
        train.sequences.shape[2], len(edges) - 1, d_model=fit.units, time_aware=time_aware,
        dropout=fit.dropout,
    )
    selection = _fit_visit_model(model, lambda m, batch: m(*batch)[0], train, val, edges, fit)
    with torch.no_grad():
        logits, weights = model(*_torch_batch(test, np.arange(len(test))))
    hazards = torch.sigmoid(logits).numpy()
    return _discrete_prediction(
        hazards, edges, time.perf_counter() - start,
        {"attention": weights.numpy(), "model": model, **_selected(selection)},
    )


def _selected(selection: BestEpoch) -> dict:
    return {"validation_loss": float(selection.best), "epochs": selection.best_epoch + 1}


#: The chapter's deep models, by name: the seed's recurrent design in three cells, and the
#: corrected self-attention without and with an encoding of the visits' actual times.
DEEP_MODELS = ("SimpleRNN", "GRU", "LSTM", "self-attention", "self-attention, time-aware")


def fit_deep(
    name: str,
    train: LandmarkSet,
    val: LandmarkSet,
    test: LandmarkSet,
    edges: np.ndarray,
    fit: FitSettings,
) -> FittedPrediction:
    """Fit the deep model called ``name`` (one of :data:`DEEP_MODELS`) at one setting."""
    if name not in DEEP_MODELS:
        raise ValueError(f"unknown deep model {name!r}; choose from {', '.join(DEEP_MODELS)}")
    if name.startswith("self-attention"):
        return fit_attention(train, val, test, edges, fit, name.endswith("time-aware"))
    return fit_recurrent(name, train, val, test, edges, fit)


@dataclass(frozen=True)
class SearchGrid:
    """A declared grid of deep-model settings: every combination of width and dropout is
    fitted on the same training people and early-stopped on the same validation people
    (so the number of epochs is searched too); the lowest validation loss wins. The test
    people never take part."""

    units: tuple[int, ...] = (32, 64)
    dropout: tuple[float, ...] = (0.1, 0.3)

    def settings(self) -> list[dict]:
        return [{"units": u, "dropout": d} for u in self.units for d in self.dropout]

    @classmethod
    def parse(cls, units: str, dropout: str) -> SearchGrid:
        """From notebook parameters such as ``"32,64"`` and ``"0.1,0.3"``."""
        return cls(tuple(int(u) for u in units.split(",")),
                   tuple(float(d) for d in dropout.split(",")))


def fit_searched(
    name: str,
    grid: SearchGrid,
    train: LandmarkSet,
    val: LandmarkSet,
    test: LandmarkSet,
    edges: np.ndarray,
    fit: FitSettings,
    search_people: int = 0,
) -> FittedPrediction:
    """The deep model ``name`` at the setting of ``grid`` with the lowest validation loss
    (each setting replaces ``fit.units`` and ``fit.dropout``).

    ``search_people`` > 0 compares the settings on that many training people (a random
    draw from ``fit.seed``) and then refits the winner on all of them, which keeps a search
    affordable on a large cohort; 0 compares them on every training person and keeps the
    winner as fitted. ``extras`` gains ``setting`` (the winner) and ``search`` (each
    setting's validation loss, best epoch and whether it was chosen); ``seconds`` covers
    the whole search."""
    start = time.perf_counter()
    searched_on = train
    if 0 < search_people < len(train):
        rows = np.sort(np.random.default_rng(fit.seed).choice(len(train), search_people,
                                                              replace=False))
        searched_on = train.subset(rows)
    trials = []
    for setting in grid.settings():
        fitted = fit_deep(name, searched_on, val, test, edges, fit.with_setting(setting))
        trials.append((fitted.extras["validation_loss"], setting, fitted))
    _, best_setting, best = min(trials, key=lambda trial: trial[0])
    if searched_on is not train:
        best = fit_deep(name, train, val, test, edges, fit.with_setting(best_setting))
    best.extras["setting"] = best_setting
    best.extras["search"] = [{**setting, "validation_loss": loss,
                              "epochs": fitted.extras["epochs"],
                              "chosen": setting == best_setting}
                             for loss, setting, fitted in trials]
    best.seconds = time.perf_counter() - start
    return best


def _sksurv_prediction(
    estimator, x_train, train: LandmarkSet, x_test, start: float
) -> FittedPrediction:
    """Fit, then read survival off the estimator's survival array at its knots, as its step
    functions would be (held at the first value before the first knot and at the last one
    beyond them; equal to the step functions' values, which a test checks), without
    building one step function per test person."""
    estimator.fit(x_train, outcome_array(train.time, train.event))
    curves = estimator.predict_survival_function(x_test, return_array=True)
    risk = estimator.predict(x_test)
    knots = estimator.unique_times_

    def survival_fn(times: np.ndarray) -> np.ndarray:
        clipped = np.clip(np.asarray(times, float), knots[0], knots[-1])
        return curves[:, np.searchsorted(knots, clipped, side="right") - 1]

    return FittedPrediction(risk, survival_fn, time.perf_counter() - start, {})


def fit_cox(
    train: LandmarkSet, test: LandmarkSet, covariates: str, ridge: float = 1.0
) -> FittedPrediction:
    """Cox model on ``covariates`` = "baseline" (entry values) or "at_landmark" (last known
    values). A mild ridge penalty (0.5 * ridge * ||beta||^2 added to the negative partial
    log-likelihood summed over people) keeps it finite when a rare diagnosis flag would
    otherwise separate the data; with ridge 0.1 some NAFLD splits overflowed.

    On the whole NAFLD cohort a Newton step of scikit-survival's optimiser can overshoot,
    and evaluating the likelihood there overflows ``exp``; the optimiser then halves the
    step, so the warning says nothing about the fitted model. It is silenced during the
    fit, and the fitted coefficients are checked to be finite instead."""
    start = time.perf_counter()
    estimator = CoxPHSurvivalAnalysis(alpha=ridge)
    with np.errstate(over="ignore"):
        prediction = _sksurv_prediction(estimator, getattr(train, covariates), train,
                                        getattr(test, covariates), start)
    if not np.all(np.isfinite(estimator.coef_)):
        raise FloatingPointError(
            f"the Cox model on {covariates} covariates did not converge to finite "
            f"coefficients; raise the ridge penalty (now {ridge})")
    return prediction


def fit_forest(
    train: LandmarkSet,
    test: LandmarkSet,
    seed: int,
    n_estimators: int = 200,
    min_samples_leaf: int = 10,
    max_samples: int | None = None,
) -> FittedPrediction:
    """Random survival forest (Ishwaran et al., 2008) on the at-landmark covariates.
    ``max_samples`` caps each tree's bootstrap sample, as in
    :func:`medlib.survival.baseline_models.survival_forest`: on the whole NAFLD cohort
    (11,800 training people) full-size trees cost 50 s per split on 2 cores."""
    start = time.perf_counter()
    forest = RandomSurvivalForest(
        n_estimators=n_estimators,
        min_samples_leaf=min_samples_leaf,
        max_features="sqrt",
        max_samples=max_samples,
        n_jobs=2,
        random_state=seed,
    )
    return _sksurv_prediction(forest, train.at_landmark, train, test.at_landmark, start)
