"""The torch training loop: losses, class weights, best-validation selection, repeatability."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from medlib.data.augment import TTA_VIEWS
from medlib.data.convert import to_tensor
from medlib.metrics.multiclass import auroc
from medlib.models.cnn_torch import ImprovedCNN
from medlib.optim.schedules import StepDecay
from medlib.train.selection import BestEpoch
from medlib.train.torch_loop import (
    ScheduleLR,
    TrainRecipe,
    class_weights,
    classification_loss,
    fit_classifier,
    n_outputs_for,
    predict_logits,
    predict_view_logits,
    probabilities,
    train_epochs,
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


@pytest.mark.parametrize("epochs", range(1, 9))
@pytest.mark.parametrize("steps_per_epoch", [1, 3])
@pytest.mark.parametrize("base_lr", [1e-3, 3e-3, 1e-2])
def test_step_schedule_sets_exactly_the_rates_of_torch_multisteplr(
    epochs, steps_per_epoch, base_lr
):
    """The loop once used MultiStepLR (x0.1 at each milestone, x0.01 where the two
    coincide); StepDecay.medmnist through ScheduleLR must give the same float64 rates."""

    def rates(make_scheduler):
        optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=base_lr)
        scheduler = make_scheduler(optimizer)
        seen = []
        for _ in range(epochs * steps_per_epoch):
            seen.append(optimizer.param_groups[0]["lr"])
            optimizer.step()
            scheduler.step()
        return seen

    milestones = [int(f * epochs) * steps_per_epoch for f in (0.5, 0.75)]
    expected = rates(lambda o: torch.optim.lr_scheduler.MultiStepLR(o, milestones, gamma=0.1))
    decay = StepDecay.medmnist(base_lr, epochs, steps_per_epoch)
    assert rates(lambda o: ScheduleLR(o, decay)) == expected  # exact, not approx


def _linear_problem():
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(10, 3, generator=generator)
    y = x @ torch.tensor([1.0, -2.0, 0.5]) + 0.1 * torch.randn(10, generator=generator)
    torch.manual_seed(0)
    return x, y, torch.nn.Linear(3, 1)


def test_train_epochs_stops_after_patience_and_restores_the_best_weights():
    x, y, model = _linear_problem()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    scripted = iter([3.0, 2.0, 2.5, 2.2, 1.0])  # best at epoch 2, then two worse epochs
    weights_after = []

    def validate():
        weights_after.append(model.weight.detach().clone())
        return next(scripted)

    records = train_epochs(
        model,
        optimizer,
        epochs=5,
        batches=lambda: [(x[:4], y[:4]), (x[4:], y[4:])],
        loss=lambda xb, yb: ((model(xb)[:, 0] - yb) ** 2).mean(),
        validate=validate,
        selection=BestEpoch(higher_is_better=False, patience=2),
    )
    assert [r.epoch for r in records] == [1, 2, 3, 4]
    assert [r.score for r in records] == [3.0, 2.0, 2.5, 2.2]
    assert not torch.equal(weights_after[1], weights_after[3])
    torch.testing.assert_close(model.weight.detach(), weights_after[1], rtol=0, atol=0)


def test_train_epochs_records_the_example_weighted_mean_loss_and_keeps_the_last_weights():
    x, y, model = _linear_problem()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.0)  # weights fixed: losses known
    with torch.no_grad():
        per_case = (model(x)[:, 0] - y) ** 2
    records = train_epochs(
        model,
        optimizer,
        epochs=2,
        batches=lambda: [(x[:7], y[:7]), (x[7:], y[7:])],
        loss=lambda xb, yb: ((model(xb)[:, 0] - yb) ** 2).mean(),
    )
    assert len(records) == 2 and records[0].score is None
    assert records[0].loss == pytest.approx(float(per_case.mean()))
    with pytest.raises(ValueError, match="validate"):
        train_epochs(model, optimizer, 1, lambda: [], lambda: 0, selection=BestEpoch(True))


def test_gradients_left_by_the_batch_source_do_not_reach_the_step():
    """An adversarial perturbation differentiates the model while building the batch; the
    loop zeroes the gradients after that, so the update is the loss's alone."""

    def trained(dirty: bool):
        x, y, model = _linear_problem()
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)

        def batches():
            for rows in (slice(0, 5), slice(5, 10)):
                if dirty:
                    (100 * model(x[rows]).sum()).backward()  # leaves .grad on the weights
                yield x[rows], y[rows]

        train_epochs(
            model, optimizer, 2, batches, lambda xb, yb: ((model(xb)[:, 0] - yb) ** 2).mean()
        )
        return model.weight.detach()

    torch.testing.assert_close(trained(dirty=True), trained(dirty=False), rtol=0, atol=0)
