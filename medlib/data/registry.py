"""The MedMNIST v2 registry: official file names, URLs, MD5s and label names.

The facts come from the MedMNIST v2 release on Zenodo (record 10519652; Yang et al.,
Scientific Data 2023) and are stored in ``medmnist_registry.json`` beside this module so
that they can be read without importing any framework. Only the 2D data sets are listed:
the book's image chapters are 2D. Used by every image chapter (``cnn_diagnosis`` first).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from medlib.data.errors import UnknownDatasetError

IMAGE_SIZES = (28, 64, 128, 224)
SPLITS = ("train", "val", "test")


@dataclass(frozen=True)
class MedMNISTFile:
    """One official ``.npz`` file of the release."""

    dataset: str
    size: int
    file_name: str
    url: str
    md5: str


@dataclass(frozen=True)
class MedMNISTInfo:
    """What the release says about one data set."""

    name: str
    description: str
    task: str
    n_channels: int
    n_samples: dict[str, int]
    license: str
    labels: tuple[str, ...]
    files: dict[int, MedMNISTFile]

    @property
    def is_binary(self) -> bool:
        return self.task == "binary-class"


@cache
def _registry() -> dict:
    text = resources.files("medlib.data").joinpath("medmnist_registry.json").read_text()
    return json.loads(text)


def dataset_names() -> list[str]:
    """The names of every 2D MedMNIST v2 data set, sorted."""
    return sorted(_registry()["datasets"])


def medmnist_info(name: str) -> MedMNISTInfo:
    """Look a data set up by name (case-insensitive); unknown names list the valid ones."""
    key = name.lower().strip()
    datasets = _registry()["datasets"]
    if key not in datasets:
        raise UnknownDatasetError(
            f"unknown MedMNIST data set {name!r}; valid names: {', '.join(dataset_names())}"
        )
    entry = datasets[key]
    files = {
        int(size): MedMNISTFile(key, int(size), f["file"], f["url"], f["md5"])
        for size, f in entry["files"].items()
    }
    return MedMNISTInfo(
        name=key,
        description=entry["description"],
        task=entry["task"],
        n_channels=entry["n_channels"],
        n_samples=dict(entry["n_samples"]),
        license=entry["license"],
        labels=tuple(entry["labels"]),
        files=files,
    )


def medmnist_file(name: str, size: int = 28) -> MedMNISTFile:
    """The official file of data set ``name`` at image size ``size``."""
    info = medmnist_info(name)
    if size not in info.files:
        raise UnknownDatasetError(
            f"{info.name} has no {size} px file; available sizes: "
            f"{', '.join(str(s) for s in sorted(info.files))}"
        )
    return info.files[size]
