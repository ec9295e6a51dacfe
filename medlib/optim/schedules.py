"""Learning-rate schedules, each one function of the step, written once.

A schedule takes the 0-based step (a Python number or a tensor) and an array namespace
``xp`` providing ``cos``, ``minimum`` and ``where`` (``numpy`` by default; the Keras
adapter passes ``keras.ops``), so the torch adapter (through ``LambdaLR``) and the Keras
adapter evaluate the same lines. Chapter: ``optimizers``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Constant:
    """The base learning rate at every step."""

    base_lr: float

    def __call__(self, step: Any, xp: Any = np) -> Any:
        return step * 0.0 + self.base_lr


@dataclass(frozen=True)
class StepDecay:
    """``base_lr * factor ** k`` after the k-th milestone (steps); MedMNIST uses 0.1 at 50%
    and 75% of training."""

    base_lr: float
    milestones: Sequence[int]
    factor: float = 0.1

    def __call__(self, step: Any, xp: Any = np) -> Any:
        lr = step * 0.0 + self.base_lr
        for milestone in self.milestones:
            lr = xp.where(step >= milestone, lr * self.factor, lr)
        return lr

    @classmethod
    def medmnist(cls, base_lr: float, epochs: int, steps_per_epoch: int = 1) -> StepDecay:
        """The MedMNIST v2 protocol's decay (Yang et al., 2023): ``base_lr`` times 0.1 at
        epoch ``int(0.5 * epochs)`` and again at ``int(0.75 * epochs)``, as a function of the
        step (the epoch with ``steps_per_epoch`` = 1, the default).

        The Keras loop (``cnn_diagnosis``) evaluates it per epoch, the torch loop
        (``cnn_beyond``) per optimiser step. When a short run makes the two milestones
        coincide (1 or 2 epochs) they merge into one drop by 0.1 ** 2, which is what torch's
        ``MultiStepLR`` does and, in float64, not the same number as two drops by 0.1.
        """
        first, second = int(0.5 * epochs) * steps_per_epoch, int(0.75 * epochs) * steps_per_epoch
        if first == second:
            return cls(base_lr, milestones=(first,), factor=0.1**2)
        return cls(base_lr, milestones=(first, second), factor=0.1)


@dataclass(frozen=True)
class WarmupCosine:
    """Linear warm-up from 0 to ``base_lr`` over ``warmup_steps``, then cosine decay to
    ``min_lr`` at ``total_steps`` (Loshchilov & Hutter, 2017; Goyal et al., 2017)."""

    base_lr: float
    total_steps: int
    warmup_steps: int = 0
    min_lr: float = 0.0

    def __call__(self, step: Any, xp: Any = np) -> Any:
        step = step * 1.0
        warm = self.base_lr * (step + 1) / max(self.warmup_steps, 1)
        progress = (step - self.warmup_steps) / max(self.total_steps - self.warmup_steps, 1)
        progress = xp.minimum(progress, 1.0)
        cosine = self.min_lr + 0.5 * (self.base_lr - self.min_lr) * (1 + xp.cos(math.pi * progress))
        return xp.where(step < self.warmup_steps, warm, cosine)


Schedule = Callable[..., Any]
