"""Ladders of networks that differ only in size (chapter ``large_models``).

A scaling curve is only about size if everything else is held fixed: the same recipe, the
same data, the same seeds, and networks of one family whose shape scales together. The CNN
ladder multiplies every stage of :class:`~medlib.models.cnn_torch.ImprovedCNN` by one width
factor (its weights grow as the width squared); the transformer ladder grows the width and
depth of :class:`~medlib.models.vit.TinyViT` together, as Zhai et al. (2022) do for ViTs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from torch import nn

from medlib.models.cnn_torch import ImprovedCNN
from medlib.models.vit import TinyViT

CNN, VIT = "CNN", "vision transformer"


#: Patch side of the transformer ladder at 224 pixels: 16, as ViT-B/16, so 196 tokens.
PATCH_AT_224 = 16


@dataclass(frozen=True)
class Rung:
    """One size of one family. ``build()`` returns a freshly initialised network for the
    book's images; ``build_at(image_size)`` the same family and size for larger images (the
    CNN is unchanged, being fully convolutional; the transformer keeps its width and depth
    with a larger patch)."""

    family: str
    label: str
    build: Callable[[], nn.Module]
    build_at: Callable[[int], nn.Module]

    @property
    def weights(self) -> int:
        """Trainable weights of the network this rung builds."""
        return sum(p.numel() for p in self.build().parameters() if p.requires_grad)


def cnn_widths(width: int) -> tuple[int, int, int]:
    """The three stage widths of the improved CNN at width factor ``width`` (16 is the
    network of chapter ``cnn_beyond``)."""
    return (width, 2 * width, 4 * width)


def cnn_ladder(widths: Sequence[int], in_channels: int = 1, n_outputs: int = 1) -> list[Rung]:
    """The improved CNN at each width factor in ``widths``."""
    rungs = []
    for w in widths:
        build = partial(ImprovedCNN, in_channels, n_outputs, cnn_widths(w))
        rungs.append(Rung(CNN, f"CNN w{w}", build, lambda _size, build=build: build()))
    return rungs


def vit_ladder(
    shapes: Sequence[tuple[int, int, int]],
    in_channels: int = 1,
    n_outputs: int = 1,
    image_size: int = 28,
    patch_size: int = 4,
) -> list[Rung]:
    """:class:`TinyViT` at each ``(dim, depth, heads)`` in ``shapes``; at 224 pixels
    (``build_at``) with :data:`PATCH_AT_224`-pixel patches."""
    rungs = []
    for dim, depth, heads in shapes:
        def build_at(size: int, dim=dim, depth=depth, heads=heads) -> nn.Module:
            patch = patch_size if size == image_size else size * patch_size // image_size
            patch = PATCH_AT_224 if size == 224 else patch
            return TinyViT(in_channels, n_outputs, size, patch, dim, depth, heads)

        rungs.append(Rung(VIT, f"ViT d{dim} L{depth}",
                          partial(build_at, image_size), build_at))
    return rungs


def parse_vit_shapes(text: str) -> list[tuple[int, int, int]]:
    """``"8x1x1,16x1x2"`` (a notebook parameter) -> ``[(8, 1, 1), (16, 1, 2)]``:
    width x depth x heads of each transformer rung."""
    shapes = []
    for item in text.split(","):
        parts = item.strip().split("x")
        if len(parts) != 3 or not all(p.isdigit() for p in parts):
            raise ValueError(
                f"transformer shape {item!r} is not width x depth x heads, e.g. '32x2x2'"
            )
        shapes.append(tuple(int(p) for p in parts))
    return shapes
