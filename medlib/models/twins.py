"""Copy weights from a Keras network to its torch twin (chapter ``cnn_beyond``).

Layers are matched by name: the torch module ``blocks.0.conv1`` takes the weights of the
Keras layer ``blocks_0_conv1``. Conversions: convolution kernels ``(h, w, in, out)`` to
``(out, in, h, w)``, dense kernels ``(in, out)`` to ``(out, in)``, batch-norm
gamma/beta/moving mean/moving variance to weight/bias/running mean/running variance. The
test ``tests/test_cnn_twins.py`` checks that the outputs then agree to 1e-5.
"""

from __future__ import annotations

import keras
import numpy as np
import torch
from torch import nn


def trainable_parameter_count(model: keras.Model | nn.Module) -> int:
    """Trainable weights of a Keras model or a torch module (batch-norm running statistics,
    which are not trained, are excluded in both)."""
    if isinstance(model, nn.Module):
        return sum(p.numel() for p in model.parameters() if p.requires_grad)
    return int(sum(np.prod(w.shape) for w in model.trainable_weights))


def _torch_tensors_from_keras(
    module: nn.Module, weights: list[np.ndarray]
) -> dict[str, np.ndarray]:
    if isinstance(module, nn.Conv2d):
        converted = {"weight": np.transpose(weights[0], (3, 2, 0, 1))}
    elif isinstance(module, nn.Linear):
        converted = {"weight": weights[0].T}
    elif isinstance(module, nn.BatchNorm2d):
        gamma, beta, mean, variance = weights
        return {"weight": gamma, "bias": beta, "running_mean": mean, "running_var": variance}
    else:
        raise TypeError(f"no Keras weight conversion for {type(module).__name__}")
    if len(weights) > 1:
        converted["bias"] = weights[1]
    return converted


def copy_keras_weights(keras_model: keras.Model, torch_model: nn.Module) -> nn.Module:
    """Load ``keras_model``'s weights into ``torch_model`` in place, matched by layer name.

    Raises ``ValueError`` naming the layers that have no counterpart, so that a twin that
    drifted from its Keras original fails loudly instead of half-copying.
    """
    keras_layers = {layer.name: layer for layer in keras_model.layers if layer.weights}
    torch_modules = {
        name.replace(".", "_"): module
        for name, module in torch_model.named_modules()
        if isinstance(module, (nn.Conv2d, nn.Linear, nn.BatchNorm2d))
    }
    if set(keras_layers) != set(torch_modules):
        raise ValueError(
            "the models are not twins: only in Keras "
            f"{sorted(set(keras_layers) - set(torch_modules))}, only in torch "
            f"{sorted(set(torch_modules) - set(keras_layers))}"
        )
    with torch.no_grad():
        for name, module in torch_modules.items():
            weights = keras_layers[name].get_weights()
            for attribute, value in _torch_tensors_from_keras(module, weights).items():
                target = getattr(module, attribute)
                if tuple(target.shape) != value.shape:
                    raise ValueError(
                        f"{name}.{attribute}: torch expects {tuple(target.shape)}, "
                        f"Keras has {value.shape}"
                    )
                target.copy_(torch.from_numpy(np.ascontiguousarray(value)))
    return torch_model
