"""A small CNN built for differentially private training (chapter ``robustness``).

DP-SGD clips every example's gradient to a fixed norm and adds noise of that scale to each
coordinate of the summed gradient, so the noise grows with the number of weights while the
signal does not: a 225,793-weight network such as the seed CNN drowns in it. Papernot et
al. (2021) showed that a network of a few ten thousand weights with bounded *tanh*
activations ("tempered sigmoids") loses far less accuracy under DP-SGD than a ReLU network,
because its activations, and with them the gradients that get clipped, cannot explode.
This is their MNIST architecture, with one output logit per binary task. It holds no batch
normalisation, which DP-SGD forbids (it mixes examples within a batch).
"""

from __future__ import annotations

import torch
from torch import nn


class TanhCNN(nn.Module):
    """Conv(16, 8x8, stride 2) - MaxPool(2, stride 1) - Conv(32, 4x4, stride 2) -
    MaxPool(2, stride 1) - Dense(32) - Dense(n_outputs), tanh between layers; 28x28 input."""

    def __init__(self, in_channels: int = 1, n_outputs: int = 1) -> None:
        super().__init__()
        self.layers = nn.Sequential(
            nn.Conv2d(in_channels, 16, 8, stride=2, padding=3),
            nn.Tanh(),
            nn.MaxPool2d(2, stride=1),
            nn.Conv2d(16, 32, 4, stride=2),
            nn.Tanh(),
            nn.MaxPool2d(2, stride=1),
            nn.Flatten(),
            nn.Linear(32 * 4 * 4, 32),
            nn.Tanh(),
            nn.Linear(32, n_outputs),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.shape[-2:] != (28, 28):
            raise ValueError(
                f"TanhCNN expects 28x28 images, got {tuple(x.shape[-2:])}: load the data set "
                "at size 28"
            )
        return self.layers(x)
