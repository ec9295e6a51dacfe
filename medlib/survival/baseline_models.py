"""Survival models over baseline covariates, behind one small interface.

Each model is fitted on ``(x, time, event)`` and predicts survival probabilities at any
times (``survival(x, times)``, shape ``(n, len(times))``), so that the benchmark of the
progression chapters and the learners of the treatment chapter treat them alike:

- :class:`CoxRidgeCV`: Cox proportional hazards (scikit-survival) with a ridge penalty
  chosen by cross-validated partial likelihood;
- :func:`survival_forest`: scikit-survival's random survival forest;
- :class:`DiscreteTimeNetwork`: a multilayer perceptron with the discrete-time hazard head
  of :mod:`medlib.survival.discrete_time`, early-stopped on a quarter of its patients.

Chapters: ``treatment_benefit``, ``progression_benchmarks``.
"""

from __future__ import annotations

import itertools

import numpy as np
import torch
from sklearn.model_selection import KFold
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


class SksurvBase:
    """A scikit-survival estimator as a base model: fit on (x, time, event), predict
    survival at any times (held at the last value beyond the training follow-up)."""

    explicit_interactions = False  # an S-learner adds arm x covariate columns only when True

    def __init__(self, estimator) -> None:
        self.estimator = estimator

    def fit(self, x: np.ndarray, time: np.ndarray, event: np.ndarray) -> SksurvBase:
        self.fitted = self.estimator.fit(x, Surv.from_arrays(event=event.astype(bool), time=time))
        self.last_time = float(np.max(self.fitted.unique_times_))
        return self

    def survival(self, x: np.ndarray, times: np.ndarray) -> np.ndarray:
        """Read off the estimator's survival array at its event times, as its step
        functions would be (times before the first event time take the first value),
        without building one step function per patient: for 8,775 patients that is
        most of a forest's prediction time."""
        curves = self.fitted.predict_survival_function(x, return_array=True)
        knots = self.fitted.unique_times_
        clipped = np.clip(np.asarray(times, float), knots[0], self.last_time)
        return curves[:, np.searchsorted(knots, clipped, side="right") - 1]


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


def survival_forest(n_trees: int = 200, min_leaf: int = 15, seed: int = 0,
                    max_samples: int | None = None, n_jobs: int = 1) -> SksurvBase:
    """Random survival forest (Ishwaran et al., 2008). ``max_samples`` caps each tree's
    bootstrap sample: scikit-survival's split search costs grow with the number of
    distinct times in a node, so trees of 2,000 patients each make a forest on 8,775
    patients affordable. Results do not depend on ``n_jobs`` (each tree's seed is drawn
    before the trees are built)."""
    return SksurvBase(RandomSurvivalForest(
        n_estimators=n_trees, min_samples_leaf=min_leaf, max_features="sqrt",
        max_samples=max_samples, n_jobs=n_jobs, random_state=seed))


class DiscreteTimeNetwork:
    """A multilayer perceptron with the discrete-time hazard head of the progression
    chapters. It trains with Adam on three quarters of the patients it is given and keeps
    the epoch with the lowest likelihood loss on the other quarter
    (:class:`medlib.train.selection.BestEpoch`, patience ``patience``): a fold of a
    300-patient trial overfits a network within a few dozen epochs. Full-batch by default
    (a trial's fold is one batch); ``batch_size`` shuffles mini-batches every epoch, which
    thousands of patients need to converge in a few dozen epochs."""

    def __init__(self, horizon: float, n_intervals: int = 12, hidden: int = 16,
                 dropout: float = 0.2, max_epochs: int = 300, patience: int = 20,
                 learning_rate: float = 0.01, weight_decay: float = 1e-3, seed: int = 0,
                 batch_size: int | None = None,
                 start_at_average_hazard: bool = False) -> None:
        self.edges = interval_edges(horizon, n_intervals)
        self.batch_size = batch_size
        self.start_at_average_hazard = start_at_average_hazard
        self.hidden, self.dropout, self.max_epochs = hidden, dropout, max_epochs
        self.patience, self.learning_rate = patience, learning_rate
        self.weight_decay, self.seed = weight_decay, seed

    def fit(self, x: np.ndarray, time: np.ndarray, event: np.ndarray,
            validation: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
            epochs: int | None = None) -> DiscreteTimeNetwork:
        """Train on ``(x, time, event)``.

        - By default a random quarter of the patients is held out and training keeps the
          epoch with the lowest loss on it (early stopping).
        - With ``validation`` (x, time, event of other patients) every patient given is
          trained on and the early stopping watches ``validation``; ``epochs_at_best``
          (how many epochs had been trained at the best one) and ``best_loss`` record it.
        - With ``epochs`` every patient is trained on for exactly that many epochs.
        """
        torch.manual_seed(self.seed)
        rng = np.random.default_rng(self.seed)
        held_out = np.zeros(len(x), bool)
        if validation is None and epochs is None:
            held_out[rng.permutation(len(x))[: max(1, len(x) // 4)]] = True
        n_outputs = len(self.edges) - 1
        self.net = torch.nn.Sequential(
            torch.nn.Linear(x.shape[1], self.hidden), torch.nn.ReLU(),
            torch.nn.Dropout(self.dropout), torch.nn.Linear(self.hidden, n_outputs))
        inputs = torch.as_tensor(x, dtype=torch.float32)
        targets = torch.from_numpy(discrete_targets(time, event, self.edges))
        fit_rows = torch.from_numpy(np.flatnonzero(~held_out))
        if validation is None:
            val_inputs, val_targets = inputs[held_out], targets[held_out]
        else:
            val_inputs = torch.as_tensor(validation[0], dtype=torch.float32)
            val_targets = torch.from_numpy(discrete_targets(validation[1], validation[2],
                                                            self.edges))
        if self.start_at_average_hazard:
            self._start_at_average_hazard(targets[fit_rows])
        optimizer = torch.optim.Adam(self.net.parameters(), lr=self.learning_rate,
                                     weight_decay=self.weight_decay)

        def validation_loss() -> float:
            self.net.eval()
            with torch.no_grad():
                return float(torch_nll(self.net(val_inputs), val_targets))

        def batches() -> list[tuple[torch.Tensor]]:
            if self.batch_size is None:
                return [(fit_rows,)]
            shuffled = fit_rows[torch.from_numpy(rng.permutation(len(fit_rows)))]
            return [(chunk,) for chunk in torch.split(shuffled, self.batch_size)]

        selection = None if epochs is not None else BestEpoch(
            higher_is_better=False, min_delta=1e-4, patience=self.patience)
        train_epochs(
            self.net, optimizer, self.max_epochs if epochs is None else epochs, batches,
            lambda rows: torch_nll(self.net(inputs[rows]), targets[rows]),
            validate=None if selection is None else validation_loss, selection=selection)
        if selection is not None:
            self.epochs_at_best, self.best_loss = selection.best_epoch + 1, selection.best
        self.net.eval()
        return self

    def _start_at_average_hazard(self, targets: torch.Tensor) -> None:
        """Set the output biases to the log-odds of each interval's hazard among the
        training patients. With deaths in 1 of 13 people over 20 years the hazards are
        about 0.004 per interval; from the default start (0.5) the first epochs learn
        only that, and early stopping can end training before any covariate is used."""
        n = targets.shape[1] // 2
        hazard = targets[:, :n].sum(0) / targets[:, n:].sum(0).clamp(min=1.0)
        with torch.no_grad():
            self.net[-1].bias.copy_(torch.logit(hazard.clamp(1e-4, 1 - 1e-4)))

    def validation_loss(self, x: np.ndarray, time: np.ndarray, event: np.ndarray) -> float:
        """Mean discrete-time negative log-likelihood of held-out patients."""
        targets = torch.from_numpy(discrete_targets(time, event, self.edges))
        with torch.no_grad():
            return float(torch_nll(self.net(torch.as_tensor(x, dtype=torch.float32)), targets))

    def survival(self, x: np.ndarray, times: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            hazards = torch.sigmoid(self.net(torch.as_tensor(x, dtype=torch.float32))).numpy()
        return survival_at(np.asarray(times, float), self.edges, survival_curve(hazards))


NETWORK_GRID: dict[str, tuple] = {  # the declared search of the progression benchmarks
    "hidden": (32, 128),
    "dropout": (0.1, 0.4),
    "learning_rate": (3e-3, 1e-2),
}
NETWORK_FIXED: dict = {  # and what it holds fixed
    "n_intervals": 20,
    "batch_size": 256,
    "patience": 20,
    "weight_decay": 1e-4,
    "start_at_average_hazard": True,
}


class TunedNetwork:
    """:class:`DiscreteTimeNetwork` with its width, dropout, learning rate and number of
    epochs chosen on the patients it is fitted on only: every setting of ``grid`` is
    trained on three quarters of them while the discrete-time likelihood of the last
    quarter is watched, epoch by epoch (stopping after ``patience`` epochs without a gain,
    at most ``max_epochs``); the setting and epoch with the lowest loss win, and the winner
    is retrained on all the patients for that many epochs. The intervals run to the
    ``horizon_quantile`` of the training event times. ``choice`` records the winning
    setting, its epochs and its inner validation loss, so that a chapter can report them.

    With ``inner_folds`` > 1 the patients are split into that many folds instead, each
    setting is trained once per fold with that fold watched, and settings are compared by
    their mean best loss (epochs: the mean of the folds' best epochs). Small sets need it:
    on a 138-patient training half one inner quarter holds about 14 deaths, and in 3 of 25
    pbc_orsf splits its noise chose one epoch from the average-hazard start, a model that
    ignores the covariates.

    Retraining on every patient matters for small sets too: with early stopping inside
    each fit a 138-patient training half loses another quarter to the stopping rule."""

    def __init__(self, horizon_quantile: float = 0.8, grid: dict[str, tuple] | None = None,
                 fixed: dict | None = None, max_epochs: int = 300, inner_folds: int = 1,
                 seed: int = 0) -> None:
        self.horizon_quantile, self.max_epochs, self.seed = horizon_quantile, max_epochs, seed
        self.inner_folds = inner_folds
        self.grid = NETWORK_GRID if grid is None else grid
        self.fixed = NETWORK_FIXED if fixed is None else fixed

    def settings(self) -> list[dict]:
        """Every combination of the grid's values."""
        names = list(self.grid)
        return [dict(zip(names, values, strict=True))
                for values in itertools.product(*(self.grid[n] for n in names))]

    def _network(self, horizon: float, setting: dict) -> DiscreteTimeNetwork:
        return DiscreteTimeNetwork(horizon, max_epochs=self.max_epochs, seed=self.seed,
                                   **self.fixed, **setting)

    def _inner_parts(self, n: int) -> list[np.ndarray]:
        """Masks of the inner validation parts: one quarter, or ``inner_folds`` folds."""
        order = np.random.default_rng(self.seed + 1).permutation(n)
        if self.inner_folds == 1:
            chunks = [order[: max(1, n // 4)]]
        else:
            chunks = np.array_split(order, self.inner_folds)
        masks = []
        for chunk in chunks:
            mask = np.zeros(n, bool)
            mask[chunk] = True
            masks.append(mask)
        return masks

    def fit(self, x: np.ndarray, time: np.ndarray, event: np.ndarray) -> TunedNetwork:
        event = np.asarray(event, bool)
        horizon = float(np.quantile(time[event], self.horizon_quantile))
        parts = self._inner_parts(len(x))
        trials = []
        for setting in self.settings():
            losses, epochs = [], []
            for inner in parts:
                network = self._network(horizon, setting).fit(
                    x[~inner], time[~inner], event[~inner],
                    validation=(x[inner], time[inner], event[inner]))
                losses.append(network.best_loss)
                epochs.append(network.epochs_at_best)
            trials.append((float(np.mean(losses)), max(1, round(float(np.mean(epochs)))), setting))
        loss, epochs, setting = min(trials, key=lambda trial: trial[0])
        self.choice = {**setting, "epochs": epochs, "inner validation loss": loss}
        self.network = self._network(horizon, setting).fit(x, time, event, epochs=epochs)
        return self

    def survival(self, x: np.ndarray, times: np.ndarray) -> np.ndarray:
        return self.network.survival(x, times)


class Standardized:
    """A model fitted on inputs centred and scaled by the training patients' mean and
    standard deviation, as glmnet does inside its fit: a ridge penalty or a network's
    initial weights mean the same for every input only on a common scale. The scaling
    is undone nowhere (the model only ever sees scaled inputs)."""

    def __init__(self, model) -> None:
        self.model = model

    def _scale(self, x: np.ndarray) -> np.ndarray:
        return (x - self.mean) / self.scale

    def fit(self, x: np.ndarray, time: np.ndarray, event: np.ndarray) -> Standardized:
        self.mean = x.mean(axis=0)
        spread = x.std(axis=0)
        self.scale = np.where(spread > 0, spread, 1.0)
        self.model.fit(self._scale(x), time, event)
        self.choice = getattr(self.model, "choice", {})
        return self

    def survival(self, x: np.ndarray, times: np.ndarray) -> np.ndarray:
        return self.model.survival(self._scale(x), times)
