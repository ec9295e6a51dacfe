"""The trained improved CNN that the trust and efficiency chapters start from.

Chapter ``cnn_beyond`` saves the weights of its first-seed, full-recipe model beside its
results (``book/results/cnn_beyond_improved_cnn.pt``) so that later chapters explain,
attack and compress *that* model instead of training their own. A chapter re-run on
another data set or image size, or in a checkout without the file, trains the same
architecture with the same recipe itself and says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from medlib.book.paths import RESULTS_DIR
from medlib.calibration import fit_temperature
from medlib.models.cnn_torch import ImprovedCNN
from medlib.train_torch import TrainRecipe, fit_classifier, n_outputs_for, predict_logits

IMPROVED_CNN_WEIGHTS = RESULTS_DIR / "cnn_beyond_improved_cnn.pt"


@dataclass
class LoadedModel:
    """A model in inference mode, where it came from, and its validation temperature."""

    model: ImprovedCNN
    provenance: str
    temperature: float


def load_improved_cnn(path: Path = IMPROVED_CNN_WEIGHTS) -> tuple[ImprovedCNN, dict]:
    """The saved model and its metadata (data set, size, channels, outputs, seed, T)."""
    checkpoint = torch.load(path, weights_only=True)
    model = ImprovedCNN(checkpoint["in_channels"], checkpoint["n_outputs"])
    model.load_state_dict(checkpoint["state_dict"])
    meta = {k: v for k, v in checkpoint.items() if k != "state_dict"}
    return model.eval(), meta


def improved_cnn_for(
    dataset: str,
    size: int,
    x_train: torch.Tensor,
    y_train: np.ndarray,
    x_val: torch.Tensor,
    y_val: np.ndarray,
    n_classes: int,
    epochs: int,
    seed: int,
    path: Path = IMPROVED_CNN_WEIGHTS,
) -> LoadedModel:
    """``cnn_beyond``'s model when it was trained on ``dataset`` at ``size``; otherwise the
    same architecture trained here with the chapter's recipe for ``epochs`` epochs."""
    if path.is_file():
        model, meta = load_improved_cnn(path)
        if meta["dataset"] == dataset and meta["size"] == size:
            return LoadedModel(
                model,
                f"the improved CNN of chapter cnn_beyond (seed {meta['seed']}), loaded",
                float(meta["temperature"]),
            )
    torch.manual_seed(seed)
    model = ImprovedCNN(x_train.shape[1], n_outputs_for(n_classes))
    model = model.to(memory_format=torch.channels_last)
    fit_classifier(model, x_train, y_train, x_val, y_val, n_classes, TrainRecipe(epochs), seed)
    temperature = fit_temperature(predict_logits(model, x_val, tta=True), y_val)
    provenance = f"the improved CNN trained here ({epochs} epochs, seed {seed})"
    return LoadedModel(model.eval(), provenance, temperature)
