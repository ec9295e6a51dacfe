"""One split of the progression experiment: fit every model, score it on the test people.

Deep models (recurrent in Keras, attention in torch) are trained with the discrete-time
likelihood of :mod:`medlib.survival.discrete_time`, with early stopping on a validation part of
the training people (:class:`medlib.train.selection.BestEpoch`: lowest validation loss, by more
than 1e-4, patience 5); survival baselines come from scikit-survival. Every model returns the same
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
    likelihood (the shared :class:`~medlib.train.selection.BestEpoch` rule).

    The loop is a plain one of ``train_on_batch`` calls, not :mod:`medlib.train.keras_loop`'s
    ``Model.fit``: fit costs about 0.15 s of bookkeeping per epoch (callbacks, a new data
    adapter, logs), which 20 splits x 3 models x up to 40 epochs cannot afford on tiny
    cohorts; the selection rule is the same object either way."""
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
    selection = _early_stopping(patience)
    with _quiet_tensorflow_retracing():
        for _ in range(epochs):
            order = rng.permutation(len(train))
            for rows in np.array_split(order, max(1, len(train) // batch_size)):
                model.train_on_batch([train.sequences[rows], train.mask[rows]], y_train[rows])
            val_logits = model([val.sequences, val.mask], training=False)
            selection.update(float(keras.ops.mean(keras_nll(y_val, val_logits))), model.get_weights)
            if selection.should_stop:
                break
    model.set_weights(selection.best_state)
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
    """The corrected self-attention model (torch) with early stopping on validation loss,
    trained by the shared torch loop :func:`medlib.train.torch_loop.train_epochs`.
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

    def batches():
        for rows in np.array_split(rng.permutation(len(train)), max(1, len(train) // batch_size)):
            yield (rows,)

    def loss(rows: np.ndarray) -> torch.Tensor:
        logits, _ = model(*_torch_batch(train, rows))
        return torch_nll(logits, targets["train"][rows])

    def validation_loss() -> float:
        model.eval()
        with torch.no_grad():
            logits, _ = model(*_torch_batch(val, np.arange(len(val))))
            return float(torch_nll(logits, targets["val"]))

    train_epochs(
        model, optimizer, epochs, batches, loss,
        validate=validation_loss, selection=_early_stopping(patience),
    )
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
