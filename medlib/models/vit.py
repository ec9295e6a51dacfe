"""A small vision transformer for 28-pixel medical images (chapter ``large_models``).

Dosovitskiy et al. (2021) cut an image into patches, embed each patch linearly, add a
learned position embedding and run a transformer encoder over the patch tokens. This is
that design at the scale a 2-core CPU can train in seconds: torch's own
``nn.TransformerEncoderLayer`` (pre-norm, GELU), mean pooling over the tokens instead of a
class token (one fewer moving part, as in many small ViTs), and one linear head. Its
:meth:`TinyViT.embed` has the same role as :meth:`medlib.models.cnn_torch.ImprovedCNN.embed`,
so the scaling and pretraining code treats both families alike.
"""

from __future__ import annotations

import torch
from torch import nn


class TinyViT(nn.Module):
    """Patch embedding (a ``patch_size`` convolution with the same stride), position
    embedding, ``depth`` pre-norm transformer layers of width ``dim`` with ``heads`` heads
    and an MLP of ``mlp_ratio * dim``, a final layer norm, mean pooling and a linear head."""

    def __init__(
        self,
        in_channels: int = 1,
        n_outputs: int = 1,
        image_size: int = 28,
        patch_size: int = 4,
        dim: int = 32,
        depth: int = 2,
        heads: int = 2,
        mlp_ratio: int = 2,
        dropout: float = 0.1,
    ) -> None:
        super().__init__()
        if image_size % patch_size:
            raise ValueError(
                f"image_size {image_size} is not a multiple of patch_size {patch_size}: "
                "choose a patch size that tiles the image"
            )
        if dim % heads:
            raise ValueError(f"dim {dim} must be divisible by heads {heads}")
        n_tokens = (image_size // patch_size) ** 2
        self.patch = nn.Conv2d(in_channels, dim, patch_size, stride=patch_size)
        self.position = nn.Parameter(torch.zeros(1, n_tokens, dim))
        nn.init.trunc_normal_(self.position, std=0.02)
        layer = nn.TransformerEncoderLayer(
            dim, heads, mlp_ratio * dim, dropout, activation="gelu", batch_first=True,
            norm_first=True,
        )
        self.encoder = nn.TransformerEncoder(layer, depth, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, n_outputs)

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        """The mean over patch tokens of the encoder's normalised output ``(n, dim)``."""
        tokens = self.patch(x).flatten(2).transpose(1, 2) + self.position
        return self.norm(self.encoder(tokens)).mean(dim=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.embed(x))
