"""What each size costs, at the book's 28 pixels and at 224 (chapter ``large_models``).

Weights and FLOPs are counted (torch's FLOP counter, a multiply-add counted as 2); training
and inference seconds are measured on this machine; training memory is counted from the
tensors a training step keeps (weights, gradients, the two Adam moments, and every layer's
output saved for the backward pass), not read from the process, so it is a lower bound of
what the process needs. At 224 pixels the seconds are measured over a few steps and the cost
of a whole training run is that figure times the images and epochs: a projection, and
labelled so wherever it is shown.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from medlib.efficiency.cost import count_flops, torch_training_images_per_second

BYTES_PER_FLOAT = 4


def activation_floats(model: nn.Module, input_shape: tuple[int, ...]) -> int:
    """Floats output by the leaf modules of one forward pass of one input ``(c, h, w)``:
    what autograd keeps for the backward pass, up to the few it can free or recompute."""
    total = 0

    def count(_module, _inputs, output) -> None:
        nonlocal total
        outputs = output if isinstance(output, tuple) else (output,)
        total += sum(o.numel() for o in outputs if isinstance(o, torch.Tensor))

    leaves = [m for m in model.modules() if not list(m.children())]
    hooks = [m.register_forward_hook(count) for m in leaves]
    try:
        model.eval()
        with torch.no_grad():
            model(torch.zeros(1, *input_shape))
    finally:
        for hook in hooks:
            hook.remove()
    return total


def training_memory_mb(model: nn.Module, input_shape: tuple[int, ...], batch_size: int) -> float:
    """Megabytes a training step with AdamW holds: four copies of the weights (weights,
    gradients, two moments) and ``batch_size`` inputs' activations (float32)."""
    weights = sum(p.numel() for p in model.parameters())
    floats = 4 * weights + batch_size * activation_floats(model, input_shape)
    return floats * BYTES_PER_FLOAT / 1e6


def seconds_per_training_image(
    model: nn.Module, input_shape: tuple[int, ...], batch_size: int, steps: int
) -> float:
    """Median seconds per image of an AdamW step (one logit, binary cross-entropy) on random
    images of ``input_shape``, after a warm-up step (the model's weights change): the
    efficiency chapter's throughput measurement, inverted, on images of any size."""
    generator = torch.Generator().manual_seed(0)
    images = torch.rand(batch_size, *input_shape, generator=generator)
    labels = torch.rand(batch_size, generator=generator) > 0.5
    return 1.0 / torch_training_images_per_second(model, images, labels, batch_size, steps,
                                                   warmup=1)


def cost_at(
    model: nn.Module, input_shape: tuple[int, ...], batch_size: int, steps: int
) -> dict[str, float]:
    """Weights, forward MFLOPs per image, training milliseconds per image (measured),
    training memory of a batch (counted) for ``model`` at ``input_shape``."""
    return {
        "weights": int(sum(p.numel() for p in model.parameters() if p.requires_grad)),
        "MFLOPs / image": count_flops(model, input_shape) / 1e6,
        "training ms / image": 1000 * seconds_per_training_image(model, input_shape,
                                                                 batch_size, steps),
        "training memory (MB)": training_memory_mb(model, input_shape, batch_size),
    }


def projected_hours(ms_per_image: float, images: int, epochs: int) -> float:
    """Hours of a training run of ``epochs`` over ``images`` at ``ms_per_image``: a
    projection from a few measured steps, not a measured run."""
    return float(np.asarray(ms_per_image) * images * epochs / 1000 / 3600)
