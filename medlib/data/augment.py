"""Batch augmentation of small grey-scale or colour images in torch (chapter ``cnn_beyond``).

Chest X-rays have a fixed anatomy: the heart is on the left of the patient, so a horizontal
flip produces an image no scanner makes, and radiographs are acquired upright, so large
rotations are unrealistic too. What does vary between hospitals and patients is position
within the frame, a few degrees of tilt, scale, exposure and contrast: that is what
:class:`RandomAffineContrast` samples. Flips are off unless asked for (histology patches,
``pathmnist``, have no orientation and profit from them). Built on torch's own
``affine_grid``/``grid_sample`` because the book does not install torchvision (see
DESIGN.md); :data:`TTA_VIEWS` lists the fixed views used for test-time augmentation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch.nn import functional


def affine_warp(
    images: torch.Tensor, angle_rad: torch.Tensor, scale: torch.Tensor, shift: torch.Tensor
) -> torch.Tensor:
    """Rotate, scale and shift a batch ``(n, c, h, w)``; shifts are fractions of the image
    side, borders are filled by repeating the edge pixels (the black frame of a zero fill
    would be a shortcut feature)."""
    cos, sin = torch.cos(angle_rad) / scale, torch.sin(angle_rad) / scale
    theta = torch.stack(
        [
            torch.stack([cos, -sin, 2 * shift[:, 0]], dim=1),
            torch.stack([sin, cos, 2 * shift[:, 1]], dim=1),
        ],
        dim=1,
    )
    grid = functional.affine_grid(theta, list(images.shape), align_corners=False)
    return functional.grid_sample(images, grid, padding_mode="border", align_corners=False)


@dataclass(frozen=True)
class RandomAffineContrast:
    """Random shift, rotation, scale, contrast and brightness, drawn per image.

    Defaults (±8% shift, ±10°, ±10% scale, contrast ×[0.8, 1.2], brightness ±0.1) are
    modest on purpose: each stays inside what differs between two radiographs of the same
    chest. ``horizontal_flip`` is False for chest X-rays (see the module docstring).
    """

    max_shift: float = 0.08
    max_rotation_deg: float = 10.0
    max_scale: float = 0.10
    contrast: float = 0.2
    brightness: float = 0.1
    horizontal_flip: bool = False

    def __call__(self, images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """Augment a float batch in [0, 1] of shape ``(n, c, h, w)``; returns a new tensor."""
        n = images.shape[0]

        def uniform(*shape: int, bound: float) -> torch.Tensor:
            return (torch.rand(*shape, generator=generator) * 2 - 1) * bound

        angle = uniform(n, bound=math.radians(self.max_rotation_deg))
        scale = 1 + uniform(n, bound=self.max_scale)
        shift = uniform(n, 2, bound=self.max_shift)
        out = affine_warp(images, angle, scale, shift)
        if self.horizontal_flip:
            flip = torch.rand(n, generator=generator) < 0.5
            out = torch.where(flip[:, None, None, None], out.flip(-1), out)
        mean = out.mean(dim=(1, 2, 3), keepdim=True)
        factor = 1 + uniform(n, 1, 1, 1, bound=self.contrast)
        offset = uniform(n, 1, 1, 1, bound=self.brightness)
        return ((out - mean) * factor + mean + offset).clamp(0.0, 1.0)


#: Deterministic views for test-time augmentation: (rotation in degrees, shift x, shift y).
#: The identity plus one-pixel shifts (1/28 of the side) and ±5° tilts.
TTA_VIEWS: tuple[tuple[float, float, float], ...] = (
    (0.0, 0.0, 0.0),
    (0.0, 1 / 28, 0.0),
    (0.0, -1 / 28, 0.0),
    (0.0, 0.0, 1 / 28),
    (0.0, 0.0, -1 / 28),
    (5.0, 0.0, 0.0),
    (-5.0, 0.0, 0.0),
)


def tta_view(images: torch.Tensor, view: tuple[float, float, float]) -> torch.Tensor:
    """One deterministic view of a batch (see :data:`TTA_VIEWS`)."""
    angle_deg, dx, dy = view
    if view == (0.0, 0.0, 0.0):
        return images
    n = images.shape[0]
    angle = torch.full((n,), math.radians(angle_deg))
    shift = torch.tensor([[dx, dy]]).expand(n, 2)
    return affine_warp(images, angle, torch.ones(n), shift)
