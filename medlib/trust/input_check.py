"""The check a deployed image model should run on every input (chapter ``robustness``).

Two layers. First, the contract: an image batch must have the shape, type and value range
the model was trained on, or the check raises :class:`InputError` saying what was wrong and
what to do, before the model sees it. Second, plausibility: a valid array can still be the
wrong kind of image (another body part, a photo of a screen, a heavily corrupted film). The
out-of-distribution score is the Mahalanobis distance of the network's pooled features
from the training images' (Lee et al., 2018), with a covariance shrunk by Ledoit-Wolf
(scikit-learn); the alarm threshold is the quantile of validation scores that gives the
chosen false-alarm rate on images like the training data. :func:`flag_rates` tabulates
how often the check fires on named batches (clean, corrupted, noise).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from sklearn.covariance import LedoitWolf

from medlib.data.convert import to_tensor


class InputError(ValueError):
    """An input that breaks the model's contract; nothing was scored."""


def pooled_features(model: torch.nn.Module, images: np.ndarray) -> np.ndarray:
    """Global-average-pooled last-stage features of uint8 images, ``(n, channels)``."""
    model.eval()
    x = to_tensor(images)
    with torch.no_grad():
        return torch.cat(
            [model.features(x[i : i + 512]).mean(dim=(2, 3)) for i in range(0, len(x), 512)]
        ).numpy()


@dataclass
class InputCheck:
    """Contract and out-of-distribution check for one model; build it with :meth:`fit`."""

    image_shape: tuple[int, ...]
    mean: np.ndarray
    precision: np.ndarray
    threshold: float
    model: torch.nn.Module

    @classmethod
    def fit(
        cls,
        model: torch.nn.Module,
        train_images: np.ndarray,
        val_images: np.ndarray,
        false_alarm_rate: float = 0.01,
    ) -> InputCheck:
        """Feature statistics from training images; threshold from validation images."""
        features = pooled_features(model, train_images)
        covariance = LedoitWolf().fit(features)
        check = cls(
            tuple(train_images.shape[1:]),
            covariance.location_,
            covariance.precision_,
            np.inf,
            model,
        )
        check.threshold = float(np.quantile(check.scores(val_images), 1 - false_alarm_rate))
        return check

    def validate(self, images: np.ndarray) -> None:
        """Raise :class:`InputError` unless ``images`` is a uint8 batch of the trained shape."""
        if not isinstance(images, np.ndarray):
            raise InputError(f"expected a numpy array of images, got {type(images).__name__}")
        if images.ndim != len(self.image_shape) + 1 or images.shape[1:] != self.image_shape:
            raise InputError(
                f"expected a batch of images of shape {self.image_shape} (n, "
                f"{', '.join(map(str, self.image_shape))}), got {images.shape}; resize or "
                "crop to the training size, and add a batch axis for a single image"
            )
        if images.dtype != np.uint8:
            raise InputError(
                f"expected uint8 pixels 0-255, got {images.dtype}; convert with "
                "np.clip(np.rint(x * 255), 0, 255).astype(np.uint8) if x is in [0, 1]"
            )
        if len(images) == 0:
            raise InputError("the batch is empty")

    def scores(self, images: np.ndarray) -> np.ndarray:
        """Mahalanobis distance of each image's features from the training images'."""
        self.validate(images)
        centred = pooled_features(self.model, images) - self.mean
        return np.sqrt(np.einsum("ij,jk,ik->i", centred, self.precision, centred))

    def flags(self, images: np.ndarray) -> np.ndarray:
        """True for images that look unlike the training data (score above the threshold)."""
        return self.scores(images) > self.threshold


def flag_rates(check: InputCheck, batches: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """Share of each named batch of images that ``check`` flags, indexed by ``input``: its
    false-alarm rate on images like the training data, its catch rate on others."""
    return pd.DataFrame(
        [{"input": name, "flagged": float(check.flags(images).mean())}
         for name, images in batches.items()]
    ).set_index("input")
