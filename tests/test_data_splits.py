"""medlib.data.splits: one loader for every image chapter, the task and labels checked once."""

import numpy as np
import pytest
import torch

from medlib.data.errors import CorruptDataError
from medlib.data.splits import load_image_splits

from conftest import list_in_manifest, write_medmnist_like


class Recorder:
    def __init__(self):
        self.files = {}

    def add_data_file(self, file_name, record):
        self.files[file_name] = record


def crafted(data_dir, name="pneumoniamnist", **kwargs):
    path = write_medmnist_like(data_dir / f"{name}.npz", **kwargs)
    list_in_manifest(data_dir, path)
    return path


def test_splits_are_converted_for_each_framework_and_the_file_recorded(isolated_data_dirs):
    crafted(isolated_data_dirs[0])
    recorder = Recorder()
    splits = load_image_splits("pneumoniamnist", transport=None, recorder=recorder)
    assert splits.x["train"].shape == (40, 1, 28, 28) and splits.n_classes == 2
    assert splits.x["val"].is_contiguous(memory_format=torch.channels_last)
    assert splits.y["test"].dtype == np.int64 and set(splits.y["test"]) == {0, 1}
    assert list(recorder.files) == ["pneumoniamnist.npz"]
    keras_splits = load_image_splits("pneumoniamnist", framework="keras", transport=None)
    assert keras_splits.x["train"].shape == (40, 28, 28, 1)
    plain = load_image_splits("pneumoniamnist", channels_last=False, transport=None)
    assert plain.x["train"].is_contiguous()


def test_a_multi_class_set_is_refused_by_a_binary_chapter_in_one_line(isolated_data_dirs):
    crafted(isolated_data_dirs[0], name="bloodmnist", n_classes=8, channels=3)
    with pytest.raises(ValueError) as err:
        load_image_splits("bloodmnist", task="binary", transport=None)
    assert str(err.value) == (
        "bloodmnist is a multi-class task; this chapter is written for binary classification: "
        "choose pneumoniamnist or breastmnist"
    )
    assert load_image_splits("bloodmnist", task="single-label", transport=None).n_classes == 8


def test_a_label_outside_the_classes_fails_at_load_naming_split_values_and_allowed(
    isolated_data_dirs,
):
    data_dir = isolated_data_dirs[0]
    path = crafted(data_dir)
    with np.load(path) as npz:
        arrays = dict(npz)
    arrays["val_labels"][[1, 4]] = 5
    np.savez_compressed(path, **arrays)
    list_in_manifest(data_dir, path)
    with pytest.raises(CorruptDataError) as err:
        load_image_splits("pneumoniamnist", transport=None)
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith("pneumoniamnist.npz: val labels include 5 (2 labels)")
    assert "labels are 0-1 (normal, pneumonia)" in message


def test_unknown_task_or_framework_is_refused(isolated_data_dirs):
    crafted(isolated_data_dirs[0])
    with pytest.raises(ValueError, match="task must be one of binary, single-label"):
        load_image_splits("pneumoniamnist", task="regression", transport=None)
    with pytest.raises(ValueError, match="framework must be one of keras, torch"):
        load_image_splits("pneumoniamnist", framework="jax", transport=None)
