"""medlib.models: the seed CNN as the post wrote it."""

import numpy as np
import pytest

from medlib.models.cnn import seed_cnn


@pytest.mark.parametrize(
    ("input_shape", "n_params"), [((224, 224, 3), 88_699_969), ((28, 28, 1), 225_793)]
)
def test_seed_cnn_parameter_count(input_shape, n_params):
    assert seed_cnn(input_shape).count_params() == n_params


def test_seed_cnn_layers_are_the_seeds():
    model = seed_cnn((28, 28, 1))
    kinds = [layer.__class__.__name__ for layer in model.layers]
    assert kinds == ["Conv2D", "MaxPooling2D"] * 3 + ["Flatten", "Dense", "Dense"]
    assert [layer.filters for layer in model.layers if hasattr(layer, "filters")] == [32, 64, 128]
    assert model.layers[-2].units == 1024 and model.layers[-1].units == 1


def test_seed_cnn_outputs_probabilities():
    out = seed_cnn((28, 28, 1)).predict(np.random.default_rng(0).random((5, 28, 28, 1)), verbose=0)
    assert out.shape == (5, 1) and np.all((out > 0) & (out < 1))
