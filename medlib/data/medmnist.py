"""Find, verify and load MedMNIST ``.npz`` files.

Lookup order: the directory in ``MEDLIB_DATA_DIR``, then the user cache directory; a file
found in neither is downloaded into the first of them. A local file is accepted when its
MD5 is the official one, or when the ``MANIFEST.tsv`` of its own directory lists it under
that file name (the offline PneumoniaMNIST rebuild of ../shared/data is such a file; see
DESIGN.md, "Data"). Every chapter records which MD5 it used and whether it was official.
"""

from __future__ import annotations

import csv
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import platformdirs

from medlib.data.download import Transport, download_verified, md5sum, urllib_transport
from medlib.data.errors import ChecksumError, CorruptDataError, DataUnavailableError
from medlib.data.registry import SPLITS, MedMNISTInfo, medmnist_file, medmnist_info

DATA_DIR_ENV = "MEDLIB_DATA_DIR"
MANIFEST_NAME = "MANIFEST.tsv"


def search_dirs() -> list[Path]:
    """Directories searched for data files, in order: ``$MEDLIB_DATA_DIR``, user cache."""
    dirs = []
    if os.environ.get(DATA_DIR_ENV):
        dirs.append(Path(os.environ[DATA_DIR_ENV]).expanduser())
    dirs.append(Path(platformdirs.user_cache_dir("medlib")) / "medmnist")
    return dirs


def manifest_md5s(directory: Path) -> dict[str, str]:
    """``{file name: md5}`` from the MANIFEST.tsv of ``directory`` (empty if none)."""
    manifest = Path(directory) / MANIFEST_NAME
    if not manifest.is_file():
        return {}
    with open(manifest, newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        if not rows.fieldnames or not {"file", "md5"} <= set(rows.fieldnames):
            raise CorruptDataError(
                f"{manifest} must be tab-separated with 'file' and 'md5' columns"
            )
        return {row["file"]: row["md5"].strip().lower() for row in rows}


@dataclass(frozen=True)
class VerifiedFile:
    """A data file on disk whose MD5 passed the gate, and which gate it passed."""

    path: Path
    md5: str
    official: bool

    def record(self) -> dict[str, object]:
        """The entry a results file stores for this file (no machine paths)."""
        return {"md5": self.md5, "official": self.official}


def verify_local(path: Path, official_md5: str) -> VerifiedFile:
    """Accept ``path`` if its MD5 is official or listed in its directory's MANIFEST.tsv."""
    got = md5sum(path)
    if got == official_md5:
        return VerifiedFile(path, got, official=True)
    listed = manifest_md5s(path.parent).get(path.name)
    if listed == got:
        return VerifiedFile(path, got, official=False)
    raise ChecksumError(
        f"{path.name} in {path.parent} has MD5 {got}, expected the official {official_md5}"
        + (f" or the MANIFEST.tsv entry {listed}" if listed else "")
        + "; delete it to download a fresh copy, or list it in that folder's MANIFEST.tsv "
        "if you trust where it came from"
    )


def locate_medmnist(
    name: str,
    size: int = 28,
    transport: Transport | None = urllib_transport,
    progress: bool = True,
) -> VerifiedFile:
    """Find the verified file of data set ``name``, downloading it if needed.

    ``transport=None`` forbids the download and raises if no local copy exists.
    """
    official = medmnist_file(name, size)
    dirs = search_dirs()
    for directory in dirs:
        candidate = directory / official.file_name
        if candidate.is_file():
            return verify_local(candidate, official.md5)
    target = dirs[0] / official.file_name
    if transport is None:
        raise DataUnavailableError(
            f"{official.file_name} is not in {' or '.join(str(d) for d in dirs)} and "
            f"downloads are off; download {official.url} (MD5 {official.md5}) into one of them"
        )
    download_verified(official.url, target, official.md5, transport, progress=progress)
    return VerifiedFile(target, official.md5, official=True)


@dataclass
class MedMNISTData:
    """One MedMNIST data set in memory: uint8 images ``(n, h, w[, c])`` and int labels."""

    info: MedMNISTInfo
    size: int
    file: VerifiedFile
    images: dict[str, np.ndarray] = field(repr=False)
    labels: dict[str, np.ndarray] = field(repr=False)

    def counts(self) -> dict[str, dict[str, int]]:
        """Cases per split and label name (single-label tasks)."""
        return {
            split: {
                label: int((self.labels[split][:, 0] == k).sum())
                for k, label in enumerate(self.info.labels)
            }
            for split in SPLITS
        }


def read_npz(path: Path, size: int) -> tuple[dict, dict]:
    """Read and sanity-check the six arrays of a MedMNIST file."""
    try:
        with np.load(path, allow_pickle=False) as npz:
            missing = [
                f"{split}_{kind}"
                for split in SPLITS
                for kind in ("images", "labels")
                if f"{split}_{kind}" not in npz.files
            ]
            if missing:
                raise CorruptDataError(
                    f"{path.name} lacks {', '.join(missing)} (has {', '.join(npz.files)}); "
                    f"it is not a MedMNIST file: delete it and download the official one"
                )
            images = {s: npz[f"{s}_images"] for s in SPLITS}
            labels = {s: npz[f"{s}_labels"] for s in SPLITS}
    except (zipfile.BadZipFile, EOFError, ValueError, OSError) as err:
        raise CorruptDataError(
            f"{path.name} cannot be read as an .npz archive ({err}); it is truncated or "
            f"corrupt: delete it and download it again"
        ) from err
    for split in SPLITS:
        x, y = images[split], labels[split]
        if x.shape[0] != y.shape[0] or x.shape[1:3] != (size, size):
            raise CorruptDataError(
                f"{path.name}: {split} has {x.shape[0]} images of shape {x.shape[1:]} and "
                f"{y.shape[0]} labels; expected {size}x{size} images, one label row each"
            )
        labels[split] = y.reshape(len(y), -1).astype(np.int64)
    return images, labels


def check_labels(labels: dict[str, np.ndarray], info: MedMNISTInfo, file_name: str) -> None:
    """Raise :class:`CorruptDataError` naming the split, the bad values and the allowed ones
    when a label lies outside the task's classes.

    Checked once, at load: a binary file whose validation labels include a 5 would otherwise
    fail much later, inside scikit-learn, with a message about ``multi_class``.
    """
    multi_label = info.task.startswith("multi-label")
    allowed = (0, 1) if multi_label else tuple(range(len(info.labels)))
    for split in SPLITS:
        bad = np.setdiff1d(np.unique(labels[split]), allowed)
        if bad.size:
            count = int(np.isin(labels[split], bad).sum())
            names = "" if multi_label else f" ({', '.join(info.labels)})"
            raise CorruptDataError(
                f"{file_name}: {split} labels include {', '.join(map(str, bad[:10]))} "
                f"({count} labels); {info.name} is a {info.task} task whose labels are "
                f"{allowed[0]}-{allowed[-1]}{names}: delete the file and download the official one"
            )


def load_medmnist(
    name: str,
    size: int = 28,
    transport: Transport | None = urllib_transport,
    progress: bool = True,
) -> MedMNISTData:
    """Load a MedMNIST v2 data set with its official splits, verified by MD5.

    Used by the image chapters (``cnn_diagnosis`` and later ones); the data set is always a
    notebook parameter so that a reader can swap PneumoniaMNIST for any other 2D set.
    """
    info = medmnist_info(name)
    verified = locate_medmnist(info.name, size, transport, progress=progress)
    images, labels = read_npz(verified.path, size)
    check_labels(labels, info, verified.path.name)
    return MedMNISTData(info=info, size=size, file=verified, images=images, labels=labels)
