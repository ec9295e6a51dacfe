"""torch twins of the book's image classifiers, layer for layer the same as the Keras ones.

Each twin has the same layers, the same parameter count and, once the weights are copied
across with :func:`medlib.models.twins.copy_keras_weights`, the same outputs (checked to
1e-5 in ``tests/test_cnn_twins.py``). The twins output *logits*; the Keras seed CNN ends in
a sigmoid. Layer names follow the Keras names with ``.`` for ``_`` so that the weight copy
can match layers by name. Chapter ``cnn_beyond`` trains whichever framework is faster on a
2-core CPU; the later chapters (interpretability, robustness, scaling, efficiency) need torch.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional

from medlib.models.batch_norm import BATCH_NORM_EPS, BATCH_NORM_MOMENTUM


class SeedCNN(nn.Module):
    """The seed's CNN: three valid 3x3 ReLU convs (32/64/128) each with 2x2 max-pooling,
    Flatten, Dense(1024, ReLU), Dense(n_outputs).

    The feature map is flattened in channels-last order, as Keras does, so that the first
    dense layer's weights copy across unchanged.
    """

    def __init__(self, in_channels: int = 1, n_outputs: int = 1, image_size: int = 28) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 32, 3)
        self.conv2 = nn.Conv2d(32, 64, 3)
        self.conv3 = nn.Conv2d(64, 128, 3)
        side = image_size
        for _ in range(3):
            side = (side - 2) // 2
        self.dense1 = nn.Linear(128 * side * side, 1024)
        self.dense2 = nn.Linear(1024, n_outputs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for conv in (self.conv1, self.conv2, self.conv3):
            x = functional.max_pool2d(functional.relu(conv(x)), 2)
        x = torch.flatten(x.permute(0, 2, 3, 1), 1)
        return self.dense2(functional.relu(self.dense1(x)))


class ResidualBlock(nn.Module):
    """Two 3x3 conv + batch-norm layers with an identity (or 1x1 projection) shortcut,
    the basic block of He et al. (2016), without striding: the CNN downsamples with
    max-pooling between stages so that ``same`` padding is symmetric in both frameworks."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels, BATCH_NORM_EPS, BATCH_NORM_MOMENTUM)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels, BATCH_NORM_EPS, BATCH_NORM_MOMENTUM)
        self.shortcut = None
        if in_channels != out_channels:
            self.shortcut = nn.Conv2d(in_channels, out_channels, 1, bias=False)
            self.shortcut_bn = nn.BatchNorm2d(out_channels, BATCH_NORM_EPS, BATCH_NORM_MOMENTUM)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x if self.shortcut is None else self.shortcut_bn(self.shortcut(x))
        out = functional.relu(self.bn1(self.conv1(x)))
        return functional.relu(self.bn2(self.conv2(out)) + identity)


class ImprovedCNN(nn.Module):
    """A small residual network for 28x28 medical images (see
    :func:`medlib.models.cnn.improved_cnn` for the design and why)."""

    def __init__(
        self,
        in_channels: int = 1,
        n_outputs: int = 1,
        widths: tuple[int, ...] = (16, 32, 64),
        dropout: float = 0.3,
    ) -> None:
        super().__init__()
        self.stem = nn.Conv2d(in_channels, widths[0], 3, padding=1, bias=False)
        self.stem_bn = nn.BatchNorm2d(widths[0], BATCH_NORM_EPS, BATCH_NORM_MOMENTUM)
        blocks, previous = [], widths[0]
        for width in widths:
            blocks.append(ResidualBlock(previous, width))
            previous = width
        self.blocks = nn.ModuleList(blocks)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(previous, n_outputs)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """The last stage's feature map ``(n, c, h, w)``, before pooling (Grad-CAM reads it)."""
        x = functional.relu(self.stem_bn(self.stem(x)))
        for index, block in enumerate(self.blocks):
            if index > 0:
                x = functional.max_pool2d(x, 2)
            x = block(x)
        return x

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        """The globally pooled last feature map ``(n, c)``: what the head reads, and what
        self-supervised pretraining and a linear probe work on (chapter ``pretraining``)."""
        return self.features(x).mean(dim=(2, 3))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.dropout(self.embed(x)))
