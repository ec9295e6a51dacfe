"""Parity of medlib's rules with torch.optim and keras.optimizers.

For each rule and framework, the rule (configured the way that framework defines it) and
the framework's own optimizer take the same 100 float64 steps from the same parameters on
the same gradient sequence; the result is the largest relative difference of the parameter
trajectories. The tests require at most 1e-6; the optimizers chapter prints the table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import keras
import numpy as np
import pandas as pd
import torch

from medlib.optim import keras_adapter, torch_adapter
from medlib.optim.rules import SGD, AdaGrad, Adam, Momentum, Nesterov, RMSProp, UpdateRule


@dataclass(frozen=True)
class ParityCase:
    """One rule, configured as each framework defines it, with that framework's optimizer."""

    rule: str
    torch_rule: UpdateRule
    torch_builtin: Callable[[list, float], torch.optim.Optimizer]
    keras_rule: UpdateRule
    keras_builtin: Callable[[float], keras.optimizers.Optimizer]
    definition: str


CASES = (
    ParityCase(
        "SGD",
        SGD(),
        lambda p, lr: torch.optim.SGD(p, lr=lr),
        SGD(),
        lambda lr: keras.optimizers.SGD(learning_rate=lr),
        "identical in both frameworks",
    ),
    ParityCase(
        "momentum",
        Momentum(0.9),
        lambda p, lr: torch.optim.SGD(p, lr=lr, momentum=0.9),
        Momentum(0.9),
        lambda lr: keras.optimizers.SGD(learning_rate=lr, momentum=0.9),
        "torch keeps b, Keras keeps -lr*b: equal at constant learning rate",
    ),
    ParityCase(
        "Nesterov",
        Nesterov(0.9),
        lambda p, lr: torch.optim.SGD(p, lr=lr, momentum=0.9, nesterov=True),
        Nesterov(0.9),
        lambda lr: keras.optimizers.SGD(learning_rate=lr, momentum=0.9, nesterov=True),
        "Sutskever look-ahead form in both; buffers differ by -lr as for momentum",
    ),
    ParityCase(
        "AdaGrad",
        AdaGrad(eps=1e-10),
        lambda p, lr: torch.optim.Adagrad(p, lr=lr),
        AdaGrad(eps=1e-7, initial_accumulator=0.1, eps_inside_sqrt=True),
        lambda lr: keras.optimizers.Adagrad(learning_rate=lr),
        "torch: eps outside the root, accumulator from 0; Keras: inside, from 0.1",
    ),
    ParityCase(
        "RMSProp",
        RMSProp(rho=0.99, eps=1e-8),
        lambda p, lr: torch.optim.RMSprop(p, lr=lr),
        RMSProp(rho=0.9, eps=1e-7, eps_inside_sqrt=True),
        lambda lr: keras.optimizers.RMSprop(learning_rate=lr),
        "torch: rho 0.99, eps outside the root; Keras: rho 0.9, eps inside",
    ),
    ParityCase(
        "Adam",
        Adam(eps=1e-8),
        lambda p, lr: torch.optim.Adam(p, lr=lr),
        Adam(eps=1e-7, eps_hat=True),
        lambda lr: keras.optimizers.Adam(learning_rate=lr),
        "torch: eps on the bias-corrected root; Keras: 'epsilon hat' on the raw root",
    ),
    ParityCase(
        "AdamW",
        Adam(weight_decay=0.01),
        lambda p, lr: torch.optim.AdamW(p, lr=lr, weight_decay=0.01),
        Adam(eps=1e-7, eps_hat=True, weight_decay=0.004),
        lambda lr: keras.optimizers.AdamW(learning_rate=lr, weight_decay=0.004),
        "decoupled decay p <- p - lr*wd*p before the Adam step in both",
    ),
)


def gradient_sequence(n_params: int, steps: int, seed: int) -> np.ndarray:
    """Gradients of varying scale and sign, so adaptive rules are exercised off the trivial path."""
    rng = np.random.default_rng(seed)
    scale = np.logspace(-3, 1, n_params)
    return rng.standard_normal((steps, n_params)) * scale


def _relative_error(ours: np.ndarray, reference: np.ndarray) -> float:
    return float(np.max(np.abs(ours - reference)) / np.max(np.abs(reference)))


def torch_trajectory(make_optimizer, p0: np.ndarray, grads: np.ndarray, lr: float) -> np.ndarray:
    param = torch.nn.Parameter(torch.tensor(p0, dtype=torch.float64))
    optimizer = make_optimizer([param], lr)
    path = []
    for g in grads:
        param.grad = torch.tensor(g, dtype=torch.float64)
        optimizer.step()
        path.append(param.detach().numpy().copy())
    return np.array(path)


def keras_trajectory(optimizer, p0: np.ndarray, grads: np.ndarray) -> np.ndarray:
    variable = keras.Variable(p0, dtype="float64")
    path = []
    for g in grads:
        optimizer.apply_gradients([(keras.ops.convert_to_tensor(g, dtype="float64"), variable)])
        path.append(keras.ops.convert_to_numpy(variable).copy())
    return np.array(path)


def numpy_trajectory(rule: UpdateRule, p0: np.ndarray, grads: np.ndarray, lr: float) -> np.ndarray:
    p, state, path = p0.copy(), rule.init(p0), []
    for t, g in enumerate(grads, start=1):
        p, state = rule.step(p, g, state, lr, t)
        path.append(p.copy())
    return np.array(path)


# Keras keeps the learning rate in a float32 variable; 2**-7 is exact in float32, so both
# frameworks and NumPy step with the same number and float64 round-off is all that remains.
PARITY_LR = 2.0**-7


def parity_errors(
    case: ParityCase, steps: int = 100, n_params: int = 50, lr: float = PARITY_LR, seed: int = 0
) -> dict[str, float]:
    """Max relative trajectory error of medlib against each framework's own optimizer."""
    rng = np.random.default_rng(seed)
    p0 = rng.standard_normal(n_params)
    grads = gradient_sequence(n_params, steps, seed + 1)
    torch_reference = torch_trajectory(case.torch_builtin, p0, grads, lr)
    keras_reference = keras_trajectory(case.keras_builtin(lr), p0, grads)
    adapter = lambda params, lr_: torch_adapter.RuleOptimizer(params, case.torch_rule, lr_)  # noqa: E731
    return {
        "torch adapter vs torch.optim": _relative_error(
            torch_trajectory(adapter, p0, grads, lr), torch_reference
        ),
        "NumPy rule vs torch.optim": _relative_error(
            numpy_trajectory(case.torch_rule, p0, grads, lr), torch_reference
        ),
        "Keras adapter vs keras.optimizers": _relative_error(
            keras_trajectory(keras_adapter.RuleOptimizer(case.keras_rule, lr), p0, grads),
            keras_reference,
        ),
        "NumPy rule vs keras.optimizers": _relative_error(
            numpy_trajectory(case.keras_rule, p0, grads, lr), keras_reference
        ),
    }


def parity_table(steps: int = 100, seed: int = 0) -> pd.DataFrame:
    """Every rule against both frameworks: one row per rule, one column per comparison."""
    rows = {case.rule: parity_errors(case, steps=steps, seed=seed) for case in CASES}
    table = pd.DataFrame(rows).T
    table["definition matched"] = [case.definition for case in CASES]
    return table
