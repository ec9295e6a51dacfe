"""medlib.scale.plateau: runs that stop when the validation loss stops improving, keep
the epoch with the lowest one, and say when the cap stopped them."""

import numpy as np
import pytest
import torch
from sklearn.metrics import log_loss

from medlib.models.cnn_torch import ImprovedCNN
from medlib.scale.plateau import (
    Plateau,
    fit_until_plateau,
    plain_loss,
    plateau_log,
    train_until_plateau,
)
from medlib.train.seed_runs import Variant
from medlib.train.torch_loop import TrainRecipe, predict_logits


def tiny_splits():
    """Images whose class brightens their centre: learnable in a few epochs."""
    rng = np.random.default_rng(0)
    x, y = {}, {}
    for split, n in (("train", 48), ("val", 16), ("test", 16)):
        y[split] = np.arange(n) % 2
        images = rng.random((n, 1, 28, 28)).astype(np.float32)
        images[:, :, 10:18, 10:18] += y[split][:, None, None, None]
        x[split] = torch.from_numpy(images)
    return x, y


def build():
    return ImprovedCNN(1, 1, (2, 2, 2))


RECIPE = TrainRecipe(batch_size=16, augmentation=None)


def test_plain_loss_is_the_binary_cross_entropy():
    logits = np.array([[2.0], [-1.0], [0.5]], dtype=np.float32)
    y = np.array([1, 0, 0])
    expected = log_loss(y, 1 / (1 + np.exp(-logits[:, 0])), labels=[0, 1])
    assert plain_loss(logits, y, 2) == pytest.approx(expected, rel=1e-6)


def test_the_kept_epoch_has_the_lowest_validation_loss_and_the_model_holds_it():
    x, y = tiny_splits()
    torch.manual_seed(0)
    model = build()
    fit = fit_until_plateau(model, x["train"], y["train"], x["val"], y["val"], 2, RECIPE,
                            seed=0, plateau=Plateau(max_epochs=6, patience=2))
    history = fit.history
    assert len(history) == fit.epochs_run <= 6
    assert fit.best_epoch == int(history["val_loss"].idxmin()) + 1
    assert plain_loss(predict_logits(model, x["val"]), y["val"], 2) == pytest.approx(
        history["val_loss"].min(), rel=1e-5)
    assert fit.best_val_auroc == history["val_auroc"].iloc[fit.best_epoch - 1]
    if fit.epochs_run < 6:  # stopped by the plateau: patience epochs after the kept one
        assert fit.epochs_run - fit.best_epoch == 2
    assert fit.at_cap == (fit.best_epoch == 6)


def test_a_run_still_improving_at_the_cap_is_flagged():
    x, y = tiny_splits()
    torch.manual_seed(0)
    fit = fit_until_plateau(build(), x["train"], y["train"], x["val"], y["val"], 2, RECIPE,
                            seed=0, plateau=Plateau(max_epochs=1, patience=3))
    assert (fit.epochs_run, fit.best_epoch, fit.at_cap) == (1, 1, True)


def test_runs_are_repeatable_and_logged():
    x, y = tiny_splits()
    variant = Variant("tiny", build, RECIPE, seeds=[1, 2])
    plateau = Plateau(max_epochs=3, patience=1)
    first, second = (train_until_plateau([variant], x, y, 2, torch.manual_seed, plateau)
                     for _ in range(2))
    for a, b in zip(first.runs, second.runs, strict=True):
        assert np.array_equal(a.logits[("test", True)], b.logits[("test", True)])
    log = plateau_log(first)
    assert list(log["seed"]) == [1, 2] and set(log.columns) >= {"epochs run", "at cap"}
    assert len(first.runs[0].logits) == 4  # val and test, plain and augmented


def test_a_plateau_needs_positive_settings():
    with pytest.raises(ValueError, match="positive"):
        Plateau(max_epochs=0)
