"""Contrastive self-supervised pretraining, SimCLR-style (Chen et al., 2020).

Two random augmentations of the same image are a *positive pair*; every other image in the
batch is a negative. The encoder, followed by a small projection MLP, is trained so that
each view picks out its partner among the ``2N - 1`` other views of the batch: the NT-Xent
loss, a softmax cross-entropy over cosine similarities divided by a temperature. No label
is read. What the encoder learns is whatever survives the augmentations, so they must keep
what a radiologist would call the same chest (a shift, a tilt, exposure, noise) and remove
nothing diagnostic. The projection head is thrown away afterwards; Chen et al. found the
layer before it transfers better.

The loss is written here (a few lines of torch) because the maintained SSL library,
``lightly``, depends on torchvision, which this book does not install (see DESIGN.md); it is
tested against the per-pair formula of the SimCLR paper.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pandas as pd
import torch
from torch import nn
from torch.nn import functional

from medlib.data.augment import RandomAffineContrast
from medlib.train.device import training_device
from medlib.train.torch_loop import train_epochs

#: Views for contrastive pretraining: stronger than the supervised recipe's augmentation
#: (a wider shift, tilt, zoom and exposure range) but still the same chest; no flips.
CONTRASTIVE_VIEWS = RandomAffineContrast(
    max_shift=0.12, max_rotation_deg=15.0, max_scale=0.2, contrast=0.4, brightness=0.2
)


def nt_xent_loss(z1: torch.Tensor, z2: torch.Tensor, temperature: float) -> torch.Tensor:
    """Normalised-temperature cross-entropy of two batches of projections ``(n, d)`` whose
    row ``i`` comes from two views of the same image: the mean over all ``2n`` views of
    ``-log softmax`` of the similarity to its partner among the other ``2n - 1`` views."""
    if z1.shape != z2.shape or z1.ndim != 2:
        raise ValueError(
            f"z1 and z2 must both be (n, d), got {tuple(z1.shape)} and {tuple(z2.shape)}"
        )
    if temperature <= 0:
        raise ValueError(f"temperature must be positive, got {temperature}")
    n = len(z1)
    z = functional.normalize(torch.cat([z1, z2]), dim=1)
    similarity = z @ z.T / temperature
    similarity = similarity.masked_fill(torch.eye(2 * n, dtype=torch.bool), float("-inf"))
    partner = torch.cat([torch.arange(n, 2 * n), torch.arange(n)])
    return functional.cross_entropy(similarity, partner)


class ContrastiveModel(nn.Module):
    """An encoder (anything with ``embed(x) -> (n, d)``) and a projection MLP
    ``d -> d -> projection_dim`` on top, as SimCLR trains them."""

    def __init__(self, encoder: nn.Module, embed_dim: int, projection_dim: int = 32) -> None:
        super().__init__()
        self.encoder = encoder
        self.projection = nn.Sequential(
            nn.Linear(embed_dim, embed_dim), nn.ReLU(), nn.Linear(embed_dim, projection_dim)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.projection(self.encoder.embed(x))


@dataclass(frozen=True)
class PretrainRecipe:
    """How the encoder is pretrained: AdamW with a one-cycle schedule, as the supervised
    recipe, on batches of ``batch_size`` images (``2 * batch_size`` views)."""

    epochs: int = 10
    batch_size: int = 256
    learning_rate: float = 3e-3
    weight_decay: float = 1e-4
    temperature: float = 0.2
    projection_dim: int = 32
    views: RandomAffineContrast = field(default_factory=lambda: CONTRASTIVE_VIEWS)


@dataclass
class PretrainResult:
    """Per-epoch loss and seconds of a pretraining run, and the images it saw."""

    history: pd.DataFrame
    seconds: float
    images: int


def embed_dim_of(encoder: nn.Module, image_shape: tuple[int, ...]) -> int:
    """Width of ``encoder.embed`` for one image of ``image_shape`` ``(c, h, w)``."""
    was_training = encoder.training
    encoder.eval()
    with torch.no_grad():
        width = encoder.embed(torch.zeros(1, *image_shape)).shape[1]
    encoder.train(was_training)
    return int(width)


def pretrain_contrastive(
    encoder: nn.Module,
    images: torch.Tensor,
    recipe: PretrainRecipe,
    seed: int,
    device: torch.device | str | None = None,
) -> PretrainResult:
    """Train ``encoder`` in place with NT-Xent on ``images`` ``(n, c, h, w)`` (never labels,
    never test images: the caller decides which images those are). Batches and views are
    drawn from a generator seeded with ``seed``; the last, incomplete batch is dropped (a
    contrastive batch of one has no negatives). Views are drawn on the CPU and trained on
    ``device`` (default: a GPU when present); the encoder comes back on the CPU."""
    if len(images) < 2 * recipe.batch_size:
        raise ValueError(
            f"{len(images)} images give fewer than two batches of {recipe.batch_size}: "
            "lower batch_size or pretrain on more images"
        )
    device = training_device() if device is None else device
    generator = torch.Generator().manual_seed(seed)
    model = ContrastiveModel(encoder, embed_dim_of(encoder, tuple(images.shape[1:])),
                             recipe.projection_dim).to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=recipe.learning_rate,
                                  weight_decay=recipe.weight_decay)
    steps_per_epoch = len(images) // recipe.batch_size
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=recipe.learning_rate, epochs=recipe.epochs,
        steps_per_epoch=steps_per_epoch,
    )

    def batches():
        order = torch.randperm(len(images), generator=generator)
        for step in range(steps_per_epoch):
            batch = images[order[step * recipe.batch_size : (step + 1) * recipe.batch_size]]
            yield (recipe.views(batch, generator).to(device),
                   recipe.views(batch, generator).to(device))

    def loss(view1: torch.Tensor, view2: torch.Tensor) -> torch.Tensor:
        return nt_xent_loss(model(view1), model(view2), recipe.temperature)

    start = time.perf_counter()
    records = train_epochs(model, optimizer, recipe.epochs, batches, loss, scheduler=scheduler)
    model.to("cpu")
    encoder.eval()
    return PretrainResult(
        history=pd.DataFrame([{"epoch": r.epoch, "loss": r.loss, "seconds": r.seconds}
                              for r in records]),
        seconds=time.perf_counter() - start,
        images=len(images),
    )
