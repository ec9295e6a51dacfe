"""The small vision transformer of chapter ``large_models``."""

import pytest
import torch

from medlib.models.vit import TinyViT


def test_shapes_and_embedding_width():
    model = TinyViT(1, 1, 28, 4, dim=16, depth=1, heads=2).eval()
    x = torch.rand(3, 1, 28, 28)
    assert model(x).shape == (3, 1)
    assert model.embed(x).shape == (3, 16)


def test_the_head_reads_the_embedding():
    model = TinyViT(1, 2, 28, 7, dim=8, depth=1, heads=1).eval()
    x = torch.rand(2, 1, 28, 28)
    torch.testing.assert_close(model(x), model.head(model.embed(x)))


def test_patch_position_matters():
    """The position embedding makes the model see where a patch is: swapping two patches
    changes the output (without it, mean pooling would make the model permutation-blind)."""
    torch.manual_seed(0)
    model = TinyViT(1, 1, 28, 14, dim=8, depth=1, heads=1, dropout=0.0).eval()
    with torch.no_grad():
        model.position.normal_()
    x = torch.rand(1, 1, 28, 28)
    swapped = x.clone()
    swapped[..., :14, :14], swapped[..., 14:, 14:] = x[..., 14:, 14:], x[..., :14, :14]
    assert not torch.allclose(model(x), model(swapped))


@pytest.mark.parametrize("kwargs, message", [
    ({"image_size": 28, "patch_size": 5}, "multiple of patch_size"),
    ({"dim": 10, "heads": 3}, "divisible by heads"),
])
def test_bad_shapes_say_what_to_change(kwargs, message):
    with pytest.raises(ValueError, match=message):
        TinyViT(**kwargs)
