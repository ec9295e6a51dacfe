"""Ladders, power laws and costs of chapter ``large_models``."""

import numpy as np
import pytest
import torch

from medlib.efficiency.cost import count_flops
from medlib.scale.cost import activation_floats, cost_at, projected_hours, training_memory_mb
from medlib.scale.ladders import CNN, VIT, cnn_ladder, parse_vit_shapes, vit_ladder
from medlib.scale.power_law import fit_power_law, fit_saturating_power_law


def test_cnn_ladder_weights_grow_with_the_width_squared():
    rungs = cnn_ladder([4, 8, 16])
    weights = [r.weights for r in rungs]
    assert [r.family for r in rungs] == [CNN] * 3
    assert weights[2] == 77169  # the improved CNN of chapter cnn_beyond
    assert 3.5 < weights[1] / weights[0] < 4.1 and 3.5 < weights[2] / weights[1] < 4.1


def test_vit_ladder_builds_each_shape_and_a_224_pixel_twin():
    rungs = vit_ladder(parse_vit_shapes("8x1x1,16x1x2"))
    assert [r.family for r in rungs] == [VIT, VIT]
    assert [r.label for r in rungs] == ["ViT d8 L1", "ViT d16 L1"]
    small, large = rungs[1].build(), rungs[1].build_at(224)
    assert small(torch.rand(2, 1, 28, 28)).shape == (2, 1)
    assert large(torch.rand(1, 1, 224, 224)).shape == (1, 1)
    assert large.position.shape[1] == 196  # 16-pixel patches, as ViT-B/16


def test_cnn_at_224_is_the_same_network():
    rung = cnn_ladder([2])[0]
    assert sum(p.numel() for p in rung.build_at(224).parameters()) == rung.weights


@pytest.mark.parametrize("text", ["8x1", "8x1x1,a"])
def test_parse_vit_shapes_rejects_bad_text(text):
    with pytest.raises(ValueError, match="width x depth x heads"):
        parse_vit_shapes(text)


def test_power_law_recovers_a_known_law():
    sizes = np.array([1e3, 1e4, 1e5, 1e6])
    law = fit_power_law(sizes, 2.0 * sizes**-0.3)
    assert law.exponent == pytest.approx(0.3)
    assert law.coefficient == pytest.approx(2.0)
    assert law.r_squared == pytest.approx(1.0)
    np.testing.assert_allclose(law.predict([1e7]), 2.0 * 1e7**-0.3)


def test_saturating_law_recovers_exponent_floor_and_crossover():
    sizes = np.repeat([1e2, 1e3, 1e4, 1e5, 1e6], 3)
    noise = np.exp(np.random.default_rng(0).normal(0, 0.01, len(sizes)))
    law = fit_saturating_power_law(sizes, (3.0 * sizes**-0.5 + 0.02) * noise)
    assert law.exponent == pytest.approx(0.5, abs=0.03)
    assert law.floor == pytest.approx(0.02, rel=0.1)
    assert law.crossover == pytest.approx((3.0 / 0.02) ** 2, rel=0.3)
    assert law.r_squared > 0.99


def test_a_law_without_floor_never_stops():
    sizes = np.array([1e2, 1e3, 1e4, 1e5])
    law = fit_saturating_power_law(sizes, 2.0 * sizes**-0.3)
    assert law.floor == pytest.approx(0.0, abs=1e-4)
    assert law.exponent == pytest.approx(0.3, abs=0.01)
    assert law.crossover > 1e8


def test_power_laws_reject_what_they_cannot_fit():
    with pytest.raises(ValueError, match="3 or more distinct sizes"):
        fit_power_law([1, 2], [0.1, 0.05])
    with pytest.raises(ValueError, match="4 or more distinct sizes"):
        fit_saturating_power_law([1, 2, 3, 3], [0.1, 0.05, 0.04, 0.03])
    with pytest.raises(ValueError, match="positive"):
        fit_power_law([1, 2, 3], [0.1, 0.0, 0.05])


def test_activation_floats_of_a_known_network():
    model = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3, padding=1), torch.nn.ReLU(),
                                torch.nn.Flatten(), torch.nn.Linear(2 * 28 * 28, 1))
    assert activation_floats(model, (1, 28, 28)) == 3 * 2 * 28 * 28 + 1


def test_training_memory_counts_weights_four_times_plus_activations():
    model = torch.nn.Linear(10, 1)
    assert training_memory_mb(model, (10,), batch_size=2) == pytest.approx(
        (4 * 11 + 2 * 1) * 4 / 1e6)


def test_cost_at_counts_what_the_library_counts():
    rung = cnn_ladder([2])[0]
    row = cost_at(rung.build(), (1, 28, 28), batch_size=4, steps=1)
    assert row["weights"] == rung.weights
    assert row["MFLOPs / image"] == count_flops(rung.build(), (1, 28, 28)) / 1e6
    assert row["training ms / image"] > 0 and row["training memory (MB)"] > 0


def test_projected_hours():
    assert projected_hours(1000.0, 3600, 2) == pytest.approx(2.0)
