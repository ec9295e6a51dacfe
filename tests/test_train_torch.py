"""The torch training loop: losses, class weights, best-validation selection, repeatability."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from medlib.data.augment import TTA_VIEWS
from medlib.data.convert import to_tensor
from medlib.metrics.multiclass import auroc
from medlib.models.cnn_torch import ImprovedCNN
from medlib.train.torch_loop import (
    TrainRecipe,
    class_weights,
    classification_loss,
    fit_classifier,
    n_outputs_for,
    predict_logits,
    predict_view_logits,
    probabilities,
)


def test_class_weights_equalise_total_weight():
    labels = np.array([0, 0, 0, 1])
    w = class_weights(labels, 2).numpy()
    assert w[0] * 3 == pytest.approx(w[1] * 1)
    assert class_weights(np.array([0, 0]), 3).numpy()[2] == 0  # absent class


def test_binary_loss_with_smoothing_matches_the_definition():
    logits, labels = torch.tensor([[2.0], [-1.0]]), torch.tensor([1, 0])
    loss = classification_loss(logits, labels, 2, None, label_smoothing=0.2)
    targets = torch.tensor([0.9, 0.1])
    expected = torch.nn.functional.binary_cross_entropy_with_logits(logits[:, 0], targets)
    torch.testing.assert_close(loss, expected)


def test_weighted_binary_loss_is_a_weighted_mean():
    logits, labels = torch.tensor([[0.5], [0.5], [0.5]]), torch.tensor([0, 0, 1])
    w = torch.tensor([1.0, 4.0])
    per_case = torch.nn.functional.binary_cross_entropy_with_logits(
        logits[:, 0], labels.float(), reduction="none"
    )
    expected = (per_case * torch.tensor([1.0, 1.0, 4.0])).sum() / 6
    torch.testing.assert_close(classification_loss(logits, labels, 2, w, 0.0), expected)


def test_generalised_cross_entropy_matches_its_definition_and_limit():
    logits, labels = torch.tensor([[2.0], [-1.0], [0.5]]), torch.tensor([1, 1, 0])
    p = torch.sigmoid(logits[:, 0])
    p_true = torch.where(labels == 1, p, 1 - p)
    expected = ((1 - p_true**0.7) / 0.7).mean()
    torch.testing.assert_close(classification_loss(logits, labels, 2, None, 0.1, 0.7), expected)
    # q -> 0 recovers cross-entropy: (1 - p^q) / q -> -log p
    ce = classification_loss(logits, labels, 2, None, 0.0)
    torch.testing.assert_close(
        classification_loss(logits, labels, 2, None, 0.0, 1e-4), ce, atol=1e-3, rtol=1e-3
    )
    multi = torch.tensor([[1.0, 0.0, -1.0]])
    p3 = torch.softmax(multi, dim=1)[0, 2]
    torch.testing.assert_close(
        classification_loss(multi, torch.tensor([2]), 3, None, 0.0, 0.5), (1 - p3**0.5) / 0.5
    )


def test_recipe_rejects_unknown_schedule():
    with pytest.raises(ValueError, match="schedule"):
        TrainRecipe(schedule="linear")
    with pytest.raises(ValueError, match="gce_q"):
        TrainRecipe(gce_q=2.0)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_fit_keeps_the_best_validation_epoch_and_repeats(n_classes):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (64, 28, 28), dtype=np.uint8)
    labels = np.arange(64) % n_classes
    images[labels == 1, 10:18, 10:18] = 255  # a learnable bright square for class 1
    x = to_tensor(images)
    recipe = TrainRecipe(epochs=3, batch_size=16, learning_rate=1e-2)

    def run():
        torch.manual_seed(0)
        model = ImprovedCNN(1, n_outputs_for(n_classes), widths=(4, 8, 8))
        result = fit_classifier(model, x, labels, x, labels, n_classes, recipe, seed=1)
        return model, result

    model, result = run()
    assert len(result.history) == 3
    assert result.best_val_auroc == result.history["val_auroc"].max()
    assert result.best_epoch == int(result.history["val_auroc"].idxmax()) + 1
    kept = probabilities(predict_logits(model, x))
    assert auroc(labels, kept) == pytest.approx(result.best_val_auroc)
    _, again = run()
    np.testing.assert_allclose(again.history["loss"], result.history["loss"])


@pytest.mark.parametrize("schedule", ["onecycle", "step"])
@pytest.mark.parametrize("n_images", [16, 40])
def test_tiny_runs_train_with_either_schedule(schedule, n_images):
    x = torch.rand(n_images, 1, 28, 28)
    labels = np.arange(n_images) % 2
    recipe = TrainRecipe(epochs=1, batch_size=16, schedule=schedule)
    model = ImprovedCNN(widths=(4, 8, 8))
    result = fit_classifier(model, x, labels, x, labels, 2, recipe, seed=0)
    assert result.best_epoch == 1 and np.isfinite(result.history["loss"]).all()


def test_keep_best_false_keeps_the_last_epoch():
    x = torch.rand(32, 1, 28, 28)
    labels = np.arange(32) % 2
    model = ImprovedCNN(widths=(4, 8, 8))
    recipe = TrainRecipe(epochs=3, batch_size=16)
    result = fit_classifier(model, x, labels, x, labels, 2, recipe, seed=0, keep_best=False)
    assert result.best_epoch == 3
    assert auroc(labels, probabilities(predict_logits(model, x))) == pytest.approx(
        result.history["val_auroc"].iloc[-1]
    )


def test_a_custom_loss_replaces_the_recipe_loss():
    x = torch.rand(32, 1, 28, 28)
    labels = np.arange(32) % 2  # balanced: cross-entropy would keep the mean logit near 0
    seen = []

    def loss_fn(logits, batch, batch_labels):
        seen.append((logits.shape, batch.shape, batch_labels.shape))
        return -logits.mean()  # pushes every logit up, whatever the labels

    torch.manual_seed(0)
    model = ImprovedCNN(widths=(4, 8, 8), dropout=0.0)
    recipe = TrainRecipe(epochs=8, batch_size=16, learning_rate=0.05, augmentation=None)
    fit_classifier(model, x, labels, x, labels, 2, recipe, 0, keep_best=False, loss_fn=loss_fn)
    assert seen[0] == ((16, 1), (16, 1, 28, 28), (16,))
    model.train()  # batch statistics, as the loss saw them
    with torch.no_grad():
        assert model(x).mean() > 1.0


def test_tta_prediction_has_the_plain_shape_and_view_zero_is_plain():
    model = ImprovedCNN(1, 3, widths=(4, 8, 8))
    x = torch.rand(5, 1, 28, 28)
    assert predict_logits(model, x, tta=True).shape == predict_logits(model, x).shape == (5, 3)
    views = predict_view_logits(model, x, batch_size=2)
    assert views.shape == (len(TTA_VIEWS), 5, 3)
    np.testing.assert_allclose(views[0], predict_logits(model, x), atol=1e-6)
    np.testing.assert_allclose(views.mean(0), predict_logits(model, x, tta=True), atol=1e-6)
