"""An image data set's official splits, ready for a model, with the task checked once.

Every image chapter starts the same way: load a MedMNIST set, check that the chapter can
handle its task, record which file was read, and turn the uint8 images into the framework's
inputs. :func:`load_image_splits` does all four, so that the checks cannot differ between
chapters. Labels outside the task's classes are refused earlier, by
:func:`medlib.data.medmnist.load_medmnist`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from medlib.data.convert import to_model_input, to_tensor
from medlib.data.medmnist import MedMNISTData, load_medmnist
from medlib.data.registry import SPLITS, MedMNISTInfo

#: The tasks a chapter can ask for, with the MedMNIST tasks each accepts and the data sets a
#: reader could choose instead.
TASKS: dict[str, tuple[tuple[str, ...], str]] = {
    "binary": (("binary-class",), "pneumoniamnist or breastmnist"),
    "single-label": (
        ("binary-class", "multi-class", "ordinal-regression"),
        "pneumoniamnist, breastmnist, bloodmnist or dermamnist",
    ),
}
FRAMEWORKS = ("keras", "torch")


class DataFileRecorder(Protocol):
    """What records the data file a chapter read (the book's results recorder)."""

    def add_data_file(self, file_name: str, record: dict) -> None: ...


@dataclass
class ImageSplits:
    """The official train/val/test splits: model inputs ``x`` and integer labels ``y``."""

    data: MedMNISTData
    x: dict[str, Any]
    y: dict[str, np.ndarray]

    @property
    def info(self) -> MedMNISTInfo:
        return self.data.info

    @property
    def n_classes(self) -> int:
        return len(self.data.info.labels)


def check_task(info: MedMNISTInfo, task: str) -> None:
    """Raise ``ValueError`` in one line when a chapter written for ``task`` gets ``info``."""
    if task not in TASKS:
        raise ValueError(f"task must be one of {', '.join(TASKS)}, got {task!r}")
    accepted, suggestion = TASKS[task]
    if info.task not in accepted:
        raise ValueError(
            f"{info.name} is a {info.task} task; this chapter is written for {task} "
            f"classification: choose {suggestion}"
        )


def load_image_splits(
    dataset: str,
    size: int = 28,
    *,
    task: str = "binary",
    framework: str = "torch",
    channels_last: bool = True,
    recorder: DataFileRecorder | None = None,
    **load_options: Any,
) -> ImageSplits:
    """Load ``dataset`` at ``size`` pixels, check its task, record its file, convert it.

    ``framework`` "keras" gives float32 arrays ``(n, h, w, c)``, "torch" float tensors
    ``(n, c, h, w)``, channels-last in memory unless ``channels_last`` is False. ``y`` holds
    the first label column as integers. ``load_options`` go to
    :func:`medlib.data.medmnist.load_medmnist` (``transport``, ``progress``).
    """
    if framework not in FRAMEWORKS:
        raise ValueError(f"framework must be one of {', '.join(FRAMEWORKS)}, got {framework!r}")
    data = load_medmnist(dataset, size, **load_options)
    check_task(data.info, task)
    if recorder is not None:
        recorder.add_data_file(data.file.path.name, data.file.record())
    if framework == "keras":
        x = {split: to_model_input(data.images[split]) for split in SPLITS}
    else:
        x = {split: to_tensor(data.images[split]) for split in SPLITS}
        if not channels_last:
            x = {split: tensor.contiguous() for split, tensor in x.items()}
    y = {split: data.labels[split][:, 0] for split in SPLITS}
    return ImageSplits(data=data, x=x, y=y)
