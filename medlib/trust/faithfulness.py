"""Deletion and insertion curves: does an attribution map point at what the model uses?
(Petsiuk et al., 2018; chapter ``interpretability``.)

Deletion removes pixels in the order the map ranks them, most important first, replacing
them with black, and follows the model's probability for the class it predicted on the
intact image: a faithful map makes it fall fast (small area under the curve). Insertion
starts from a blurred copy of the image and puts the original pixels back in the same order:
a faithful map makes the probability rise fast (large area). A random map is the baseline
every method has to beat. Written here because the one maintained library with these
curves (Quantus) needs OpenCV and scikit-image, which the book does not otherwise use.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from scipy.ndimage import gaussian_filter

from medlib.train.torch_loop import predict_logits, probabilities

#: The baseline every method has to beat: a map of uniform random numbers.
RANDOM_MAP = "random map"


@dataclass
class FaithfulnessCurves:
    """Curves of ``n`` images over ``fraction`` (share of pixels deleted or inserted)."""

    fraction: np.ndarray
    deletion: np.ndarray
    insertion: np.ndarray

    def per_image_areas(self) -> np.ndarray:
        """``(n, 2)``: each image's deletion and insertion areas."""
        return np.stack(
            [
                np.trapezoid(self.deletion, self.fraction, axis=1),
                np.trapezoid(self.insertion, self.fraction, axis=1),
            ],
            axis=1,
        )

    def areas(self) -> dict[str, float]:
        """Mean areas under the deletion (lower is better) and insertion (higher) curves."""
        return {
            "deletion AUC": float(np.trapezoid(self.deletion, self.fraction, axis=1).mean()),
            "insertion AUC": float(np.trapezoid(self.insertion, self.fraction, axis=1).mean()),
        }


def blurred(images: torch.Tensor, sigma: float = 2.0) -> torch.Tensor:
    """Gaussian-blurred copies (the insertion curve's starting point), per image and channel."""
    array = images.detach().numpy()
    return torch.from_numpy(gaussian_filter(array, sigma=(0, 0, sigma, sigma))).to(images.dtype)


def _masked(
    images: torch.Tensor, fill: torch.Tensor, order: np.ndarray, counts: np.ndarray
) -> torch.Tensor:
    """For each image and each count m: the image with its top-m pixels taken from ``fill``."""
    n, c, h, w = images.shape
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(h * w)[None, :].repeat(n, 0), axis=1)
    masks = torch.from_numpy(ranks[:, None, :] < counts[None, :, None])  # (n, steps, h*w)
    masks = masks.reshape(n, len(counts), 1, h, w)
    out = torch.where(masks, fill[:, None], images[:, None])
    return out.reshape(n * len(counts), c, h, w)


def deletion_insertion(
    class_probability: Callable[[torch.Tensor, np.ndarray], np.ndarray],
    images: torch.Tensor,
    maps: np.ndarray,
    n_steps: int = 28,
) -> FaithfulnessCurves:
    """Deletion and insertion curves of ``maps`` ``(n, h, w)`` for ``images``.

    ``class_probability(batch, source)`` returns, for each image of the batch, the model's
    probability of the class it predicted on the intact image ``images[source[i]]`` (the
    caller fixes that class). Ties in a map are broken by pixel position.
    """
    n, _, h, w = images.shape
    if maps.shape != (n, h, w):
        raise ValueError(f"maps have shape {maps.shape}; expected {(n, h, w)} for these images")
    order = np.argsort(-maps.reshape(n, -1), axis=1, kind="stable")
    fraction = np.linspace(0, 1, n_steps + 1)
    counts = np.round(fraction * h * w).astype(int)
    curves = {}
    for name, fill, base in (
        ("deletion", torch.zeros_like(images), images),
        ("insertion", images, blurred(images)),
    ):
        batch = _masked(base, fill, order, counts)
        repeated = np.repeat(np.arange(n), len(counts))
        curves[name] = class_probability(batch, repeated).reshape(n, len(counts))
    return FaithfulnessCurves(fraction, curves["deletion"], curves["insertion"])


def called_class_probability(
    model: torch.nn.Module, called: np.ndarray, temperature: float = 1.0
) -> Callable[[torch.Tensor, np.ndarray], np.ndarray]:
    """The ``class_probability`` of :func:`deletion_insertion` for one of the book's
    classifiers: the (temperature-scaled) probability of the class ``called[source[i]]``
    that the model predicted on each intact image, P(class 1) or 1 - P(class 1) for a
    one-logit binary model."""

    def probability(batch: torch.Tensor, source: np.ndarray) -> np.ndarray:
        scores = probabilities(predict_logits(model, batch), temperature)
        if scores.ndim == 1:
            return np.where(called[source] == 1, scores, 1 - scores)
        return scores[np.arange(len(scores)), called[source]]

    return probability


def faithfulness_table(
    curves: dict[str, FaithfulnessCurves], called: np.ndarray, labels: Sequence[str]
) -> pd.DataFrame:
    """Mean deletion and insertion areas per map (rows: the keys of ``curves``); for a
    binary task also the deletion area over the images called each class, which shows how
    much of the deletion curve is the model's reaction to black pixels rather than to the
    order (a random order exposes it)."""
    table = pd.DataFrame({name: c.areas() for name, c in curves.items()}).T
    if len(labels) == 2:
        for k, label in enumerate(labels):
            if (called == k).any():
                table[f"deletion AUC, called {label}"] = [
                    c.per_image_areas()[called == k, 0].mean() for c in curves.values()
                ]
    return table


def beats_random(
    table: pd.DataFrame, methods: Iterable[str], baseline: str = RANDOM_MAP
) -> dict[str, list[str]]:
    """Per curve ("deletion", "insertion"): the ``methods`` whose area in ``table`` (from
    :func:`faithfulness_table`) beats ``baseline``'s: lower for deletion, higher for
    insertion."""
    methods = list(methods)
    out = {}
    for kind in ("deletion", "insertion"):
        column, reference = f"{kind} AUC", table.loc[baseline, f"{kind} AUC"]
        out[kind] = [
            m for m in methods if (table.loc[m, column] < reference) == (kind == "deletion")
        ]
    return out
