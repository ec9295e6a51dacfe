"""The trained improved CNN that the trust and efficiency chapters start from.

Chapter ``cnn_beyond`` saves the weights of its first-seed, full-recipe model beside its
results (``book/results/cnn_beyond_improved_cnn.pt``) with :func:`save_improved_cnn`, so
that later chapters explain, attack and compress *that* model instead of training their
own; they load it with :func:`improved_cnn_for`. Save and load live side by side here, so
the file has one owner. The path is always passed in: this library module does not know
where the book keeps its results (the runner and the notebook's results recorder do).

A chapter re-run on another data set or image size, or in a checkout without the file,
trains the same architecture with the same recipe itself and says so. Files are read with
``torch.load(weights_only=True)``: a checkpoint that carries a pickled Python object is
refused instead of executed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from medlib.data.download import md5sum
from medlib.models.cnn_torch import ImprovedCNN
from medlib.train.calibration import fit_temperature
from medlib.train.torch_loop import TrainRecipe, fit_classifier, n_outputs_for, predict_logits

WEIGHTS_FILE = "improved_cnn.pt"  # cnn_beyond publishes it as cnn_beyond_improved_cnn.pt
_META_KEYS = ("dataset", "size", "in_channels", "n_outputs", "seed", "temperature")


class CheckpointError(ValueError):
    """A weights file that cannot be used: unsafe to unpickle, or missing a field."""


@dataclass
class LoadedModel:
    """A model in inference mode, where it came from, and its validation temperature.

    ``weights_md5`` is the MD5 of the file it was loaded from, or ``None`` when the model
    was trained in the chapter itself.
    """

    model: ImprovedCNN
    provenance: str
    temperature: float
    weights_md5: str | None = None


def save_improved_cnn(
    path: Path, model: ImprovedCNN, *, dataset: str, size: int, in_channels: int,
    n_outputs: int, seed: int, temperature: float,
) -> None:
    """Write ``model``'s weights and what a later chapter needs to use them.

    Only tensors, strings and numbers are written, so :func:`load_improved_cnn` can read
    the file with ``weights_only=True``.
    """
    torch.save(
        {"state_dict": model.state_dict(), "dataset": str(dataset), "size": int(size),
         "in_channels": int(in_channels), "n_outputs": int(n_outputs), "seed": int(seed),
         "temperature": float(temperature)},
        path,
    )


def load_improved_cnn(path: Path) -> tuple[ImprovedCNN, dict]:
    """The saved model and its metadata (data set, size, channels, outputs, seed, T)."""
    try:
        checkpoint = torch.load(path, weights_only=True)
    except Exception as err:  # torch raises UnpicklingError wrapped in several ways
        raise CheckpointError(
            f"{Path(path).name}: refused to load ({type(err).__name__}); it holds something "
            "other than tensors and plain values. Re-create it with "
            "medlib.train.checkpoints.save_improved_cnn (run chapter cnn_beyond)."
        ) from None
    missing = [k for k in ("state_dict", *_META_KEYS) if k not in checkpoint]
    if missing:
        raise CheckpointError(
            f"{Path(path).name}: missing {', '.join(missing)}; re-run chapter cnn_beyond"
        )
    model = ImprovedCNN(checkpoint["in_channels"], checkpoint["n_outputs"])
    model.load_state_dict(checkpoint["state_dict"])
    meta = {k: checkpoint[k] for k in _META_KEYS}
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
    path: Path | None = None,
) -> LoadedModel:
    """``cnn_beyond``'s model from ``path`` when it was trained on ``dataset`` at ``size``;
    otherwise the same architecture trained here with the chapter's recipe for ``epochs``
    epochs."""
    if path is not None and Path(path).is_file():
        model, meta = load_improved_cnn(path)
        if meta["dataset"] == dataset and meta["size"] == size:
            return LoadedModel(
                model,
                f"the improved CNN of chapter cnn_beyond (seed {meta['seed']}), loaded",
                float(meta["temperature"]),
                md5sum(Path(path)),
            )
    torch.manual_seed(seed)
    model = ImprovedCNN(x_train.shape[1], n_outputs_for(n_classes))
    model = model.to(memory_format=torch.channels_last)
    fit_classifier(model, x_train, y_train, x_val, y_val, n_classes, TrainRecipe(epochs), seed)
    temperature = fit_temperature(predict_logits(model, x_val, tta=True), y_val)
    provenance = f"the improved CNN trained here ({epochs} epochs, seed {seed})"
    return LoadedModel(model.eval(), provenance, temperature)
