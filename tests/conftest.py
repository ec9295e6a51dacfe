"""Shared fixtures: a headless plotting backend, quiet TensorFlow, crafted data files."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")

import nbformat
import numpy as np
import pytest

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "medmnist"


def write_medmnist_like(
    path: Path,
    n: dict[str, int] | None = None,
    size: int = 28,
    n_classes: int = 2,
    seed: int = 0,
    channels: int = 1,
) -> Path:
    """A small file with the six arrays of a MedMNIST .npz (random pixels, balanced labels;
    grey-scale ``(n, size, size)`` or colour ``(n, size, size, channels)`` images)."""
    n = n or {"train": 40, "val": 12, "test": 12}
    rng = np.random.default_rng(seed)
    shape = (size, size) if channels == 1 else (size, size, channels)
    arrays = {}
    for split, count in n.items():
        arrays[f"{split}_images"] = rng.integers(0, 256, (count, *shape), dtype=np.uint8)
        arrays[f"{split}_labels"] = (np.arange(count) % n_classes).reshape(-1, 1).astype(np.uint8)
    np.savez_compressed(path, **arrays)
    return path


def list_in_manifest(directory: Path, *files: Path) -> None:
    """Write the MANIFEST.tsv that lets the loader accept these (non-official) files."""
    from medlib.data.medmnist import md5sum

    lines = ["file\tmd5\tbytes"] + [f"{f.name}\t{md5sum(f)}\t{f.stat().st_size}" for f in files]
    (directory / "MANIFEST.tsv").write_text("\n".join(lines) + "\n")


@pytest.fixture
def isolated_data_dirs(tmp_path, monkeypatch):
    """Point MEDLIB_DATA_DIR and the user cache at empty temporary folders."""
    data_dir, cache_dir = tmp_path / "data", tmp_path / "cache"
    data_dir.mkdir()
    monkeypatch.setenv("MEDLIB_DATA_DIR", str(data_dir))
    monkeypatch.setattr("platformdirs.user_cache_dir", lambda appname: str(cache_dir / appname))
    return data_dir, cache_dir / "medlib" / "medmnist"


@pytest.fixture
def shared_pneumonia_dir():
    """The offline PneumoniaMNIST folder of ../shared (or MEDLIB_DATA_DIR), else skip."""
    for candidate in (os.environ.get("MEDLIB_DATA_DIR"), SHARED_DATA):
        if candidate and (Path(candidate) / "pneumoniamnist.npz").is_file():
            return Path(candidate)
    pytest.skip("pneumoniamnist.npz not available (set MEDLIB_DATA_DIR)")


# A toy chapter for the runner's tests: a typed parameters cell and one recording cell.
RECORDING_CELL = """
from medlib.chapter.results import ResultsRecorder
results = ResultsRecorder("toy")
results.add_metric("answer", 42 * factor, 40.0, 44.0, interval="bootstrap_95", headline=True)
if fail:
    raise ValueError("planned failure")
results.save()
"""


def write_toy_notebook(notebooks_dir: Path, cells: str = RECORDING_CELL) -> Path:
    """``notebooks_dir/toy.ipynb`` with ``cells`` after its parameters, and a params.yml."""
    notebooks_dir.mkdir(exist_ok=True)
    params = nbformat.v4.new_code_cell(
        "factor: float = 1.0  # multiplies | the answer\nfail: bool = False"
    )
    params.metadata["tags"] = ["parameters"]
    nb = nbformat.v4.new_notebook(cells=[params, nbformat.v4.new_code_cell(cells)])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, notebooks_dir / "toy.ipynb")
    (notebooks_dir / "params.yml").write_text("toy:\n  quick: {factor: 2}\n  book: {factor: 1}\n")
    return notebooks_dir
