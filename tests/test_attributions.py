"""Attribution methods run on the book's CNN; sanity-check helpers behave as defined."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from medlib.models.cnn_torch import ImprovedCNN
from medlib.trust.attributions import METHODS, ClassLogits, cascading_randomisation, map_similarity


@pytest.mark.parametrize("name", sorted(METHODS))
def test_every_method_gives_one_map_per_image(name):
    torch.manual_seed(0)
    model = ClassLogits(ImprovedCNN(1, 1, widths=(4, 8, 8))).eval()
    images = torch.rand(3, 1, 28, 28)
    maps = METHODS[name](model, images, torch.tensor([1, 0, 1]))
    assert maps.shape == (3, 28, 28) and np.isfinite(maps).all()


def test_integrated_gradients_satisfy_completeness():
    """IG's maps sum to f(x) - f(baseline) (Sundararajan et al., 2017), up to the
    integral's discretisation."""
    torch.manual_seed(0)
    model = ClassLogits(ImprovedCNN(1, 1, widths=(4, 8, 8))).eval()
    images = torch.rand(2, 1, 28, 28)
    maps = METHODS["Integrated Gradients"](model, images, torch.tensor([1, 0]))
    with torch.no_grad():
        gap = (model(images) - model(torch.zeros_like(images)))[[0, 1], [1, 0]].numpy()
    np.testing.assert_allclose(maps.sum(axis=(1, 2)), gap, rtol=0.05, atol=0.02)


def test_class_logits_of_a_binary_model_reproduce_its_probability():
    base = ImprovedCNN(1, 1, widths=(4, 8, 8)).eval()
    images = torch.rand(4, 1, 28, 28)
    with torch.no_grad():
        two = torch.softmax(ClassLogits(base)(images), dim=1)
        one = torch.sigmoid(base(images))[:, 0]
        torch.testing.assert_close(two[:, 1], one)
        multi = ImprovedCNN(1, 3, widths=(4, 8, 8)).eval()
        torch.testing.assert_close(ClassLogits(multi)(images), multi(images))


def test_similarity_is_one_for_equal_maps_and_low_for_independent_ones():
    rng = np.random.default_rng(0)
    maps = rng.random((4, 28, 28))
    same = map_similarity(maps, maps)
    assert same["spearman"] == pytest.approx(1.0) and same["ssim"] == pytest.approx(1.0)
    other = map_similarity(maps, rng.random((4, 28, 28)))
    assert abs(other["spearman"]) < 0.1 and other["ssim"] < 0.2


def test_cascading_randomisation_changes_layers_cumulatively_and_keeps_the_original():
    torch.manual_seed(0)
    model = ImprovedCNN(1, 1, widths=(4, 8, 8))
    original = {k: v.clone() for k, v in model.state_dict().items()}
    steps = cascading_randomisation(model, ["head", "blocks.2", "stem"], seed=1)
    assert [name for name, _ in steps] == ["head", "blocks.2", "stem"]
    last = steps[-1][1].state_dict()
    assert not torch.equal(last["head.weight"], original["head.weight"])
    assert not torch.equal(last["stem.weight"], original["stem.weight"])
    assert torch.equal(steps[0][1].state_dict()["stem.weight"], original["stem.weight"])
    assert all(torch.equal(v, model.state_dict()[k]) for k, v in original.items())
    with pytest.raises(ValueError, match="no such layers"):
        cascading_randomisation(model, ["nope"])
