"""Attribution methods run on the book's CNN; sanity-check helpers behave as defined."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from medlib.models.cnn_torch import ImprovedCNN
from medlib.trust import attributions
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


def test_choose_explained_draws_half_errors_then_correct_ones_from_one_generator():
    truth = np.array([0, 1, 0, 1, 0, 1, 0, 1, 0, 1])
    called = np.array([0, 1, 1, 1, 0, 0, 0, 1, 1, 1])  # wrong: 2, 5, 8
    right, wrong = attributions.choose_explained(called, truth, 4, seed=3)
    rng = np.random.default_rng(3)
    np.testing.assert_array_equal(wrong, rng.choice([2, 5, 8], 2, replace=False))
    np.testing.assert_array_equal(right, rng.choice([0, 1, 3, 4, 6, 7, 9], 2, replace=False))
    # fewer errors than half: every error, and correct images make up the rest
    right, wrong = attributions.choose_explained(called, truth, 8, seed=0)
    assert sorted(wrong) == [2, 5, 8] and len(right) == 5 and len(set(right)) == 5
    assert np.all(called[right] == truth[right])


def test_verdicts_and_failing_methods_use_a_strict_threshold_of_one_half():
    np.testing.assert_array_equal(
        attributions.verdicts(np.array([0.51, 0.5, -0.2])), ["fails", "passes", "passes"]
    )
    names = list(METHODS)
    cascade = pd.DataFrame({"spearman": [0.2, 0.6, 0.1]}, index=names)
    labels = pd.DataFrame({"spearman": [0.7, 0.0, 0.5]}, index=names)
    assert attributions.failing_methods(cascade, labels) == [names[0], names[1]]
    assert attributions.failing_methods(cascade.assign(spearman=0.0)) == []


def test_a_model_compared_with_itself_fails_the_sanity_check():
    """Maps that do not change at all are exactly what the check is there to catch."""
    torch.manual_seed(0)
    model = ImprovedCNN(1, 1, widths=(4, 8, 8)).eval()
    images, targets = torch.rand(3, 1, 28, 28), torch.tensor([1, 0, 1])
    maps = attributions.attribution_maps(model, images, targets)
    assert list(maps) == list(METHODS)
    same = attributions.similarity_to(maps, model, images, targets)
    assert list(same.index) == list(METHODS)
    assert list(same.columns) == ["spearman", "ssim", "verdict"]
    for name in ("Integrated Gradients", "Occlusion"):
        assert same.loc[name, "spearman"] == pytest.approx(1.0)
        assert same.loc[name, "ssim"] == pytest.approx(1.0)
        assert same.loc[name, "verdict"] == "fails"


def test_cascade_similarity_has_one_row_per_layer_and_method_in_order():
    torch.manual_seed(0)
    model = ImprovedCNN(1, 1, widths=(4, 8, 8)).eval()
    images, targets = torch.rand(2, 1, 28, 28), torch.tensor([1, 0])
    maps = attributions.attribution_maps(model, images, targets)
    table = attributions.cascade_similarity(model, maps, images, targets, ["head", "stem"], seed=1)
    assert list(table.columns) == ["method", "randomised up to", "spearman", "ssim"]
    assert list(table["randomised up to"]) == ["head"] * 3 + ["stem"] * 3
    assert list(table["method"]) == list(METHODS) * 2
    # the first step is the similarity to the model with its head re-initialised
    _, head_random = attributions.cascading_randomisation(model, ["head"], seed=1)[0]
    direct = attributions.similarity_to(maps, head_random, images, targets)
    np.testing.assert_allclose(table["spearman"][:3], direct["spearman"])
    np.testing.assert_allclose(table["ssim"][:3], direct["ssim"])
