"""Update rules of the optimizers chapter, each written once as a pure function.

A rule maps (parameter, gradient, state, learning rate, step) to (new parameter, new state)
using only ``+ - * /`` and ``**``, so the same lines run on NumPy arrays, torch tensors and
Keras/TensorFlow tensors: the adapters in :mod:`medlib.optim.torch_adapter` and
:mod:`medlib.optim.keras_adapter` call these functions and nothing else. Where the
frameworks define a rule differently (where epsilon goes, the form of the momentum buffer),
the difference is an explicit option here, and the parity tests name which definition each
framework uses. Chapter: ``optimizers``.

Notation: ``p`` parameter, ``g`` gradient, ``lr`` learning rate, ``t`` the 1-based step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Array = Any  # numpy.ndarray, torch.Tensor or a Keras/TensorFlow tensor
State = dict[str, Array]


def _zeros_like(p: Array) -> Array:
    return p * 0.0


@dataclass(frozen=True)
class UpdateRule:
    """Base class: ``init`` builds the state, ``step`` applies one update."""

    name = "rule"

    def init(self, p: Array) -> State:
        return {}

    def step(self, p: Array, g: Array, state: State, lr: Array, t: Array) -> tuple[Array, State]:
        raise NotImplementedError


@dataclass(frozen=True)
class SGD(UpdateRule):
    """Gradient descent: ``p <- p - lr * g`` (Cauchy, 1847; Robbins & Monro, 1951).

    With the full-data gradient this is gradient descent; with a mini-batch gradient it is
    stochastic gradient descent. The rule is the same; only the gradient differs.
    """

    name = "SGD"

    def step(self, p, g, state, lr, t):
        return p - lr * g, state


@dataclass(frozen=True)
class Momentum(UpdateRule):
    """Heavy-ball momentum (Polyak, 1964), torch's form::

        b <- mu * b + g
        p <- p - lr * b

    Keras keeps ``v = -lr * b`` instead (``v <- mu * v - lr * g; p <- p + v``); the two
    coincide while the learning rate is constant and differ after a learning-rate change.
    """

    momentum: float = 0.9
    name = "momentum"

    def init(self, p):
        return {"b": _zeros_like(p)}

    def step(self, p, g, state, lr, t):
        b = self.momentum * state["b"] + g
        return p - lr * b, {"b": b}


@dataclass(frozen=True)
class Nesterov(UpdateRule):
    """Nesterov's accelerated gradient (Nesterov, 1983) in the look-ahead form of
    Sutskever et al. (2013), as torch writes it::

        b <- mu * b + g
        p <- p - lr * (g + mu * b)

    Keras's ``SGD(nesterov=True)`` is the same update with ``v = -lr * b``.
    """

    momentum: float = 0.9
    name = "Nesterov"

    def init(self, p):
        return {"b": _zeros_like(p)}

    def step(self, p, g, state, lr, t):
        b = self.momentum * state["b"] + g
        return p - lr * (g + self.momentum * b), {"b": b}


@dataclass(frozen=True)
class AdaGrad(UpdateRule):
    """AdaGrad (Duchi, Hazan & Singer, 2011)::

        s <- s + g**2
        p <- p - lr * g / (sqrt(s) + eps)        (torch: eps outside the root)
        p <- p - lr * g / sqrt(s + eps)          (Keras: eps_inside_sqrt=True)

    torch starts the accumulator at 0 with eps = 1e-10; Keras at 0.1 with eps = 1e-7.
    """

    eps: float = 1e-10
    initial_accumulator: float = 0.0
    eps_inside_sqrt: bool = False
    name = "AdaGrad"

    def init(self, p):
        return {"s": _zeros_like(p) + self.initial_accumulator}

    def step(self, p, g, state, lr, t):
        s = state["s"] + g * g
        denominator = (s + self.eps) ** 0.5 if self.eps_inside_sqrt else s**0.5 + self.eps
        return p - lr * g / denominator, {"s": s}


@dataclass(frozen=True)
class RMSProp(UpdateRule):
    """RMSProp (Tieleman & Hinton, 2012, Coursera lecture 6.5)::

    s <- rho * s + (1 - rho) * g**2
    p <- p - lr * g / (sqrt(s) + eps)        (torch, rho is its ``alpha`` = 0.99)
    p <- p - lr * g / sqrt(s + eps)          (Keras, rho = 0.9: eps_inside_sqrt=True)
    """

    rho: float = 0.99
    eps: float = 1e-8
    eps_inside_sqrt: bool = False
    name = "RMSProp"

    def init(self, p):
        return {"s": _zeros_like(p)}

    def step(self, p, g, state, lr, t):
        s = self.rho * state["s"] + (1 - self.rho) * g * g
        denominator = (s + self.eps) ** 0.5 if self.eps_inside_sqrt else s**0.5 + self.eps
        return p - lr * g / denominator, {"s": s}


@dataclass(frozen=True)
class Adam(UpdateRule):
    """Adam (Kingma & Ba, 2015), with optional decoupled weight decay, AdamW
    (Loshchilov & Hutter, 2019)::

        p <- p - lr * weight_decay * p                  (AdamW only, before the step)
        m <- beta1 * m + (1 - beta1) * g
        v <- beta2 * v + (1 - beta2) * g**2
        p <- p - lr * m_hat / (sqrt(v_hat) + eps)        m_hat = m / (1 - beta1**t),
                                                         v_hat = v / (1 - beta2**t)

    That is torch's form (eps added to the bias-corrected root). Keras adds eps to the
    uncorrected root, ``p <- p - lr * sqrt(1 - beta2**t) / (1 - beta1**t) * m / (sqrt(v) + eps)``,
    the "epsilon hat" variant of the paper's section 2: set ``eps_hat=True``.
    """

    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    weight_decay: float = 0.0
    eps_hat: bool = False
    name = "Adam"

    def init(self, p):
        return {"m": _zeros_like(p), "v": _zeros_like(p)}

    def step(self, p, g, state, lr, t):
        if self.weight_decay:
            p = p - lr * self.weight_decay * p
        m = self.beta1 * state["m"] + (1 - self.beta1) * g
        v = self.beta2 * state["v"] + (1 - self.beta2) * g * g
        correction1 = 1 - self.beta1**t
        correction2 = 1 - self.beta2**t
        if self.eps_hat:
            step_size = lr * correction2**0.5 / correction1
            return p - step_size * m / (v**0.5 + self.eps), {"m": m, "v": v}
        m_hat, v_hat = m / correction1, v / correction2
        return p - lr * m_hat / (v_hat**0.5 + self.eps), {"m": m, "v": v}


def AdamW(weight_decay: float = 0.01, **kwargs: Any) -> Adam:  # noqa: N802 - reads as a class
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019)."""
    return Adam(weight_decay=weight_decay, **kwargs)
