"""medlib.optim.same_start: runs start from the same weights, and the table reads them right."""

import keras
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from medlib.metrics.multiclass import auroc_with_ci
from medlib.optim.same_start import (
    SameStartRun,
    comparison_table,
    epochs_to_target,
    train_from_same_start,
)


def _data():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((96, 4)).astype("float32")
    y = (x[:, 0] + 0.5 * rng.standard_normal(96) > 0).astype("float32")
    return x, y


def _build():
    return keras.Sequential([keras.Input((4,)), keras.layers.Dropout(0.3),
                             keras.layers.Dense(1, activation="sigmoid")])


def test_identical_rules_give_identical_runs_and_differ_from_another_rule():
    x, y = _data()
    built, starts = [], []

    def build():
        built.append(_build())
        return built[-1]

    def fit(model, optimizer):
        starts.append(model.get_weights())
        model.compile(optimizer=optimizer, loss="binary_crossentropy")
        loss = model.fit(x, y, epochs=2, batch_size=16, shuffle=True, verbose=0).history["loss"]
        return pd.DataFrame({"epoch": [1, 2], "loss": loss})

    runs = train_from_same_start(
        build,
        {"a": lambda: keras.optimizers.SGD(0.1), "b": lambda: keras.optimizers.SGD(0.1),
         "c": lambda: keras.optimizers.Adam(0.1)},
        fit, lambda model: np.asarray(model(x, training=False)).ravel(),
        reseed=lambda: keras.utils.set_random_seed(7),
    )
    # every trained model started from the weights of the first one built (never trained)
    assert len(built) == 4 and len(starts) == 3
    for start in starts:
        for ours, initial in zip(start, built[0].get_weights(), strict=True):
            np.testing.assert_array_equal(ours, initial)
    # same start, same shuffling and dropout: the two SGD runs are the same run
    pd.testing.assert_frame_equal(runs["a"].history, runs["b"].history)
    np.testing.assert_array_equal(runs["a"].scores, runs["b"].scores)
    assert not np.allclose(runs["a"].scores, runs["c"].scores)
    # and without reseeding between runs, they would not be
    keras.utils.set_random_seed(7)
    initial = _build().get_weights()
    models = []
    for _ in range(2):
        models.append(_build())
        models[-1].set_weights(initial)
        models[-1].compile(optimizer=keras.optimizers.SGD(0.1), loss="binary_crossentropy")
        models[-1].fit(x, y, epochs=2, batch_size=16, shuffle=True, verbose=0)
    assert not np.allclose(models[0].get_weights()[0], models[1].get_weights()[0])


def test_epochs_to_target():
    history = pd.DataFrame({"epoch": [1, 2, 3], "val_auroc": [0.5, 0.8, 0.9]})
    assert epochs_to_target(history, 0.8) == 2
    assert epochs_to_target(history, 0.95) is None


def test_comparison_table_reads_the_kept_epoch_and_bootstraps_the_test_auroc():
    rng = np.random.default_rng(1)
    y_test = rng.integers(0, 2, 200)
    scores = np.clip(0.3 * y_test + rng.random(200) * 0.7, 0, 1)
    history = pd.DataFrame({"epoch": [1, 2, 3], "val_auroc": [0.6, 0.93, 0.91],
                            "selected": [False, True, False], "seconds": [1.0, 2.0, 3.0]})
    table = comparison_table({"Adam": SameStartRun(history, scores)}, y_test, 0.9, 50, seed=0)
    row = table.loc["Adam"]
    assert row["epochs to val AUROC 0.9"] == 2 and row["kept epoch"] == 2
    assert row["best val AUROC"] == 0.93 and row["seconds"] == 6.0
    assert row["test AUROC"] == pytest.approx(roc_auc_score(y_test, scores))
    expected = auroc_with_ci(y_test, scores, 50, 0)
    assert (row["CI low"], row["CI high"]) == (expected["ci_low"], expected["ci_high"])
    assert row["CI low"] < row["test AUROC"] < row["CI high"]
