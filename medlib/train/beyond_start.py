"""Start from cnn_beyond's trained network: the one call of every chapter built on it.

Chapters efficiency, interpretability and robustness all study the improved CNN that
chapter ``cnn_beyond`` trained and published (``cnn_beyond_improved_cnn.pt``). Each needs
the same three steps: record which published weights it uses (their MD5 goes into the
results file, so a reader can check which model the numbers come from), load them when
they were trained on the chapter's data set and image size (or train the same
architecture here when they were not), and record where the model came from. Keeping the
three steps in one function keeps them identical across the chapters.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from medlib.data.splits import ImageSplits
from medlib.train.checkpoints import LoadedModel, improved_cnn_for

PRODUCER = "cnn_beyond"
WEIGHTS_FILE = "improved_cnn.pt"


class ChapterRecorder(Protocol):
    """What this needs of the chapter's results recorder (:class:`ResultsRecorder`)."""

    def use_artifact(self, chapter: str, file_name: str) -> Path: ...

    def add_extra(self, key: str, value: object) -> None: ...


def start_from_cnn_beyond(results: ChapterRecorder, splits: ImageSplits, dataset: str,
                          size: int, fallback_epochs: int, seed: int,
                          n_classes: int | None = None) -> LoadedModel:
    """cnn_beyond's improved CNN for ``dataset`` at ``size``, its provenance recorded under
    ``extras['model']`` and its weights' MD5 under ``inputs``.

    ``n_classes`` is the number of classes the fallback network is trained for when the
    published weights do not fit (default: the data set's); the fallback trains for
    ``fallback_epochs`` epochs with ``seed`` (:func:`medlib.train.checkpoints.
    improved_cnn_for`).
    """
    weights = results.use_artifact(PRODUCER, WEIGHTS_FILE)
    x, y = splits.x, splits.y
    loaded = improved_cnn_for(dataset, size, x["train"], y["train"], x["val"], y["val"],
                              splits.n_classes if n_classes is None else n_classes,
                              fallback_epochs, seed, path=weights)
    results.add_extra("model", loaded.provenance)
    return loaded
