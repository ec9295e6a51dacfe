"""Cost measurements: FLOP counts against the textbook formula; timings are only checked
to be positive and finite (tests do not time things)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch import nn

from medlib.efficiency import cost
from medlib.efficiency.cost import (
    count_flops,
    keras_seconds_per_training_image,
    keras_training_images_per_second,
    median_seconds,
    torch_inference_cost,
    torch_training_images_per_second,
)
from medlib.models.cnn import seed_cnn
from medlib.models.cnn_torch import ImprovedCNN, SeedCNN


def test_count_flops_of_a_convolution_is_two_times_the_multiply_adds():
    conv = nn.Conv2d(3, 8, 3)  # 26 x 26 outputs of 8 channels, each 3*3*3 multiply-adds
    assert count_flops(conv, (3, 28, 28)) == 2 * 26 * 26 * 8 * 3 * 3 * 3


def test_seed_cnn_flops_match_its_layers():
    macs = 26 * 26 * 32 * 9 + 11 * 11 * 64 * 32 * 9 + 3 * 3 * 128 * 64 * 9 + 128 * 1024 + 1024
    assert count_flops(SeedCNN(), (1, 28, 28)) == 2 * macs


def test_median_seconds_runs_warmup_plus_repeats():
    calls = []
    median_seconds(lambda: calls.append(1), repeats=3, warmup=2)
    assert len(calls) == 5


def test_throughput_measurements_are_positive():
    images, labels = torch.rand(16, 1, 28, 28), torch.randint(0, 2, (16,))
    model = ImprovedCNN(widths=(4, 8, 8))
    cost = torch_inference_cost(model, images, repeats=1, batch_size=8)
    assert all(math.isfinite(v) and v > 0 for v in cost.values())
    assert torch_training_images_per_second(model, images, labels, batch_size=8, steps=1) > 0
    keras_model = seed_cnn((28, 28, 1))
    x, y = np.random.default_rng(0).random((8, 28, 28, 1), dtype=np.float32), np.ones(8)
    assert (
        keras_training_images_per_second(
            keras_model, x, y, batch_size=8, steps=1, from_logits=False
        )
        > 0
    )


class _FakeKerasModel:
    input_shape = (None, 5, 4, 2)

    def __init__(self):
        self.compiled, self.batches = None, []

    def compile(self, **kwargs):
        self.compiled = kwargs

    def train_on_batch(self, x, y):
        self.batches.append((x.copy(), y.copy()))


def test_keras_seconds_per_training_image_is_the_mean_after_one_warmup_step(monkeypatch):
    model = _FakeKerasModel()
    ticks = iter([10.0, 16.0])  # the clock is read before and after the timed steps
    monkeypatch.setattr(cost.time, "perf_counter", lambda: next(ticks))
    seconds = keras_seconds_per_training_image(model, steps=3, batch_size=4)
    assert seconds == pytest.approx(6.0 / (3 * 4))
    assert model.compiled == {"optimizer": "adam", "loss": "binary_crossentropy"}
    assert len(model.batches) == 1 + 3
    x, y = model.batches[0]
    assert x.shape == (4, 5, 4, 2) and x.dtype == np.float32 and not y.any()
    assert np.array_equal(x, np.random.default_rng(0).random((4, 5, 4, 2), dtype=np.float32))


def test_keras_seconds_per_training_image_times_the_seed_cnn():
    seconds = keras_seconds_per_training_image(seed_cnn((28, 28, 1)), steps=1, batch_size=4)
    assert math.isfinite(seconds) and seconds > 0
