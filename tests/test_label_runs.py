"""The labelling chapter's training run: which images and labels it trains on, that it is
repeatable, and the predictions file it writes."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from medlib.trust import label_runs
from medlib.trust.label_runs import LabelRuns


def _splits(n_train=24, n_val=10, n_test=12):
    rng = np.random.default_rng(0)
    x, y = {}, {}
    for split, n in (("train", n_train), ("val", n_val), ("test", n_test)):
        y[split] = np.arange(n) % 2
        # image i of the training split is filled with the value i / 100, so that the
        # images a run trained on can be told apart
        if split == "train":
            base = np.arange(n)[:, None, None, None] / 100
        else:
            base = rng.random((n, 1, 1, 1))
        x[split] = torch.tensor(np.broadcast_to(base, (n, 1, 28, 28)).copy(), dtype=torch.float32)
    return x, y


def test_train_repeats_the_chosen_rows_with_their_labels(monkeypatch):
    x, y = _splits()
    seen = {}

    def fake_fit(model, x_train, y_train, x_val, y_val, n_classes, recipe, seed, keep_best,
                 device):
        seen.update(x_train=x_train, y_train=np.asarray(y_train), recipe=recipe, seed=seed,
                    keep_best=keep_best, n_classes=n_classes, device=device)

    monkeypatch.setattr(label_runs, "fit_classifier", fake_fit)
    reseeded = []
    runs = LabelRuns(x, y, epochs=3, min_images_per_epoch=21, reseed=reseeded.append)
    rows, labels = np.array([2, 5, 11]), np.array([1, 0, 1])  # labels need not be y's
    runs.train(rows, labels, seed=9, gce_q=0.5)
    images = np.rint(seen["x_train"][:, 0, 0, 0].numpy() * 100).astype(int)
    assert len(images) == 21  # 3 rows repeated to 21 images, each equally often
    assert sorted(np.unique(images, return_counts=True)[1]) == [7, 7, 7]
    assert set(images) == {2, 5, 11}
    label_of = dict(zip(rows.tolist(), labels.tolist(), strict=True))
    assert seen["y_train"].tolist() == [label_of[i] for i in images]
    assert (seen["recipe"].epochs, seen["recipe"].gce_q, seen["recipe"].class_weighting) == (
        3, 0.5, True)
    assert seen["keep_best"] is False and seen["seed"] == 9 and seen["n_classes"] == 2
    assert seen["device"] == runs.device  # training_device(): the CPU here
    assert reseeded == [9] and runs.n_runs == 1
    with pytest.raises(ValueError, match="2 labels for 3 training rows"):
        runs.train(rows, labels[:2], seed=9)


def test_runs_are_repeatable_and_published_by_column():
    x, y = _splits()
    runs = LabelRuns(x, y, epochs=1, min_images_per_epoch=32)
    rows = np.arange(12)
    first = runs.score(runs.train(rows, y["train"][rows], seed=3), "run a")
    model = runs.train(rows, y["train"][rows], seed=3)
    assert np.array_equal(first, runs.score(model, "run b"))
    report = runs.threshold_report(model, "run c")
    assert set(runs.columns["run c"]) == {"test", "val"}
    assert report["predictions_column"] == "run c"
    assert report["accuracy at 0.5"] == pytest.approx(np.mean((first >= 0.5) == y["test"]))
    assert 0 <= report["threshold (validation, Youden)"] <= 1
    predictions = runs.predictions()
    assert list(predictions.columns) == ["case_id", "split", "true_label", "run a", "run b",
                                         "run c"]
    test = predictions[predictions["split"] == "test"]
    val = predictions[predictions["split"] == "val"]
    assert len(test) == 12 and len(val) == 10
    assert np.array_equal(test["run a"].to_numpy(), first)
    assert val["run a"].isna().all() and val["run c"].notna().all()
    assert runs.n_runs == 2
    assert runs.train_probabilities(model, np.array([0, 1])).shape == (2,)


def test_another_network_and_a_starting_point_can_be_given(monkeypatch):
    """Chapter ``pretraining`` trains the improved CNN this way, from a random start and
    from a pretrained encoder: ``build`` makes the network, ``start`` sets its weights."""
    from medlib.models.cnn_torch import ImprovedCNN

    x, y = _splits()
    trained = {}
    monkeypatch.setattr(label_runs, "fit_classifier",
                        lambda model, *args, **kwargs: trained.setdefault("model", model))
    started = []

    def start(model):
        started.append(model)
        return model

    runs = LabelRuns(x, y, epochs=1, min_images_per_epoch=8,
                     build=lambda channels: ImprovedCNN(channels, 1, (2, 2, 2)))
    model = runs.train(np.arange(4), y["train"][:4], seed=0, start=start)
    assert isinstance(model, ImprovedCNN) and started == [model] and trained["model"] is model
