"""Optimizers, each update rule written once (:mod:`.rules`), with adapters for torch
(:mod:`.torch_adapter`) and Keras (:mod:`.keras_adapter`) and schedules (:mod:`.schedules`).

:mod:`.convex` is the convex test bed (regularised logistic regression) where the rules are
compared with theory; :mod:`.same_start` trains one network from the same initial weights
under each rule. Chapter: ``optimizers``. The parity tests check every rule against torch.optim and
keras.optimizers over 100 float64 steps.
"""

from medlib.optim.rules import (
    SGD,
    AdaGrad,
    Adam,
    AdamW,
    Momentum,
    Nesterov,
    RMSProp,
    UpdateRule,
)
from medlib.optim.schedules import Constant, StepDecay, WarmupCosine

__all__ = [
    "SGD",
    "AdaGrad",
    "Adam",
    "AdamW",
    "Constant",
    "Momentum",
    "Nesterov",
    "RMSProp",
    "StepDecay",
    "UpdateRule",
    "WarmupCosine",
]
