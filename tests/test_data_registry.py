"""medlib.data.registry: the MedMNIST v2 facts the loader relies on."""

import pytest

from medlib.data import UnknownDatasetError, dataset_names, medmnist_file, medmnist_info


def test_registry_lists_the_twelve_2d_datasets():
    names = dataset_names()
    assert len(names) == 12
    assert {"pneumoniamnist", "breastmnist", "dermamnist", "chestmnist"} <= set(names)
    assert not any(name.endswith("3d") for name in names)


def test_pneumoniamnist_entry_matches_the_release():
    info = medmnist_info("PneumoniaMNIST")
    assert info.is_binary and info.labels == ("normal", "pneumonia")
    assert info.n_samples == {"train": 4708, "val": 524, "test": 624}
    official = medmnist_file("pneumoniamnist", 28)
    assert official.md5 == "28209eda62fecd6e6a2d98b1501bb15f"
    assert official.url == "https://zenodo.org/records/10519652/files/pneumoniamnist.npz?download=1"
    assert medmnist_file("pneumoniamnist", 224).file_name == "pneumoniamnist_224.npz"


def test_every_entry_has_four_sizes_with_distinct_md5s():
    md5s = set()
    for name in dataset_names():
        info = medmnist_info(name)
        assert sorted(info.files) == [28, 64, 128, 224]
        assert all("records/10519652/" in f.url for f in info.files.values())
        md5s |= {f.md5 for f in info.files.values()}
        assert len(info.labels) >= 2 and sum(info.n_samples.values()) > 0
    assert len(md5s) == 48


def test_unknown_name_lists_valid_names():
    with pytest.raises(UnknownDatasetError, match="valid names: bloodmnist, breastmnist"):
        medmnist_info("pneumonia")


def test_unknown_size_lists_available_sizes():
    with pytest.raises(UnknownDatasetError, match="available sizes: 28, 64, 128, 224"):
        medmnist_file("breastmnist", 32)
