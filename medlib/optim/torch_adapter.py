"""Run a :mod:`medlib.optim.rules` rule as a ``torch.optim.Optimizer``.

The update itself is the rule's ``step``; this class only keeps its state per parameter
and counts steps. Learning-rate schedules plug in through ``torch.optim.lr_scheduler``
(for example ``LambdaLR`` with a schedule of :mod:`medlib.optim.schedules`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import torch

from medlib.optim.rules import UpdateRule


class RuleOptimizer(torch.optim.Optimizer):
    """``torch.optim.Optimizer`` that applies ``rule`` to every parameter with a gradient."""

    def __init__(self, params: Iterable, rule: UpdateRule, lr: float) -> None:
        if lr < 0:
            raise ValueError(f"learning rate must be non-negative, got {lr}")
        super().__init__(params, {"lr": lr})
        self.rule = rule

    @torch.no_grad()
    def step(self, closure: Callable[[], torch.Tensor] | None = None) -> torch.Tensor | None:
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state["step"] = 0
                    state["rule"] = self.rule.init(p.detach().clone())
                state["step"] += 1
                new_p, state["rule"] = self.rule.step(
                    p, p.grad, state["rule"], group["lr"], state["step"]
                )
                p.copy_(new_p)
        return loss
