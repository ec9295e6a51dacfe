"""Augmentation: shapes, ranges, determinism under a seeded generator, exact TTA views."""

from __future__ import annotations

import math

import torch

from medlib.data.augment import TTA_VIEWS, RandomAffineContrast, affine_warp, tta_view


def _batch(n: int = 6, channels: int = 1) -> torch.Tensor:
    return torch.rand(n, channels, 28, 28, generator=torch.Generator().manual_seed(0))


def test_identity_warp_returns_the_image():
    x = _batch()
    n = len(x)
    out = affine_warp(x, torch.zeros(n), torch.ones(n), torch.zeros(n, 2))
    torch.testing.assert_close(out, x, atol=1e-5, rtol=0)


def test_one_pixel_shift_moves_the_image_by_one_pixel():
    x = _batch(2)
    shifted = tta_view(x, (0.0, 1 / 28, 0.0))
    # sampling at x + 1 pixel: output column j shows input column j + 1 (edge repeated)
    torch.testing.assert_close(shifted[..., :-1], x[..., 1:], atol=1e-5, rtol=0)


def test_augmentation_keeps_shape_and_range_and_is_seeded():
    x = _batch(channels=3)
    augment = RandomAffineContrast(horizontal_flip=True)
    first = augment(x, torch.Generator().manual_seed(5))
    again = augment(x, torch.Generator().manual_seed(5))
    other = augment(x, torch.Generator().manual_seed(6))
    assert first.shape == x.shape and first.min() >= 0 and first.max() <= 1
    torch.testing.assert_close(first, again)
    assert not torch.allclose(first, other)


def test_no_flip_by_default_for_chest_x_rays():
    assert RandomAffineContrast().horizontal_flip is False
    x = torch.zeros(1, 1, 28, 28)
    x[..., :14] = 1.0  # left half bright
    only_flip = RandomAffineContrast(0, 0, 0, 0, 0, horizontal_flip=True)
    draws = [only_flip(x, torch.Generator().manual_seed(s))[0, 0, 0, 0].item() for s in range(20)]
    assert set(draws) == {0.0, 1.0}  # flipped in some draws, not in others


def test_rotation_by_90_degrees_turns_a_bar():
    x = torch.zeros(1, 1, 28, 28)
    x[..., 13:15, :] = 1.0  # horizontal bar
    out = affine_warp(x, torch.tensor([math.pi / 2]), torch.ones(1), torch.zeros(1, 2))
    assert out[0, 0, :, 13:15].mean() > 0.9 and out[0, 0, 2:6, :].mean() < 0.2


def test_tta_views_start_with_the_identity():
    x = _batch()
    assert TTA_VIEWS[0] == (0.0, 0.0, 0.0) and tta_view(x, TTA_VIEWS[0]) is x
    assert len(set(TTA_VIEWS)) == len(TTA_VIEWS)
