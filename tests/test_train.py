"""medlib.train.keras_loop: the MedMNIST v2 protocol (step decay, best-validation AUROC)."""

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from medlib.chapter.repro import seed_everything
from medlib.data.convert import to_model_input
from medlib.models.cnn import seed_cnn
from medlib.optim.schedules import StepDecay
from medlib.train.keras_loop import fit_binary_medmnist_protocol, predict_scores


@pytest.mark.parametrize(
    ("epoch", "expected"), [(0, 1e-3), (49, 1e-3), (50, 1e-4), (74, 1e-4), (75, 1e-5), (99, 1e-5)]
)
def test_step_decay_drops_tenfold_at_half_and_three_quarters(epoch, expected):
    assert float(StepDecay.medmnist(1e-3, 100)(epoch)) == pytest.approx(expected)


@pytest.mark.parametrize("epochs", [1, 2, 3, 4, 5, 20, 30])
@pytest.mark.parametrize("base_lr", [1e-3, 3e-3, 1e-2, 3e-4, 5e-4, 2e-3])
def test_keras_sees_the_same_float32_rate_as_the_former_per_epoch_formula(epochs, base_lr):
    """The loop once computed ``base_lr * 0.1 ** passed``; StepDecay multiplies by 0.1 per
    milestone, which can differ in the last bit of a float64, but Keras stores the rate
    in a float32 variable, where the two agree (for every rate the book uses)."""
    decay = StepDecay.medmnist(base_lr, epochs)
    for epoch in range(epochs):
        passed = sum(epoch >= int(m * epochs) for m in (0.5, 0.75))
        assert np.float32(float(decay(epoch))) == np.float32(base_lr * 0.1**passed)


def test_fit_keeps_the_epoch_with_best_validation_auroc():
    seed_everything(0)
    rng = np.random.default_rng(0)
    y = np.arange(96) % 2
    images = rng.integers(0, 120, (96, 28, 28)).astype(np.uint8)
    images[y == 1, 10:18, 10:18] += 100  # a learnable bright square
    x = to_model_input(images)
    model = seed_cnn((28, 28, 1))
    history = fit_binary_medmnist_protocol(
        model, x[:64], y[:64], x[64:], y[64:], epochs=4, batch_size=16, learning_rate=1e-3
    )
    assert list(history.columns[:1]) == ["epoch"] and len(history) == 4
    assert history["selected"].sum() == 1
    kept = history.loc[history["selected"]].iloc[0]
    assert kept["val_auroc"] == history["val_auroc"].max()
    restored = roc_auc_score(y[64:], model.predict(x[64:], verbose=0).ravel())
    assert restored == pytest.approx(kept["val_auroc"])
    assert history["learning_rate"].iloc[-1] == pytest.approx(1e-5)


def test_predict_scores_matches_keras_predict_in_batches():
    model = seed_cnn((28, 28, 1))
    x = np.random.default_rng(1).random((70, 28, 28, 1), dtype=np.float32)
    expected = model.predict(x, verbose=0).ravel()
    np.testing.assert_allclose(predict_scores(model, x, batch_size=32), expected, rtol=1e-5)
