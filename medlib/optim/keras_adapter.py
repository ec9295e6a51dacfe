"""Run a :mod:`medlib.optim.rules` rule as a Keras optimizer.

The update is the rule's ``step`` applied to Keras tensors; this class creates one Keras
variable per state entry and assigns the new values. Schedules of
:mod:`medlib.optim.schedules` become Keras schedules through :class:`KerasSchedule`.
"""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from medlib.optim.rules import UpdateRule


class KerasSchedule(keras.optimizers.schedules.LearningRateSchedule):
    """A medlib schedule evaluated with ``keras.ops`` on the optimizer's step counter."""

    def __init__(self, schedule: Any) -> None:
        self.schedule = schedule

    def __call__(self, step):
        return self.schedule(ops.cast(step, "float32"), xp=ops)

    def get_config(self) -> dict:
        return {"schedule": repr(self.schedule)}


class RuleOptimizer(keras.optimizers.Optimizer):
    """Keras optimizer that applies ``rule`` to every trainable variable."""

    def __init__(
        self, rule: UpdateRule, learning_rate: Any = 0.01, name: str | None = None, **kwargs: Any
    ) -> None:
        if callable(learning_rate) and not isinstance(
            learning_rate, keras.optimizers.schedules.LearningRateSchedule
        ):
            learning_rate = KerasSchedule(learning_rate)
        super().__init__(learning_rate=learning_rate, name=name or f"medlib_{rule.name}", **kwargs)
        self.rule = rule

    def build(self, variables: list) -> None:
        if self.built:
            return
        super().build(variables)
        self._rule_slots = []
        for variable in variables:
            slots = {}
            for key, value in self.rule.init(ops.convert_to_tensor(variable)).items():
                slot = self.add_variable_from_reference(variable, name=key)
                slot.assign(value)
                slots[key] = slot
            self._rule_slots.append(slots)

    def update_step(self, gradient, variable, learning_rate) -> None:
        lr = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        t = ops.cast(self.iterations + 1, variable.dtype)
        slots = self._rule_slots[self._get_variable_index(variable)]
        state = {key: ops.convert_to_tensor(slot) for key, slot in slots.items()}
        new_value, new_state = self.rule.step(
            ops.convert_to_tensor(variable), gradient, state, lr, t
        )
        for key, value in new_state.items():
            self.assign(slots[key], value)
        self.assign(variable, new_value)

    def get_config(self) -> dict:
        return {**super().get_config(), "rule": repr(self.rule)}
