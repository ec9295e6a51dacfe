"""The fine-tuning a pruned copy of the improved CNN gets in chapter efficiency.

:func:`medlib.efficiency.compression.prune_by_magnitude` zeroes the smallest weights and
hands the copy, its pruning masks in place, to a ``finetune`` callable; this module builds
that callable: the chapter's training recipe for a few epochs at a tenth of the original
peak learning rate, so that the kept weights adjust to the lost ones without undoing the
masks. Zero epochs means no fine-tuning at all (the pruned copy as it is).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np
import torch

from medlib.train.torch_loop import TrainRecipe, fit_classifier

FINETUNE_LEARNING_RATE = 3e-4  # a tenth of TrainRecipe's peak learning rate
N_CLASSES = 2  # the chapter's distillation loss is written for one-logit binary models


def finetune_pruned(model: torch.nn.Module, x: dict[str, torch.Tensor], y: dict[str, np.ndarray],
                    epochs: int, seed: int) -> None:
    """Train ``model`` in place on ``x['train']`` for ``epochs`` epochs (validation: ``x['val']``)
    at :data:`FINETUNE_LEARNING_RATE`; nothing when ``epochs`` is 0."""
    if epochs:
        fit_classifier(model, x["train"], y["train"], x["val"], y["val"], N_CLASSES,
                       TrainRecipe(epochs, learning_rate=FINETUNE_LEARNING_RATE), seed)


def pruned_finetuner(x: dict[str, torch.Tensor], y: dict[str, np.ndarray], epochs: int,
                     seed: int) -> Callable[[torch.nn.Module], None]:
    """:func:`finetune_pruned` on these splits, as the one-argument callable that
    :func:`~medlib.efficiency.compression.prune_by_magnitude` calls with the pruned copy."""
    return partial(finetune_pruned, x=x, y=y, epochs=epochs, seed=seed)
