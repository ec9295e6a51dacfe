"""Chapters built on cnn_beyond start from its published weights in one call, which records
the weights it used and where the model came from."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import torch

from medlib.models.cnn_torch import ImprovedCNN
from medlib.train.beyond_start import start_from_cnn_beyond
from medlib.train.checkpoints import save_improved_cnn


class Recorder:
    """A chapter's results recorder, keeping what was asked for and recorded."""

    def __init__(self, published):
        self.published, self.used, self.extras = published, [], {}

    def use_artifact(self, chapter, file_name):
        self.used.append((chapter, file_name))
        return self.published / f"{chapter}_{file_name}"

    def add_extra(self, key, value):
        self.extras[key] = value


def _splits(n=32, n_classes=2):
    x, y = torch.rand(n, 1, 28, 28), np.arange(n) % 2
    return SimpleNamespace(x={"train": x, "val": x}, y={"train": y, "val": y}, n_classes=n_classes)


def _publish(directory, dataset="pneumoniamnist"):
    torch.manual_seed(0)
    save_improved_cnn(directory / "cnn_beyond_improved_cnn.pt", ImprovedCNN(), dataset=dataset,
                      size=28, in_channels=1, n_outputs=1, seed=7, temperature=0.5)


def test_published_weights_are_loaded_and_both_records_are_kept(tmp_path):
    _publish(tmp_path)
    results = Recorder(tmp_path)
    loaded = start_from_cnn_beyond(results, _splits(), "pneumoniamnist", 28, 1, 0)
    assert results.used == [("cnn_beyond", "improved_cnn.pt")]
    assert results.extras == {"model": loaded.provenance}
    assert "loaded" in loaded.provenance and loaded.temperature == 0.5


def test_weights_for_another_data_set_train_the_model_here(tmp_path):
    _publish(tmp_path, dataset="breastmnist")
    results = Recorder(tmp_path)
    loaded = start_from_cnn_beyond(results, _splits(n_classes=3), "pneumoniamnist", 28, 1, 0,
                                   n_classes=2)
    assert "trained here (1 epochs, seed 0)" in loaded.provenance
    assert loaded.model.head.out_features == 1  # two classes given: one logit, not three
    assert results.extras["model"] == loaded.provenance and loaded.weights_md5 is None
