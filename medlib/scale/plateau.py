"""Train every size until its validation loss stops improving (chapter ``large_models``).

A scaling curve read from runs of a fixed, short length compares under-trained large
networks with converged small ones: the large ones look worse than they are, and the law
fitted to them stops too early. Here each run trains at a constant learning rate (AdamW,
the recipe's rate and weight decay, its augmentation and label smoothing) until the
plain cross-entropy of the validation images has not improved for ``patience`` epochs,
or ``max_epochs`` have passed, and keeps the epoch with the lowest validation loss. The
loss, not the AUROC, decides: on PneumoniaMNIST every size's validation AUROC is close to
1, where it moves by a handful of images, while the loss still measures how well the
probabilities fit. A run whose best epoch is its last at the cap was still improving; the
chapter counts them.

The one-cycle schedule of :doc:`cnn_beyond` needs its length fixed in advance, so it
cannot stop on a plateau; a constant rate can. :func:`train_until_plateau` returns the
:class:`~medlib.train.seed_runs.SeedRuns` that :mod:`medlib.scale.curves` reads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from medlib.metrics.multiclass import auroc
from medlib.train.seed_runs import SCORED_SPLITS, SeedRuns, TrainedRun, Variant
from medlib.train.selection import BestEpoch
from medlib.train.torch_loop import (
    FitResult,
    TrainRecipe,
    classification_loss,
    predict_logits,
    predict_view_logits,
    probabilities,
    train_epochs,
)


@dataclass(frozen=True)
class Plateau:
    """When a run stops: after ``patience`` epochs in a row without a lower validation
    loss, or at ``max_epochs``."""

    max_epochs: int = 30
    patience: int = 3

    def __post_init__(self) -> None:
        if self.max_epochs < 1 or self.patience < 1:
            raise ValueError(f"max_epochs and patience must be positive, got "
                             f"{self.max_epochs} and {self.patience}")


@dataclass
class PlateauFit(FitResult):
    """:class:`FitResult` with the epochs run and whether the run was still improving
    when the cap stopped it (its kept epoch is its last, at ``max_epochs``)."""

    epochs_run: int = 0
    at_cap: bool = False


def plain_loss(logits: np.ndarray, y: np.ndarray, n_classes: int) -> float:
    """Plain cross-entropy (no label smoothing, no class weights) of ``logits``: the
    validation score a plateau is read on."""
    labels = torch.from_numpy(np.asarray(y, dtype=np.int64))
    return float(classification_loss(torch.from_numpy(logits), labels, n_classes, None, 0.0))


def fit_until_plateau(model: torch.nn.Module, x_train: torch.Tensor, y_train: np.ndarray,
                      x_val: torch.Tensor, y_val: np.ndarray, n_classes: int,
                      recipe: TrainRecipe, seed: int, plateau: Plateau) -> PlateauFit:
    """Train ``model`` in place (CPU) until its validation loss plateaus and leave it
    holding the epoch with the lowest one. Batches and augmentation are drawn from a
    generator seeded with ``seed``, as in :func:`~medlib.train.torch_loop.fit_classifier`;
    ``recipe.epochs`` and ``recipe.schedule`` are not used (the rate is constant)."""
    generator = torch.Generator().manual_seed(seed)
    labels = torch.from_numpy(np.asarray(y_train, dtype=np.int64))
    optimizer = torch.optim.AdamW(model.parameters(), lr=recipe.learning_rate,
                                  weight_decay=recipe.weight_decay)

    def batches():
        order = torch.randperm(len(x_train), generator=generator)
        for first in range(0, len(order), recipe.batch_size):
            index = order[first: first + recipe.batch_size]
            batch = x_train[index]
            if recipe.augmentation is not None:
                batch = recipe.augmentation(batch, generator)
            yield batch, labels[index]

    def loss(batch: torch.Tensor, batch_labels: torch.Tensor) -> torch.Tensor:
        return classification_loss(model(batch), batch_labels, n_classes, None,
                                   recipe.label_smoothing)

    aurocs: list[float] = []

    def validate() -> float:
        logits = predict_logits(model, x_val)
        aurocs.append(auroc(y_val, probabilities(logits)))
        return plain_loss(logits, y_val, n_classes)

    selection = BestEpoch(higher_is_better=False, patience=plateau.patience)
    records = train_epochs(model, optimizer, plateau.max_epochs, batches, loss,
                           validate=validate, selection=selection)
    seconds = sum(r.seconds for r in records)
    best = selection.best_epoch
    return PlateauFit(
        history=pd.DataFrame([{"epoch": r.epoch, "loss": r.loss, "val_loss": r.score,
                               "val_auroc": a} for r, a in zip(records, aurocs, strict=True)]),
        best_epoch=best + 1, best_val_auroc=float(aurocs[best]), train_seconds=seconds,
        train_images_per_second=len(records) * len(x_train) / seconds,
        epochs_run=len(records), at_cap=best + 1 == plateau.max_epochs)


def train_until_plateau(variants: Sequence[Variant], x: Mapping[str, torch.Tensor],
                        y: Mapping[str, np.ndarray], n_classes: int,
                        reseed: Callable[[int], None], plateau: Plateau) -> SeedRuns:
    """Every variant with each of its seeds, reseeded before its network is built (as
    :func:`~medlib.train.seed_runs.train_variants` does), trained by
    :func:`fit_until_plateau`; the logits of every test-time-augmentation view are kept
    for a post-hoc variant, the plain ones otherwise."""
    runs = []
    for variant in variants:
        for seed in variant.seeds:
            reseed(seed)
            model = variant.build().to(memory_format=torch.channels_last)
            fit = fit_until_plateau(model, x["train"], y["train"], x["val"], y["val"],
                                    n_classes, variant.recipe, seed, plateau)
            logits = {}
            for split in SCORED_SPLITS:
                if variant.post_hoc:
                    views = predict_view_logits(model, x[split])
                    logits[(split, False)], logits[(split, True)] = views[0], views.mean(axis=0)
                else:
                    logits[(split, False)] = predict_logits(model, x[split])
            runs.append(TrainedRun(variant.label, seed, model, fit, logits, variant.post_hoc))
    return SeedRuns(runs, {split: y[split] for split in SCORED_SPLITS})


def plateau_log(runs: SeedRuns) -> pd.DataFrame:
    """One row per run: its kept epoch, the epochs it ran and whether it stopped at the
    cap still improving."""
    return pd.DataFrame([{"variant": r.variant, "seed": r.seed, "kept epoch": r.fit.best_epoch,
                          "epochs run": r.fit.epochs_run, "at cap": r.fit.at_cap}
                         for r in runs.runs])
