"""A torch training loop for image classifiers with the ingredients of chapter ``cnn_beyond``.

Each ingredient is one field of :class:`TrainRecipe`, so that the chapter's ablation table
switches one off at a time: augmentation (:mod:`medlib.data.augment`), class weighting or label
smoothing, the learning-rate schedule (one-cycle, Smith & Topin 2019, or the MedMNIST
protocol's step decay) and test-time augmentation at prediction. Model selection follows the
MedMNIST protocol: the weights of the epoch with the best *validation* AUROC are kept; the
test split is never seen here.

The epoch and batch loop itself is :func:`train_epochs`, written once for the book's torch
models: :func:`fit_classifier` here, the attention model of ``progression``
(:func:`medlib.survival.progression.fit_attention`) and DP-SGD training in ``robustness``
(:func:`medlib.trust.privacy.fit_private`) each pass it a batch source, a loss and, where
they select an epoch, a validation score and a :class:`~medlib.train.selection.BestEpoch`.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import torch
from torch.nn import functional

from medlib.data.augment import TTA_VIEWS, RandomAffineContrast, tta_view
from medlib.metrics.multiclass import auroc
from medlib.optim.schedules import StepDecay
from medlib.train.device import device_of
from medlib.train.selection import BestEpoch


@dataclass(frozen=True)
class TrainRecipe:
    """How to train: every field is an ingredient the chapter can switch off. The defaults
    are the recipe chapter ``cnn_beyond`` settled on (on validation data).

    ``schedule`` is ``"onecycle"`` (warm-up then cosine annealing to ~0: torch's
    ``OneCycleLR``, which also cycles Adam's beta1 inversely to the rate, something a
    learning-rate-only schedule of :mod:`medlib.optim.schedules` cannot do) or ``"step"``
    (the MedMNIST protocol: x0.1 at 50% and 75% of the epochs,
    :meth:`medlib.optim.schedules.StepDecay.medmnist`, the decay the Keras loop uses too).
    """

    epochs: int = 20
    batch_size: int = 128
    learning_rate: float = 3e-3
    weight_decay: float = 1e-4
    schedule: str = "onecycle"
    augmentation: RandomAffineContrast | None = field(default_factory=RandomAffineContrast)
    class_weighting: bool = False
    label_smoothing: float = 0.1
    #: generalised cross-entropy exponent q (Zhang & Sabuncu, 2018), a loss robust to label
    #: noise; 0 keeps ordinary cross-entropy (label smoothing applies only then)
    gce_q: float = 0.0

    def __post_init__(self) -> None:
        if self.schedule not in ("onecycle", "step"):
            raise ValueError(f"schedule must be 'onecycle' or 'step', got {self.schedule!r}")
        if self.epochs < 1 or self.batch_size < 1:
            raise ValueError("epochs and batch_size must be positive integers")
        if not 0 <= self.gce_q <= 1:
            raise ValueError(f"gce_q must be in [0, 1], got {self.gce_q}")


@dataclass
class FitResult:
    """What :func:`fit_classifier` returns: per-epoch history, the kept epoch and timing."""

    history: pd.DataFrame
    best_epoch: int
    best_val_auroc: float
    train_seconds: float
    train_images_per_second: float


def n_outputs_for(n_classes: int) -> int:
    """One logit for a binary task (sigmoid), one per class otherwise (softmax)."""
    return 1 if n_classes == 2 else n_classes


def class_weights(labels: np.ndarray, n_classes: int) -> torch.Tensor:
    """Inverse-frequency weights ``n / (k * n_c)``, so that every class carries equal total
    weight in the loss; a class absent from ``labels`` gets weight 0."""
    counts = np.bincount(labels, minlength=n_classes).astype(float)
    weights = np.divide(
        len(labels), n_classes * counts, out=np.zeros_like(counts), where=counts > 0
    )
    return torch.tensor(weights, dtype=torch.float32)


def classification_loss(
    logits: torch.Tensor,
    labels: torch.Tensor,
    n_classes: int,
    weights: torch.Tensor | None,
    label_smoothing: float,
    gce_q: float = 0.0,
) -> torch.Tensor:
    """Weighted, optionally label-smoothed cross-entropy for one logit (binary) or k logits;
    with ``gce_q`` > 0 the generalised cross-entropy (1 - p_y^q) / q instead, which bounds
    the loss of a confidently "wrong" (perhaps mislabelled) case."""
    if gce_q > 0:
        if n_classes == 2:
            p = torch.sigmoid(logits[:, 0])
            p_true = torch.where(labels == 1, p, 1 - p)
        else:
            p_true = torch.softmax(logits, dim=1).gather(1, labels[:, None])[:, 0]
        per_case = (1 - p_true.clamp_min(1e-12) ** gce_q) / gce_q
        case_weights = torch.ones_like(per_case) if weights is None else weights[labels]
        return (per_case * case_weights).sum() / case_weights.sum()
    if n_classes == 2:
        target = labels.float() * (1 - label_smoothing) + label_smoothing / 2
        per_case = functional.binary_cross_entropy_with_logits(
            logits[:, 0], target, reduction="none"
        )
        if weights is None:
            return per_case.mean()
        case_weights = weights[labels]
        return (per_case * case_weights).sum() / case_weights.sum()
    return functional.cross_entropy(logits, labels, weight=weights, label_smoothing=label_smoothing)


def probabilities(logits: torch.Tensor | np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Probabilities from logits: sigmoid of one column (returned flat), softmax otherwise."""
    z = torch.as_tensor(np.asarray(logits), dtype=torch.float64) / temperature
    if z.ndim == 1 or z.shape[1] == 1:
        return torch.sigmoid(z.reshape(-1)).numpy()
    return torch.softmax(z, dim=1).numpy()


@torch.no_grad()
def predict_view_logits(
    model: torch.nn.Module, x: torch.Tensor, batch_size: int = 512
) -> np.ndarray:
    """Logits of every view in :data:`TTA_VIEWS`, in inference mode: ``(views, n, k)``;
    view 0 is the plain prediction, the mean over views the test-time-augmented one."""
    model.eval()
    device, out = device_of(model), []
    for start in range(0, len(x), batch_size):
        batch = x[start : start + batch_size]
        out.append(torch.stack([model(tta_view(batch, v).to(device)).cpu() for v in TTA_VIEWS]))
    return torch.cat(out, dim=1).numpy()


@torch.no_grad()
def predict_logits(
    model: torch.nn.Module, x: torch.Tensor, tta: bool = False, batch_size: int = 512
) -> np.ndarray:
    """Logits in inference mode; with ``tta`` the mean logit over :data:`TTA_VIEWS`."""
    if tta:
        return predict_view_logits(model, x, batch_size).mean(axis=0)
    model.eval()
    device = device_of(model)
    return torch.cat(
        [model(x[start : start + batch_size].to(device)).cpu()
         for start in range(0, len(x), batch_size)]
    ).numpy()


class ScheduleLR(torch.optim.lr_scheduler.LRScheduler):
    """Sets every parameter group's learning rate to ``schedule(step)``, a schedule of
    :mod:`medlib.optim.schedules` evaluated per optimiser step (0-based).

    Unlike ``LambdaLR``, which multiplies the initial rate by the schedule's factor, the
    rate is the schedule's own number, so a loop driven by this class and one driven by the
    same schedule elsewhere (the Keras loop) use the same float.
    """

    def __init__(self, optimizer: torch.optim.Optimizer, schedule: Callable[[int], Any]) -> None:
        self.schedule = schedule
        super().__init__(optimizer)

    def get_lr(self) -> list[float]:
        lr = float(self.schedule(self.last_epoch))
        return [lr for _ in self.optimizer.param_groups]


def _lr_scheduler(optimizer: torch.optim.Optimizer, recipe: TrainRecipe, steps_per_epoch: int):
    if recipe.schedule == "onecycle":
        return torch.optim.lr_scheduler.OneCycleLR(
            optimizer,
            max_lr=recipe.learning_rate,
            epochs=recipe.epochs,
            steps_per_epoch=steps_per_epoch,
            # 20% warm-up; a tiny run (a smoke test) needs more than one warm-up step
            pct_start=min(0.75, max(0.2, 1.5 / (recipe.epochs * steps_per_epoch))),
        )
    decay = StepDecay.medmnist(recipe.learning_rate, recipe.epochs, steps_per_epoch)
    return ScheduleLR(optimizer, decay)


@dataclass
class EpochRecord:
    """One epoch of :func:`train_epochs`: 1-based number, mean training loss over the
    examples, seconds spent on the training batches, and the validation score (or None)."""

    epoch: int
    loss: float
    seconds: float
    score: float | None


def train_epochs(
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    epochs: int,
    batches: Callable[[], Iterable[tuple[torch.Tensor, ...]]],
    loss: Callable[..., torch.Tensor],
    scheduler: torch.optim.lr_scheduler.LRScheduler | None = None,
    validate: Callable[[], float] | None = None,
    selection: BestEpoch | None = None,
    keep_last: bool = False,
) -> list[EpochRecord]:
    """The torch training loop every torch chapter shares.

    For each of ``epochs`` epochs: ``model.train()``; for each tuple that ``batches()``
    yields (called afresh every epoch: it shuffles, augments, perturbs), ``loss(*batch)``,
    then zero the gradients, back-propagate, ``optimizer.step()`` and ``scheduler.step()``
    (per step). After the epoch, ``validate()`` scores the model (it sets inference mode
    itself) and ``selection.update`` records the score with a copy of the weights;
    training stops early when ``selection.should_stop``. With ``keep_last`` the last epoch
    is kept whatever its score. At the end the model is left holding the kept weights
    (the last epoch's without ``selection``). The gradients are zeroed after the forward
    pass, so that a batch source that differentiates the model (an adversarial attack)
    leaves nothing in them. The first tensor of each batch tuple counts its examples.
    """
    if selection is not None and validate is None:
        raise ValueError("selecting an epoch needs a validation score: pass validate")
    records = []
    for epoch in range(epochs):
        model.train()
        start, total_loss, n_seen = time.perf_counter(), 0.0, 0
        for batch in batches():
            batch_loss = loss(*batch)
            optimizer.zero_grad(set_to_none=True)
            batch_loss.backward()
            optimizer.step()
            if scheduler is not None:
                scheduler.step()
            total_loss += batch_loss.item() * len(batch[0])
            n_seen += len(batch[0])
        seconds = time.perf_counter() - start
        score = None if validate is None else validate()
        records.append(EpochRecord(epoch + 1, total_loss / max(n_seen, 1), seconds, score))
        if selection is not None:
            snapshot = lambda: copy.deepcopy(model.state_dict())  # noqa: E731
            selection.update(score, snapshot, force=keep_last and epoch == epochs - 1)
            if selection.should_stop:
                break
    if selection is not None:
        model.load_state_dict(selection.best_state)
    return records


def fit_classifier(
    model: torch.nn.Module,
    x_train: torch.Tensor,
    y_train: np.ndarray,
    x_val: torch.Tensor,
    y_val: np.ndarray,
    n_classes: int,
    recipe: TrainRecipe,
    seed: int,
    keep_best: bool = True,
    perturb: Callable[[torch.nn.Module, torch.Tensor, torch.Tensor], torch.Tensor] | None = None,
    loss_fn: Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor] | None = None,
    device: torch.device | str = "cpu",
) -> FitResult:
    """Train ``model`` in place with AdamW and ``recipe`` (through :func:`train_epochs`);
    keep the best-validation epoch.

    Batches are drawn by a generator seeded with ``seed`` (so are the augmentations), which
    makes a run repeatable on the same machine. The model is left holding the weights of
    the epoch with the highest validation AUROC, or of the last epoch with ``keep_best``
    False (a model trained on shuffled labels must not be selected on real ones).
    ``perturb(model, batch, labels)``, if given, replaces each (augmented) batch before the
    step: adversarial training (chapter ``robustness``). ``loss_fn(logits, batch, labels)``,
    if given, replaces the recipe's loss: knowledge distillation (chapter ``efficiency``).
    The network trains on ``device`` (batches are drawn and augmented on the CPU, then moved
    there; :func:`medlib.train.device.training_device` picks a GPU when present) and is
    handed back on the CPU.
    """
    generator = torch.Generator().manual_seed(seed)
    model.to(device)
    labels = torch.from_numpy(np.asarray(y_train, dtype=np.int64))
    weights = class_weights(labels.numpy(), n_classes) if recipe.class_weighting else None
    if weights is not None:
        weights = weights.to(device)
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=recipe.learning_rate, weight_decay=recipe.weight_decay
    )
    steps_per_epoch = -(-len(x_train) // recipe.batch_size)
    scheduler = _lr_scheduler(optimizer, recipe, steps_per_epoch)

    def batches():
        order = torch.randperm(len(x_train), generator=generator)
        for first in range(0, len(order), recipe.batch_size):
            index = order[first : first + recipe.batch_size]
            batch = x_train[index]
            if recipe.augmentation is not None:
                batch = recipe.augmentation(batch, generator)
            batch, batch_labels = batch.to(device), labels[index].to(device)
            if perturb is not None:
                batch = perturb(model, batch, batch_labels)
            yield batch, batch_labels

    def loss(batch: torch.Tensor, batch_labels: torch.Tensor) -> torch.Tensor:
        if loss_fn is not None:
            return loss_fn(model(batch), batch, batch_labels)
        return classification_loss(
            model(batch), batch_labels, n_classes, weights, recipe.label_smoothing, recipe.gce_q
        )

    selection = BestEpoch(higher_is_better=True)
    records = train_epochs(
        model,
        optimizer,
        recipe.epochs,
        batches,
        loss,
        scheduler=scheduler,
        validate=lambda: auroc(y_val, probabilities(predict_logits(model, x_val))),
        selection=selection,
        keep_last=not keep_best,
    )
    model.to("cpu")
    train_seconds = sum(r.seconds for r in records)
    return FitResult(
        history=pd.DataFrame(
            [{"epoch": r.epoch, "loss": r.loss, "val_auroc": r.score} for r in records]
        ),
        best_epoch=selection.best_epoch + 1,
        best_val_auroc=float(selection.best),
        train_seconds=train_seconds,
        train_images_per_second=recipe.epochs * len(x_train) / train_seconds,
    )
