"""Deletion/insertion curves on a model whose true pixel contributions are known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from medlib.trust import faithfulness
from medlib.trust.faithfulness import blurred, deletion_insertion


class Linear(torch.nn.Module):
    """logit = sum(w * x) - 2: each pixel's contribution w * x is known exactly."""

    def __init__(self, weights: torch.Tensor) -> None:
        super().__init__()
        self.w = weights

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x * self.w).sum(dim=(1, 2, 3))[:, None] - 2.0


def _setup():
    gen = torch.Generator().manual_seed(0)
    w = torch.randn(1, 1, 8, 8, generator=gen)
    images = torch.rand(6, 1, 8, 8, generator=gen)
    model = Linear(w)

    def probability_of_positive(batch, source):
        with torch.no_grad():
            return torch.sigmoid(model(batch)[:, 0]).numpy()

    return model, images, w, probability_of_positive


def test_true_contributions_beat_a_random_map_on_both_curves():
    _, images, w, prob = _setup()
    true_maps = (images * w)[:, 0].numpy()
    random_maps = np.random.default_rng(0).random(true_maps.shape)
    good = deletion_insertion(prob, images, true_maps, n_steps=16).areas()
    chance = deletion_insertion(prob, images, random_maps, n_steps=16).areas()
    assert good["deletion AUC"] < chance["deletion AUC"]
    assert good["insertion AUC"] > chance["insertion AUC"]


def test_curve_end_points_are_the_intact_and_the_replaced_images():
    model, images, w, prob = _setup()
    curves = deletion_insertion(prob, images, (images * w)[:, 0].numpy(), n_steps=4)
    with torch.no_grad():
        intact = torch.sigmoid(model(images)[:, 0]).numpy()
        black = torch.sigmoid(model(torch.zeros_like(images))[:, 0]).numpy()
        blur = torch.sigmoid(model(blurred(images))[:, 0]).numpy()
    np.testing.assert_allclose(curves.deletion[:, 0], intact, rtol=1e-6)
    np.testing.assert_allclose(curves.deletion[:, -1], black, rtol=1e-6)
    np.testing.assert_allclose(curves.insertion[:, 0], blur, rtol=1e-6)
    np.testing.assert_allclose(curves.insertion[:, -1], intact, rtol=1e-6)
    assert curves.fraction[0] == 0 and curves.fraction[-1] == 1
    per_image = curves.per_image_areas()
    assert per_image.shape == (6, 2)
    assert per_image.mean(axis=0).tolist() == pytest.approx(list(curves.areas().values()))


def test_maps_of_the_wrong_shape_are_refused():
    _, images, _, prob = _setup()
    with pytest.raises(ValueError, match="expected"):
        deletion_insertion(prob, images, np.zeros((6, 4, 4)))


class FixedLogits(torch.nn.Module):
    """Returns the logits stored for each image, looked up by the image's first pixel."""

    def __init__(self, logits: torch.Tensor) -> None:
        super().__init__()
        self.logits = logits

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.logits[x[:, 0, 0, 0].long()]


def test_called_class_probability_of_a_binary_model_is_p_or_one_minus_p():
    model = FixedLogits(torch.tensor([[2.0], [-1.0], [0.5]]))
    batch = torch.arange(3.0).reshape(3, 1, 1, 1).expand(3, 1, 2, 2).contiguous()
    called = np.array([1, 0])  # image 0 called positive, image 1 negative
    probability = faithfulness.called_class_probability(model, called, temperature=2.0)
    p = 1 / (1 + np.exp(-np.array([2.0, -1.0, 0.5]) / 2.0))
    source = np.array([0, 1, 1])
    np.testing.assert_allclose(probability(batch, source), [p[0], 1 - p[1], 1 - p[2]])


def test_called_class_probability_of_a_multiclass_model_is_its_softmax_entry():
    logits = torch.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 3.0]])
    model = FixedLogits(logits)
    batch = torch.arange(2.0).reshape(2, 1, 1, 1)
    probability = faithfulness.called_class_probability(model, np.array([0, 2]))
    expected = torch.softmax(logits.double(), dim=1).numpy()
    got = probability(batch, np.array([0, 1]))
    np.testing.assert_allclose(got, [expected[0, 0], expected[1, 2]])


def _curves(deletion_levels, insertion_levels) -> faithfulness.FaithfulnessCurves:
    """Flat curves: each image's area is its level (the fraction runs over [0, 1])."""
    fraction = np.linspace(0, 1, 5)
    return faithfulness.FaithfulnessCurves(
        fraction,
        np.repeat(np.asarray(deletion_levels, float)[:, None], 5, axis=1),
        np.repeat(np.asarray(insertion_levels, float)[:, None], 5, axis=1),
    )


def test_faithfulness_table_splits_deletion_by_called_class_for_binary_tasks():
    curves = {"map": _curves([0.1, 0.3, 0.8], [0.9, 0.7, 0.5]),
              faithfulness.RANDOM_MAP: _curves([0.2, 0.4, 0.6], [0.3, 0.3, 0.6])}
    called = np.array([0, 1, 1])
    table = faithfulness.faithfulness_table(curves, called, ["normal", "pneumonia"])
    assert list(table.index) == ["map", "random map"]
    assert table.loc["map", "deletion AUC"] == pytest.approx(0.4)
    assert table.loc["map", "insertion AUC"] == pytest.approx(0.7)
    assert table.loc["map", "deletion AUC, called normal"] == pytest.approx(0.1)
    assert table.loc["random map", "deletion AUC, called pneumonia"] == pytest.approx(0.5)
    multiclass = faithfulness.faithfulness_table(curves, called, ["a", "b", "c"])
    assert list(multiclass.columns) == ["deletion AUC", "insertion AUC"]
    only_one_class = faithfulness.faithfulness_table(curves, np.array([1, 1, 1]), ["n", "p"])
    assert "deletion AUC, called n" not in only_one_class


def test_beats_random_needs_lower_deletion_and_higher_insertion():
    table = pd.DataFrame(
        {"deletion AUC": [0.2, 0.5, 0.4], "insertion AUC": [0.6, 0.8, 0.7]},
        index=["A", "B", faithfulness.RANDOM_MAP],
    )
    assert faithfulness.beats_random(table, ["A", "B"]) == {"deletion": ["A"], "insertion": ["B"]}
