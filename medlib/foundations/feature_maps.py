"""What one convolution, a ReLU and a max-pooling do to a chest X-ray.

The book's reference :func:`medlib.foundations.reference.conv2d` applied with a hand-made
kernel, so that the picture shows the operation rather than anything learnt: a Sobel kernel
responds to intensity edges in one direction (Sobel and Feldman, 1968), which is what many
first-layer filters of trained CNNs come to resemble. Chapter: ``foundations``.
"""

from __future__ import annotations

import numpy as np

from medlib.foundations.reference import conv2d, max_pool2d, relu

SOBEL_KERNELS = {
    "vertical edges": np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]]),
    "horizontal edges": np.array([[1.0, 2.0, 1.0], [0.0, 0.0, 0.0], [-1.0, -2.0, -1.0]]),
}


def feature_maps(image: np.ndarray, kernel: np.ndarray) -> dict[str, np.ndarray]:
    """The stages of one convolutional block on a grey-scale ``(h, w)`` image in [0, 1]:
    the 3x3 ``valid`` convolution, its ReLU, and 2x2 max-pooling of that."""
    if image.ndim != 2 or kernel.shape != (3, 3):
        raise ValueError(f"expected a grey-scale (h, w) image and a 3x3 kernel, got shapes "
                         f"{image.shape} and {kernel.shape}")
    convolved = conv2d(image[None, :, :, None].astype(float), kernel[:, :, None, None], None)
    rectified = relu(convolved)
    return {"image": image, "convolution": convolved[0, :, :, 0],
            "ReLU": rectified[0, :, :, 0], "2x2 max-pooling": max_pool2d(rectified)[0, :, :, 0]}
