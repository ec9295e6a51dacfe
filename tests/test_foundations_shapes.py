"""The seed CNN's arithmetic by formula equals Keras; the post's CNN code runs as written;
one convolutional block on an image does what the chapter's figure says."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from medlib.foundations.feature_maps import SOBEL_KERNELS, feature_maps
from medlib.foundations.shapes import (
    SOURCE_CNN_FILE,
    conv_output_size,
    seed_cnn_by_formula,
    seed_cnn_shape_table,
    side_by_side,
)

SEED_POST = Path(__file__).resolve().parents[2] / "shared" / "seed"


def test_the_kept_cnn_code_is_the_posts_section_4_1_verbatim():
    post = sorted(SEED_POST.glob("*.txt"))[0].read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(post) if line.startswith("4.1"))
    end = next(i for i, line in enumerate(post) if line.startswith("4.2"))
    code = [line for line in post[start + 1:end] if line.isascii() and line.strip()]
    kept = [line for line in SOURCE_CNN_FILE.read_text(encoding="utf-8").splitlines() if line]
    assert kept == code


@pytest.mark.parametrize("input_shape", [(28, 28, 1), (224, 224, 3)])
def test_formula_shapes_and_weights_equal_keras_and_the_source(input_shape):
    table = seed_cnn_shape_table(input_shape)
    assert table["agrees"].all()
    assert "source code's weights" in table or input_shape != (224, 224, 3)


def test_the_seed_cnn_weight_counts_the_book_quotes():
    small, large = seed_cnn_by_formula((28, 28, 1)), seed_cnn_by_formula((224, 224, 3))
    assert small["weights"].sum() == 225_793
    assert large["weights"].sum() == 88_699_969
    assert large.set_index("layer").loc["flatten", "output shape"] == (86_528,)


def test_output_size_formulas():
    assert conv_output_size(28, 3) == 26
    assert conv_output_size(28, 3, stride=2) == 13
    assert conv_output_size(28, 3, stride=2, padding="same") == 14
    with pytest.raises(ValueError, match="'valid' or 'same'"):
        conv_output_size(28, 3, padding="full")


def test_a_vertical_edge_lights_the_vertical_kernel_only():
    image = np.zeros((8, 8))
    image[:, 4:] = 1.0  # dark left half, bright right half
    vertical = feature_maps(image, SOBEL_KERNELS["vertical edges"])
    horizontal = feature_maps(image, SOBEL_KERNELS["horizontal edges"])
    assert np.abs(horizontal["convolution"]).max() == 0.0
    # the kernel is not flipped (cross-correlation): dark-to-bright gives -4, clipped by ReLU
    assert vertical["convolution"].min() == -4.0 and vertical["ReLU"].max() == 0.0
    assert vertical["2x2 max-pooling"].shape == (3, 3)


def test_feature_maps_refuse_a_colour_image():
    with pytest.raises(ValueError, match="grey-scale"):
        feature_maps(np.zeros((8, 8, 3)), SOBEL_KERNELS["vertical edges"])


def test_side_by_side_puts_both_inputs_on_one_row_per_layer():
    tables = {"28×28×1": seed_cnn_shape_table((28, 28, 1)),
              "224×224×3": seed_cnn_shape_table((224, 224, 3))}
    view = side_by_side(tables)
    assert len(view) == 9 and view[("", "all agree")].all()
    assert view.loc["dense1", ("224×224×3", "weights")] == "88,605,696"
    assert view.loc["conv1", ("28×28×1", "output")] == "26×26×32"
