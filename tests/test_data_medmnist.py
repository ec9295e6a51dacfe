"""medlib.data.medmnist: lookup order, the checksum gate, and reading the arrays."""

import hashlib
import io
from contextlib import contextmanager

import numpy as np
import pytest

import medlib.data.medmnist as medmnist_module
from medlib.data import (
    ChecksumError,
    CorruptDataError,
    DataUnavailableError,
    MedMNISTFile,
    load_medmnist,
    locate_medmnist,
    md5sum,
)

from conftest import list_in_manifest, write_medmnist_like


def test_manifest_listed_file_loads_and_is_marked_unofficial(isolated_data_dirs):
    data_dir, _ = isolated_data_dirs
    path = write_medmnist_like(data_dir / "pneumoniamnist.npz")
    list_in_manifest(data_dir, path)
    data = load_medmnist("pneumoniamnist", transport=None)
    assert data.file.official is False and data.file.md5 == md5sum(path)
    assert data.images["train"].shape == (40, 28, 28) and data.labels["test"].shape == (12, 1)
    assert data.counts()["val"] == {"normal": 6, "pneumonia": 6}
    assert data.file.record() == {"md5": md5sum(path), "official": False}


def test_unlisted_file_with_wrong_md5_is_refused(isolated_data_dirs):
    data_dir, _ = isolated_data_dirs
    write_medmnist_like(data_dir / "breastmnist.npz")
    with pytest.raises(
        ChecksumError, match="expected the official 750601b1f35ba3300ea97c75c52ff8f6"
    ):
        load_medmnist("breastmnist", transport=None)


def test_manifest_of_another_folder_does_not_count(isolated_data_dirs, tmp_path):
    data_dir, _ = isolated_data_dirs
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    path = write_medmnist_like(data_dir / "breastmnist.npz")
    list_in_manifest(elsewhere, path)
    with pytest.raises(ChecksumError):
        load_medmnist("breastmnist", transport=None)


def test_truncated_file_is_reported_as_corrupt(isolated_data_dirs):
    data_dir, _ = isolated_data_dirs
    path = write_medmnist_like(data_dir / "pneumoniamnist.npz")
    path.write_bytes(path.read_bytes()[:2000])
    list_in_manifest(data_dir, path)
    with pytest.raises(CorruptDataError, match="truncated or corrupt"):
        load_medmnist("pneumoniamnist", transport=None)


def test_missing_split_keys_are_named(isolated_data_dirs):
    data_dir, _ = isolated_data_dirs
    path = data_dir / "pneumoniamnist.npz"
    np.savez(path, train_images=np.zeros((2, 28, 28), np.uint8), train_labels=np.zeros((2, 1)))
    list_in_manifest(data_dir, path)
    with pytest.raises(CorruptDataError, match="lacks val_images, val_labels, test_images"):
        load_medmnist("pneumoniamnist", transport=None)


def test_wrong_image_size_is_reported(isolated_data_dirs):
    data_dir, _ = isolated_data_dirs
    path = write_medmnist_like(data_dir / "pneumoniamnist.npz", size=32)
    list_in_manifest(data_dir, path)
    with pytest.raises(CorruptDataError, match="expected 28x28 images"):
        load_medmnist("pneumoniamnist", transport=None)


def test_data_dir_is_searched_before_the_cache(isolated_data_dirs):
    data_dir, cache_dir = isolated_data_dirs
    cache_dir.mkdir(parents=True)
    in_cache = write_medmnist_like(cache_dir / "pneumoniamnist.npz", seed=1)
    list_in_manifest(cache_dir, in_cache)
    assert locate_medmnist("pneumoniamnist", transport=None).path == in_cache
    in_data_dir = write_medmnist_like(data_dir / "pneumoniamnist.npz", seed=2)
    list_in_manifest(data_dir, in_data_dir)
    assert locate_medmnist("pneumoniamnist", transport=None).path == in_data_dir


def test_no_file_and_no_downloads_names_the_url(isolated_data_dirs):
    with pytest.raises(DataUnavailableError, match="records/10519652/files/dermamnist.npz"):
        load_medmnist("dermamnist", transport=None)


def test_missing_file_is_downloaded_into_the_data_dir(isolated_data_dirs, monkeypatch, tmp_path):
    data_dir, _ = isolated_data_dirs
    payload = write_medmnist_like(tmp_path / "served.npz").read_bytes()
    fake = MedMNISTFile(
        "pneumoniamnist",
        28,
        "pneumoniamnist.npz",
        "https://zenodo/x",
        hashlib.md5(payload).hexdigest(),
    )
    monkeypatch.setattr(medmnist_module, "medmnist_file", lambda name, size: fake)
    urls = []

    @contextmanager
    def transport(url):
        urls.append(url)
        yield io.BytesIO(payload), len(payload)

    data = load_medmnist("pneumoniamnist", transport=transport, progress=False)
    assert urls == ["https://zenodo/x"] and data.file.official is True
    assert sorted(p.name for p in data_dir.iterdir()) == ["pneumoniamnist.npz"]


def test_shared_pneumoniamnist_has_the_official_class_counts(shared_pneumonia_dir, monkeypatch):
    monkeypatch.setenv("MEDLIB_DATA_DIR", str(shared_pneumonia_dir))
    data = load_medmnist("pneumoniamnist", transport=None)
    assert data.counts() == {
        "train": {"normal": 1214, "pneumonia": 3494},
        "val": {"normal": 135, "pneumonia": 389},
        "test": {"normal": 234, "pneumonia": 390},
    }
    assert data.file.official is False  # the offline rebuild, listed in its MANIFEST.tsv
