"""Training loops: the MedMNIST v2 protocol for Keras binary classifiers.

The protocol (Yang et al., 2023): Adam, learning rate multiplied by 0.1 at 50% and 75% of
the epochs, and the model kept from the epoch with the best validation AUROC, never the
last epoch and never chosen on test data. Used by ``cnn_diagnosis``; ``optimizers`` trains
with other optimisers under the same selection.

The loop is Keras's own ``Model.fit`` with callbacks; the decay is
:meth:`medlib.optim.schedules.StepDecay.medmnist` (the torch loop's "step" schedule is the
same object) and the best epoch is chosen by :class:`medlib.train.selection.BestEpoch`,
the rule every loop of the book keeps its model by.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import keras
import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from medlib.optim.schedules import StepDecay
from medlib.train.selection import BestEpoch


def predict_scores(model: keras.Model, x: np.ndarray, batch_size: int = 512) -> np.ndarray:
    """Sigmoid outputs of ``model`` on ``x`` as a flat float array, in inference mode.

    Calls the model directly rather than ``model.predict``: predict compiles a new
    ``tf.function`` for every new model, and a notebook that trains several models would
    fill its output with TensorFlow's retracing warnings.
    """
    batches = [
        keras.ops.convert_to_numpy(model(x[start : start + batch_size], training=False))
        for start in range(0, len(x), batch_size)
    ]
    return np.concatenate(batches).ravel()


class BestValidationAUROC(keras.callbacks.Callback):
    """Score the validation set after each epoch and keep the weights of the best epoch
    (:class:`~medlib.train.selection.BestEpoch`: strictly higher AUROC, no early stopping)."""

    def __init__(self, x_val: np.ndarray, y_val: np.ndarray, batch_size: int = 512) -> None:
        super().__init__()
        self.x_val, self.y_val, self.batch_size = x_val, np.ravel(y_val), batch_size
        self.selection = BestEpoch(higher_is_better=True)

    @property
    def best_auroc(self) -> float:
        return self.selection.best

    @property
    def best_epoch(self) -> int:
        """0-based index of the kept epoch (-1 before the first)."""
        return self.selection.best_epoch

    @property
    def best_weights(self) -> list[np.ndarray] | None:
        return self.selection.best_state

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        scores = predict_scores(self.model, self.x_val, self.batch_size)
        auroc = float(roc_auc_score(self.y_val, scores))
        if logs is not None:
            logs["val_auroc"] = auroc
        self.selection.update(auroc, self.model.get_weights)


class EpochTimer(keras.callbacks.Callback):
    """Adds the wall-clock seconds of each epoch to the logs (and so to the history)."""

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if logs is not None:
            logs["seconds"] = time.perf_counter() - self.start


def fit_binary(
    model: keras.Model,
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_val: np.ndarray,
    y_val: np.ndarray,
    optimizer: keras.optimizers.Optimizer,
    epochs: int,
    batch_size: int,
    lr_schedule: Callable[[int], float] | None = None,
) -> pd.DataFrame:
    """Train a one-sigmoid-output ``model`` with binary cross-entropy and ``optimizer``,
    score the validation split after every epoch and restore the best-AUROC weights.

    ``lr_schedule`` maps the 0-based epoch to a learning rate. Returns one row per epoch:
    training and validation loss, validation AUROC, learning rate and seconds, plus a
    ``selected`` column marking the kept epoch. Used by ``cnn_diagnosis`` (through
    :func:`fit_binary_medmnist_protocol`) and ``optimizers``.
    """
    model.compile(optimizer=optimizer, loss="binary_crossentropy")
    selector = BestValidationAUROC(x_val, y_val)
    callbacks = [EpochTimer(), selector]
    if lr_schedule is not None:
        callbacks.insert(0, keras.callbacks.LearningRateScheduler(lr_schedule))
    history = model.fit(
        x_train,
        y_train.astype("float32"),
        validation_data=(x_val, y_val.astype("float32")),
        epochs=epochs,
        batch_size=batch_size,
        shuffle=True,
        verbose=0,
        callbacks=callbacks,
    )
    model.set_weights(selector.best_weights)
    frame = pd.DataFrame(history.history)
    frame.insert(0, "epoch", np.arange(1, len(frame) + 1))
    frame["selected"] = frame["epoch"] == selector.best_epoch + 1
    return frame.rename(columns={"loss": "train_loss"})


def fit_binary_medmnist_protocol(
    model: keras.Model,
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_val: np.ndarray,
    y_val: np.ndarray,
    epochs: int,
    batch_size: int,
    learning_rate: float,
) -> pd.DataFrame:
    """:func:`fit_binary` under the MedMNIST v2 protocol: Adam, learning rate times 0.1 at
    50% and 75% of the epochs (:meth:`~medlib.optim.schedules.StepDecay.medmnist`, set at
    the start of each epoch), best validation AUROC kept."""
    decay = StepDecay.medmnist(learning_rate, epochs)
    return fit_binary(
        model,
        x_train,
        y_train,
        x_val,
        y_val,
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
        epochs=epochs,
        batch_size=batch_size,
        lr_schedule=lambda epoch: float(decay(epoch)),
    )
