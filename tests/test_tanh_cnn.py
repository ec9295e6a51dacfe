"""The DP-friendly CNN: its size, its shape contract, and that opacus accepts it."""

from __future__ import annotations

import pytest
import torch
from opacus.validators import ModuleValidator

from medlib.models.tanh_cnn import TanhCNN
from medlib.models.twins import trainable_parameter_count


def test_it_is_small_and_outputs_one_logit_per_image():
    model = TanhCNN()
    # Papernot et al.'s MNIST network has 26,010 weights with ten outputs; one output: 25,713
    assert trainable_parameter_count(model) == 25_713
    assert trainable_parameter_count(TanhCNN(n_outputs=10)) == 26_010
    assert model(torch.rand(5, 1, 28, 28)).shape == (5, 1)


def test_opacus_accepts_it():
    assert ModuleValidator.validate(TanhCNN(), strict=False) == []


def test_other_image_sizes_are_refused_with_the_fix():
    with pytest.raises(ValueError, match="load the data set at size 28"):
        TanhCNN()(torch.rand(2, 1, 64, 64))
