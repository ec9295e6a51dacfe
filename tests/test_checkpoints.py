"""Later chapters load cnn_beyond's model when it fits their data, and train it otherwise."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from medlib.data import md5sum
from medlib.models.cnn_torch import ImprovedCNN
from medlib.train.checkpoints import (
    CheckpointError,
    improved_cnn_for,
    load_improved_cnn,
    save_improved_cnn,
)


def _save(path, dataset="pneumoniamnist", size=28):
    torch.manual_seed(0)
    model = ImprovedCNN()
    save_improved_cnn(path, model, dataset=dataset, size=size, in_channels=1, n_outputs=1,
                      seed=7, temperature=0.5)
    return model


def _data(n=32):
    x = torch.rand(n, 1, 28, 28)
    y = np.arange(n) % 2
    return x, y


def test_matching_weights_are_loaded_with_their_temperature(tmp_path):
    saved = _save(tmp_path / "w.pt")
    x, y = _data()
    loaded = improved_cnn_for(
        "pneumoniamnist", 28, x, y, x, y, 2, epochs=1, seed=0, path=tmp_path / "w.pt"
    )
    assert "loaded" in loaded.provenance and "seed 7" in loaded.provenance
    assert loaded.temperature == 0.5 and loaded.weights_md5 == md5sum(tmp_path / "w.pt")
    for key, value in saved.state_dict().items():
        assert torch.equal(loaded.model.state_dict()[key], value)
    model, meta = load_improved_cnn(tmp_path / "w.pt")
    assert meta["dataset"] == "pneumoniamnist" and not model.training


def test_other_data_sets_or_a_missing_file_train_a_model_here(tmp_path):
    _save(tmp_path / "w.pt", dataset="breastmnist")
    x, y = _data()
    for path in (tmp_path / "w.pt", tmp_path / "missing.pt"):
        trained = improved_cnn_for("pneumoniamnist", 28, x, y, x, y, 2, epochs=1, seed=0, path=path)
        assert "trained here (1 epochs, seed 0)" in trained.provenance
        assert trained.temperature > 0 and not trained.model.training
        assert trained.weights_md5 is None
    trained = improved_cnn_for("pneumoniamnist", 28, x, y, x, y, 2, epochs=1, seed=0, path=None)
    assert "trained here" in trained.provenance


class _Payload:
    """Any Python object: unpickling it could run code, so loaders must refuse it."""


def test_a_checkpoint_carrying_a_pickled_object_is_refused(tmp_path):
    path = tmp_path / "w.pt"
    _save(path)
    checkpoint = torch.load(path, weights_only=True)
    checkpoint["extra"] = _Payload()
    torch.save(checkpoint, path)
    with pytest.raises(CheckpointError, match="refused to load"):
        load_improved_cnn(path)


def test_a_checkpoint_without_its_metadata_is_refused(tmp_path):
    torch.save({"state_dict": ImprovedCNN().state_dict()}, tmp_path / "w.pt")
    with pytest.raises(CheckpointError, match="missing dataset"):
        load_improved_cnn(tmp_path / "w.pt")
