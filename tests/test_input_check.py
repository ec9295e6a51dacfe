"""The deployed model's input check: clear contract errors, calibrated false alarms."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from medlib.models.cnn_torch import ImprovedCNN
from medlib.trust.input_check import InputCheck, InputError, flag_rates


@pytest.fixture(scope="module")
def check():
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    base = rng.integers(60, 120, (1, 28, 28))

    def like_training(n):
        return np.clip(base + rng.integers(-20, 20, (n, 28, 28)), 0, 255).astype(np.uint8)

    model = ImprovedCNN(widths=(4, 8, 8)).eval()
    return InputCheck.fit(
        model, like_training(300), like_training(200), false_alarm_rate=0.05
    ), like_training


def test_contract_errors_say_what_was_wrong(check):
    input_check, _ = check
    with pytest.raises(InputError, match=r"shape \(28, 28\)"):
        input_check.validate(np.zeros((2, 32, 32), np.uint8))
    with pytest.raises(InputError, match="add a batch axis"):
        input_check.validate(np.zeros((28, 28), np.uint8))
    with pytest.raises(InputError, match="uint8"):
        input_check.validate(np.zeros((2, 28, 28), np.float32))
    with pytest.raises(InputError, match="numpy array"):
        input_check.validate([[0]])
    with pytest.raises(InputError, match="empty"):
        input_check.validate(np.zeros((0, 28, 28), np.uint8))


def test_false_alarms_near_the_chosen_rate_and_strange_images_flagged(check):
    input_check, like_training = check
    assert input_check.flags(like_training(400)).mean() < 0.15
    strange = np.full((50, 28, 28), 255, np.uint8)
    strange[:, ::2] = 0  # stripes
    assert input_check.flags(strange).mean() > 0.9


def test_flag_rates_are_the_share_flagged_per_named_batch(check):
    input_check, like_training = check
    usual, strange = like_training(100), np.full((20, 28, 28), 255, np.uint8)
    strange[:, ::2] = 0
    table = flag_rates(input_check, {"usual": usual, "stripes": strange})
    assert table.index.tolist() == ["usual", "stripes"]
    assert table.loc["usual", "flagged"] == input_check.flags(usual).mean()
    assert table.loc["stripes", "flagged"] == input_check.flags(strange).mean() > 0.9
