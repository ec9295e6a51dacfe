"""What a model costs to run: parameters, FLOPs, CPU latency and throughput.

Chapter ``cnn_beyond`` reports these for every model it trains, and compares the speed of
a Keras model with its torch twin to choose the training framework; the efficiency chapter
reuses them. Timings are medians over repeats after a warm-up (the first calls pay for
allocation and, in Keras, for tracing), measured with the threads the process already has.
Tests check the counts, never the timings.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import keras
import numpy as np
import torch
from torch.nn import functional
from torch.utils.flop_counter import FlopCounterMode


def count_flops(model: torch.nn.Module, input_shape: tuple[int, ...]) -> int:
    """Floating-point operations of one forward pass of one input of ``input_shape``
    ``(c, h, w)``, as torch's FLOP counter counts them (a multiply-add is 2 FLOPs;
    convolutions and matrix products only: activations, pooling and batch norm are a few
    percent more)."""
    model.eval()
    counter = FlopCounterMode(display=False)
    with counter, torch.no_grad():
        model(torch.zeros(1, *input_shape))
    return int(counter.get_total_flops())


def median_seconds(call: Callable[[], object], repeats: int, warmup: int = 2) -> float:
    """Median wall-clock seconds of ``call()`` over ``repeats`` runs after ``warmup`` runs."""
    for _ in range(warmup):
        call()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


@torch.no_grad()
def torch_inference_cost(
    model: torch.nn.Module, images: torch.Tensor, repeats: int = 20, batch_size: int = 256
) -> dict[str, float]:
    """CPU latency of one image (ms, batch of 1) and throughput (images/s, batches of
    ``batch_size``) in inference mode."""
    model.eval()
    one = images[:1]
    batch = images[:batch_size]
    latency = median_seconds(lambda: model(one), repeats * 5)
    batch_seconds = median_seconds(lambda: model(batch), repeats)
    return {"latency_ms": 1000 * latency, "inference_images_per_s": len(batch) / batch_seconds}


def torch_training_images_per_second(
    model: torch.nn.Module,
    images: torch.Tensor,
    labels: torch.Tensor,
    batch_size: int = 128,
    steps: int = 10,
    warmup: int = 2,
) -> float:
    """Training throughput of AdamW steps on one logit with binary cross-entropy, the
    median of ``steps`` steps after ``warmup`` (the weights change: pass a copy of a model
    you want to keep)."""
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    x, y = images[:batch_size], labels[:batch_size].float()

    def step() -> None:
        loss = functional.binary_cross_entropy_with_logits(model(x)[:, 0], y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()

    return batch_size / median_seconds(step, steps, warmup=warmup)


def keras_training_images_per_second(
    model: keras.Model,
    images: np.ndarray,
    labels: np.ndarray,
    batch_size: int = 128,
    steps: int = 10,
    from_logits: bool = True,
) -> float:
    """The same measurement for a Keras model with one output (``train_on_batch`` with
    AdamW; the first calls, which trace the graph, are the warm-up). ``from_logits=False``
    for a model that ends in a sigmoid, like the seed CNN."""
    model.compile(
        optimizer=keras.optimizers.AdamW(1e-3),
        loss=keras.losses.BinaryCrossentropy(from_logits=from_logits),
    )
    x = images[:batch_size]
    y = np.asarray(labels[:batch_size], dtype="float32").reshape(-1, 1)
    return batch_size / median_seconds(lambda: model.train_on_batch(x, y), steps, warmup=3)


def keras_seconds_per_training_image(
    model: keras.Model, steps: int, batch_size: int = 32
) -> float:
    """Mean seconds per image of ``steps`` Adam training steps (``train_on_batch``, binary
    cross-entropy on a sigmoid output) on one batch of random images of the model's input
    shape, after one warm-up step that traces the graph.

    Chapter ``cnn_diagnosis`` times the seed CNN at its 224-pixel input and at 28 pixels with
    this, to say what the seed's input size would cost. It is not
    :func:`keras_training_images_per_second`: that one times AdamW on real images and takes
    the median over steps after three warm-up steps, so its numbers differ; this is the
    measurement that chapter has always published.
    """
    model.compile(optimizer="adam", loss="binary_crossentropy")
    shape = tuple(model.input_shape[1:])
    x = np.random.default_rng(0).random((batch_size, *shape), dtype=np.float32)
    y = np.zeros((batch_size, 1), dtype=np.float32)
    model.train_on_batch(x, y)
    start = time.perf_counter()
    for _ in range(steps):
        model.train_on_batch(x, y)
    return (time.perf_counter() - start) / (steps * batch_size)
