"""The framework comparison and the cost row of chapter ``cnn_beyond``: counts checked
against their definitions, timings only checked to be positive and finite."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from medlib.efficiency.comparison import cost_row, framework_training_speed
from medlib.efficiency.cost import count_flops
from medlib.models.cnn import seed_cnn
from medlib.models.cnn_torch import ImprovedCNN, SeedCNN
from medlib.models.twins import trainable_parameter_count


def test_framework_speed_times_each_network_in_both_frameworks():
    images, labels = torch.rand(8, 1, 28, 28), np.array([0, 1, 2, 3, 0, 1, 2, 3])
    table = framework_training_speed(
        {"seed CNN": (seed_cnn((28, 28, 1)), SeedCNN(1, 1, 28), False)},
        images, labels, batch_size=4, steps=1,
    )
    assert list(table.index) == ["seed CNN"]
    assert list(table.columns) == ["Keras (images/s)", "torch (images/s)", "torch ÷ Keras"]
    row = table.loc["seed CNN"]
    assert all(math.isfinite(v) and v > 0 for v in row)
    assert row["torch ÷ Keras"] == pytest.approx(row["torch (images/s)"] / row["Keras (images/s)"])


def test_cost_row_counts_the_model_and_keeps_the_training_speed():
    model = ImprovedCNN(1, 1, widths=(4, 8, 8))
    row = cost_row(model, (1, 28, 28), torch.rand(8, 1, 28, 28), repeats=1,
                   train_images_per_second=np.float64(123.5))
    assert list(row) == ["parameters", "MFLOPs / image", "latency_ms", "inference_images_per_s",
                         "training images / s"]
    assert row["parameters"] == trainable_parameter_count(model)
    assert row["MFLOPs / image"] == count_flops(model, (1, 28, 28)) / 1e6
    assert row["training images / s"] == 123.5 and type(row["training images / s"]) is float
    assert row["latency_ms"] > 0 and row["inference_images_per_s"] > 0
