"""Deletion/insertion curves on a model whose true pixel contributions are known."""

from __future__ import annotations

import numpy as np
import pytest
import torch

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
