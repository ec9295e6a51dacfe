"""Two networks compared on what they cost: training speed in Keras and in torch, and the
columns of a trained model's cost table (chapter ``cnn_beyond``).

The chapter chooses its training framework by measuring, not by reputation: each network
exists in both frameworks, layer for layer (:mod:`medlib.models.twins`), and
:func:`framework_training_speed` times the same batch in each, Keras on the channels-last
NumPy copy it expects, torch on a channels-last tensor. :func:`cost_row` gathers what one
trained model costs, so that every row of the cost table is measured the same way.
"""

from __future__ import annotations

from collections.abc import Mapping

import keras
import numpy as np
import pandas as pd
import torch

from medlib.efficiency.cost import (
    count_flops,
    keras_training_images_per_second,
    torch_inference_cost,
    torch_training_images_per_second,
)
from medlib.models.twins import trainable_parameter_count


def framework_training_speed(
    networks: Mapping[str, tuple[keras.Model, torch.nn.Module, bool]],
    images: torch.Tensor,
    labels: np.ndarray,
    batch_size: int,
    steps: int,
) -> pd.DataFrame:
    """Training throughput (images/s) of each network in Keras and in torch, and their ratio
    ``torch ÷ Keras``, indexed by network name.

    ``networks`` maps a name to (Keras model, torch twin, whether the Keras model outputs a
    logit rather than a probability); both have one output. Both are timed on the first
    ``batch_size`` of ``images`` (a ``(n, c, h, w)`` tensor) with ``labels`` made binary
    (label mod 2), for ``steps`` timed steps. The torch model is made channels-last.
    """
    x = images[:batch_size]
    y = torch.from_numpy(np.asarray(labels)[:batch_size] % 2)
    x_keras = x.permute(0, 2, 3, 1).contiguous().numpy()
    rows = []
    for name, (keras_model, torch_model, from_logits) in networks.items():
        rows.append({
            "network": name,
            "Keras (images/s)": keras_training_images_per_second(
                keras_model, x_keras, y.numpy(), batch_size, steps=steps, from_logits=from_logits
            ),
            "torch (images/s)": torch_training_images_per_second(
                torch_model.to(memory_format=torch.channels_last), x, y, batch_size, steps=steps
            ),
        })
    table = pd.DataFrame(rows).set_index("network")
    table["torch ÷ Keras"] = table["torch (images/s)"] / table["Keras (images/s)"]
    return table


def cost_row(
    model: torch.nn.Module,
    input_shape: tuple[int, ...],
    images: torch.Tensor,
    repeats: int,
    train_images_per_second: float,
) -> dict[str, float]:
    """What one trained model costs: trainable ``parameters``, ``MFLOPs / image`` of one
    forward pass of an input of ``input_shape`` ``(c, h, w)``, CPU ``latency_ms`` and
    ``inference_images_per_s`` on ``images`` (:func:`~medlib.efficiency.cost.torch_inference_cost`)
    and the ``training images / s`` measured while it trained."""
    return {
        "parameters": trainable_parameter_count(model),
        "MFLOPs / image": count_flops(model, input_shape) / 1e6,
        **torch_inference_cost(model, images, repeats=repeats),
        "training images / s": float(train_images_per_second),
    }
