"""Image arrays to model inputs, for both frameworks.

MedMNIST stores uint8 images ``(n, h, w)`` (grey) or ``(n, h, w, c)``; Keras wants float32
``(n, h, w, c)`` and torch float ``(n, c, h, w)``, both scaled to [0, 1]. Used by every image
chapter through :func:`medlib.data.splits.load_image_splits` and by the input check.
"""

from __future__ import annotations

import numpy as np


def to_model_input(images: np.ndarray) -> np.ndarray:
    """uint8 images ``(n, h, w)`` or ``(n, h, w, c)`` to float32 in [0, 1] with a channel axis
    (the Keras layout)."""
    x = images.astype("float32") / 255.0
    return x[..., None] if x.ndim == 3 else x


def to_tensor(images: np.ndarray):
    """uint8 ``(n, h, w)`` or ``(n, h, w, c)`` to a float torch tensor ``(n, c, h, w)`` in
    [0, 1], channels-last in memory (about 25% faster for convolutions on CPU)."""
    import torch

    x = torch.from_numpy(np.ascontiguousarray(images)).float().div_(255.0)
    x = x[:, None] if x.ndim == 3 else x.permute(0, 3, 1, 2)
    return x.contiguous(memory_format=torch.channels_last)
