"""One split of the progression experiment: fit every model, score it on the test people.

Deep models (recurrent in Keras, attention in torch) are trained with the discrete-time
likelihood of :mod:`medlib.survival.discrete_time`, with early stopping on a validation part of the
training people; survival baselines come from scikit-survival. Every model returns the same
two things for the test people: a risk score and a survival function, so that the metrics
of :mod:`medlib.metrics.survival` treat them alike. Chapter: ``progression``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import torch
from sksurv.ensemble import RandomSurvivalForest
from sksurv.linear_model import CoxPHSurvivalAnalysis

from medlib.metrics.survival import outcome_array
from medlib.models.attention import VisitSelfAttention
from medlib.models.recurrent import recurrent_survival_model
from medlib.survival.discrete_time import (
    discrete_targets,
    keras_nll,
    survival_at,
    survival_curve,
    torch_nll,
)
from medlib.survival.landmark import LandmarkSet


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


class EarlyStopping:
    """Keeps the state of the epoch with the lowest validation loss and says when
    ``patience`` epochs have passed without an improvement of at least ``min_delta``."""

    def __init__(self, patience: int, min_delta: float = 1e-4) -> None:
        self.patience, self.min_delta = patience, min_delta
        self.best, self.best_state, self.waited = np.inf, None, 0

    def should_stop(self, val_loss: float, snapshot: Callable[[], object]) -> bool:
        if val_loss < self.best - self.min_delta:
            self.best, self.best_state, self.waited = val_loss, snapshot(), 0
            return False
        self.waited += 1
        return self.waited >= self.patience


@contextmanager
def _quiet_tensorflow_retracing() -> Iterator[None]:
    """Each split builds new Keras models, and TensorFlow warns about re-tracing its step
    function every few models; the notice is expected here, so it is silenced while
    training and the logger restored afterwards."""
    logger = logging.getLogger("tensorflow")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def fit_recurrent(
    kind: str,
    train: LandmarkSet,
    val: LandmarkSet,
    test: LandmarkSet,
    edges: np.ndarray,
    epochs: int,
    seed: int,
    units: int = 32,
    batch_size: int = 64,
    learning_rate: float = 3e-3,
    patience: int = 5,
) -> FittedPrediction:
    """Keras SimpleRNN / GRU / LSTM, Adam on mini-batches, early stopping on the validation
    likelihood. A plain loop of ``train_on_batch`` calls: ``Model.fit`` costs about 0.15 s
    of bookkeeping per epoch, which 20 splits x 3 models x 30 epochs cannot afford."""
    import keras

    start = time.perf_counter()
    keras.utils.set_random_seed(seed)
    model = recurrent_survival_model(
        kind, train.sequences.shape[1], train.sequences.shape[2], len(edges) - 1, units=units
    )
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=keras_nll)
    y_train = discrete_targets(train.time, train.event, edges)
    y_val = discrete_targets(val.time, val.event, edges)
    rng = np.random.default_rng(seed)
    stopper = EarlyStopping(patience)
    with _quiet_tensorflow_retracing():
        for _ in range(epochs):
            order = rng.permutation(len(train))
            for rows in np.array_split(order, max(1, len(train) // batch_size)):
                model.train_on_batch([train.sequences[rows], train.mask[rows]], y_train[rows])
            val_logits = model([val.sequences, val.mask], training=False)
            val_loss = float(keras.ops.mean(keras_nll(y_val, val_logits)))
            if stopper.should_stop(val_loss, model.get_weights):
                break
    model.set_weights(stopper.best_state)
    logits = keras.ops.convert_to_numpy(model([test.sequences, test.mask], training=False))
    hazards = 1 / (1 + np.exp(-logits))
    return _discrete_prediction(hazards, edges, time.perf_counter() - start, {"model": model})


def _torch_batch(data: LandmarkSet, rows: np.ndarray) -> tuple[torch.Tensor, ...]:
    return (
        torch.from_numpy(data.sequences[rows]),
        torch.from_numpy(data.mask[rows]),
        torch.from_numpy(data.visit_times[rows]),
    )


def fit_attention(
    train: LandmarkSet,
    val: LandmarkSet,
    test: LandmarkSet,
    edges: np.ndarray,
    epochs: int,
    time_aware: bool,
    seed: int,
    d_model: int = 32,
    batch_size: int = 64,
    learning_rate: float = 3e-3,
    patience: int = 5,
) -> FittedPrediction:
    """The corrected self-attention model (torch) with early stopping on validation loss.
    ``extras["attention"]`` holds the test people's attention weights."""
    start = time.perf_counter()
    torch.manual_seed(seed)
    model = VisitSelfAttention(
        train.sequences.shape[2], len(edges) - 1, d_model=d_model, time_aware=time_aware
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    targets = {
        name: torch.from_numpy(discrete_targets(d.time, d.event, edges))
        for name, d in (("train", train), ("val", val))
    }
    rng = np.random.default_rng(seed)
    stopper = EarlyStopping(patience)
    for _ in range(epochs):
        model.train()
        for rows in np.array_split(rng.permutation(len(train)), max(1, len(train) // batch_size)):
            optimizer.zero_grad()
            logits, _ = model(*_torch_batch(train, rows))
            loss = torch_nll(logits, targets["train"][rows])
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            logits, _ = model(*_torch_batch(val, np.arange(len(val))))
            val_loss = float(torch_nll(logits, targets["val"]))
        snapshot = lambda: {k: v.clone() for k, v in model.state_dict().items()}  # noqa: E731
        if stopper.should_stop(val_loss, snapshot):
            break
    model.load_state_dict(stopper.best_state)
    model.eval()
    with torch.no_grad():
        logits, weights = model(*_torch_batch(test, np.arange(len(test))))
    hazards = torch.sigmoid(logits).numpy()
    return _discrete_prediction(
        hazards, edges, time.perf_counter() - start, {"attention": weights.numpy(), "model": model}
    )


def _sksurv_prediction(
    estimator, x_train, train: LandmarkSet, x_test, start: float
) -> FittedPrediction:
    estimator.fit(x_train, outcome_array(train.time, train.event))
    functions = estimator.predict_survival_function(x_test)
    risk = estimator.predict(x_test)
    domain_end = functions[0].x[-1]

    def survival_fn(times: np.ndarray) -> np.ndarray:
        clipped = np.clip(np.asarray(times, float), None, domain_end)
        return np.vstack([f(clipped) for f in functions])

    return FittedPrediction(risk, survival_fn, time.perf_counter() - start, {})


def fit_cox(
    train: LandmarkSet, test: LandmarkSet, covariates: str, ridge: float = 1.0
) -> FittedPrediction:
    """Cox model on ``covariates`` = "baseline" (entry values) or "at_landmark" (last known
    values). A mild ridge penalty (0.5 * ridge * ||beta||^2 added to the negative partial
    log-likelihood summed over people) keeps it finite when a rare diagnosis flag would
    otherwise separate the data; with ridge 0.1 some NAFLD splits overflowed."""
    start = time.perf_counter()
    return _sksurv_prediction(
        CoxPHSurvivalAnalysis(alpha=ridge),
        getattr(train, covariates),
        train,
        getattr(test, covariates),
        start,
    )


def fit_forest(
    train: LandmarkSet,
    test: LandmarkSet,
    seed: int,
    n_estimators: int = 200,
    min_samples_leaf: int = 10,
) -> FittedPrediction:
    """Random survival forest (Ishwaran et al., 2008) on the at-landmark covariates."""
    start = time.perf_counter()
    forest = RandomSurvivalForest(
        n_estimators=n_estimators,
        min_samples_leaf=min_samples_leaf,
        max_features="sqrt",
        n_jobs=2,
        random_state=seed,
    )
    return _sksurv_prediction(forest, train.at_landmark, train, test.at_landmark, start)
