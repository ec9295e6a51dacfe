"""medlib.optim: every rule equals torch.optim and keras.optimizers (float64, 100 steps),
the adapters train real models, and the schedules have the promised shapes."""

import keras
import numpy as np
import pytest
import torch

from medlib.optim import (
    SGD,
    Adam,
    AdamW,
    Constant,
    Momentum,
    StepDecay,
    WarmupCosine,
    keras_adapter,
    torch_adapter,
)
from medlib.optim.parity import CASES, parity_errors

TOLERANCE = 1e-6


@pytest.mark.parametrize("case", CASES, ids=[c.rule for c in CASES])
def test_rule_matches_both_frameworks(case):
    errors = parity_errors(case, steps=100)
    assert max(errors.values()) <= TOLERANCE, errors


def test_momentum_forms_differ_once_the_learning_rate_changes():
    """Why the chapter says 'equal at constant learning rate': torch's buffer is lr-free."""
    p0, grads = np.ones(3), np.ones((2, 3))
    torch_form = Momentum(0.9)
    p, state = p0, torch_form.init(p0)
    for t, (g, lr) in enumerate(zip(grads, (0.1, 0.01), strict=True), start=1):
        p, state = torch_form.step(p, g, state, lr, t)
    keras_v, keras_p = np.zeros(3), p0.copy()
    for g, lr in zip(grads, (0.1, 0.01), strict=True):
        keras_v = 0.9 * keras_v - lr * g
        keras_p = keras_p + keras_v
    assert not np.allclose(p, keras_p)


def test_adamw_is_adam_with_decoupled_decay():
    assert AdamW(0.05) == Adam(weight_decay=0.05)


def test_torch_adapter_trains_a_model():
    torch.manual_seed(0)
    x = torch.randn(64, 3)
    y = x @ torch.tensor([1.0, -2.0, 0.5])
    model = torch.nn.Linear(3, 1)
    optimizer = torch_adapter.RuleOptimizer(model.parameters(), Adam(), lr=0.05)
    losses = []
    for _ in range(200):
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x).squeeze(1), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 1e-3 * losses[0]


def test_keras_adapter_trains_a_model_with_a_schedule():
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).standard_normal((64, 3)).astype("float32")
    y = x @ np.array([1.0, -2.0, 0.5], dtype="float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    schedule = WarmupCosine(base_lr=0.1, total_steps=100, warmup_steps=5)
    model.compile(optimizer=keras_adapter.RuleOptimizer(Momentum(0.9), schedule), loss="mse")
    history = model.fit(x, y, epochs=25, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 1e-3 * history.history["loss"][0]


def test_torch_adapter_rejects_a_negative_learning_rate():
    with pytest.raises(ValueError, match="non-negative"):
        torch_adapter.RuleOptimizer([torch.nn.Parameter(torch.zeros(1))], SGD(), lr=-1)


def test_schedules_in_numpy_and_keras_agree():
    steps = np.arange(0, 120)
    for schedule in (
        Constant(0.1),
        StepDecay(0.1, milestones=(50, 75)),
        WarmupCosine(0.1, total_steps=100, warmup_steps=10, min_lr=0.001),
    ):
        in_numpy = schedule(steps)
        in_keras = keras.ops.convert_to_numpy(
            keras_adapter.KerasSchedule(schedule)(keras.ops.convert_to_tensor(steps))
        )
        np.testing.assert_allclose(in_numpy, in_keras, rtol=1e-5)  # Keras evaluates in float32


def test_schedule_shapes():
    step_decay = StepDecay(1.0, milestones=(50, 75))
    assert [float(step_decay(s)) for s in (0, 49, 50, 75)] == pytest.approx([1, 1, 0.1, 0.01])
    cosine = WarmupCosine(1.0, total_steps=110, warmup_steps=10)
    assert float(cosine(0)) == pytest.approx(0.1) and float(cosine(9)) == pytest.approx(1.0)
    assert float(cosine(10)) == pytest.approx(1.0) and float(cosine(60)) == pytest.approx(0.5)
    assert float(cosine(110)) == pytest.approx(0.0, abs=1e-12)
    assert float(cosine(500)) == pytest.approx(0.0, abs=1e-12)


def test_schedule_drives_torch_lambda_lr():
    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch_adapter.RuleOptimizer([param], SGD(), lr=1.0)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: float(StepDecay(1.0, milestones=(2,))(s))
    )
    rates = []
    for _ in range(4):
        rates.append(optimizer.param_groups[0]["lr"])
        param.grad = torch.ones(1)
        optimizer.step()
        scheduler.step()
    assert rates == pytest.approx([1, 1, 0.1, 0.1])


def test_keras_residual_comes_from_float32_hyperparameters():
    """Keras casts momentum and betas through float32 before its float64 update; with
    hyperparameters exact in float32 the residual 1e-7 of the parity table vanishes."""
    from medlib.optim.parity import PARITY_LR, gradient_sequence, keras_trajectory, numpy_trajectory

    rng = np.random.default_rng(0)
    p0, grads = rng.standard_normal(20), gradient_sequence(20, 100, seed=1)
    pairs = [
        (Momentum(0.875), keras.optimizers.SGD(PARITY_LR, momentum=0.875)),
        (
            Adam(beta1=0.875, beta2=1 - 2**-10, eps=1e-7, eps_hat=True),
            keras.optimizers.Adam(PARITY_LR, beta_1=0.875, beta_2=1 - 2**-10),
        ),
    ]
    for rule, builtin in pairs:
        ours = numpy_trajectory(rule, p0, grads, PARITY_LR)
        theirs = keras_trajectory(builtin, p0, grads)
        assert np.max(np.abs(ours - theirs)) / np.max(np.abs(theirs)) < 1e-14
