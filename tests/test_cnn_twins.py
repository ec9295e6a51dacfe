"""The torch twins of the Keras CNNs: same parameter count, same outputs once weights are
copied (chapter ``cnn_beyond`` chooses the faster framework on this guarantee)."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import torch

from medlib.models.cnn import improved_cnn, seed_cnn
from medlib.models.cnn_torch import ImprovedCNN, SeedCNN
from medlib.models.twins import copy_keras_weights, trainable_parameter_count


def _randomise_batch_norm_statistics(model: keras.Model, seed: int = 0) -> None:
    """Fresh batch-norm layers have mean 0 / variance 1, which would hide a swapped copy."""
    rng = np.random.default_rng(seed)
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            shape = layer.moving_mean.shape
            layer.gamma.assign(rng.uniform(0.5, 1.5, shape).astype("float32"))
            layer.beta.assign(rng.normal(0, 0.2, shape).astype("float32"))
            layer.moving_mean.assign(rng.normal(0, 0.2, shape).astype("float32"))
            layer.moving_variance.assign(rng.uniform(0.5, 2.0, shape).astype("float32"))


def _outputs(keras_model: keras.Model, torch_model: torch.nn.Module, channels: int, size: int):
    x = np.random.default_rng(1).random((8, size, size, channels), dtype=np.float32)
    expected = keras.ops.convert_to_numpy(keras_model(x, training=False))
    torch_model.eval()
    with torch.no_grad():
        got = torch_model(torch.from_numpy(x).permute(0, 3, 1, 2)).numpy()
    return expected, got


def test_seed_cnn_twin_has_the_same_weights_and_outputs():
    keras_model, torch_model = seed_cnn((28, 28, 1)), SeedCNN(1, 1, 28)
    assert trainable_parameter_count(torch_model) == keras_model.count_params() == 225_793
    expected, logits = _outputs(keras_model, copy_keras_weights(keras_model, torch_model), 1, 28)
    np.testing.assert_allclose(torch.sigmoid(torch.from_numpy(logits)).numpy(), expected, atol=1e-5)


@pytest.mark.parametrize(("channels", "n_outputs", "size"), [(1, 1, 28), (3, 9, 28), (1, 4, 32)])
def test_improved_cnn_twin_has_the_same_weights_and_outputs(channels, n_outputs, size):
    keras_model = improved_cnn((size, size, channels), n_outputs)
    _randomise_batch_norm_statistics(keras_model)
    torch_model = ImprovedCNN(channels, n_outputs)
    assert trainable_parameter_count(torch_model) == trainable_parameter_count(keras_model)
    expected, got = _outputs(
        keras_model, copy_keras_weights(keras_model, torch_model), channels, size
    )
    assert got.shape == (8, n_outputs)
    np.testing.assert_allclose(got, expected, atol=1e-5)


def test_default_improved_cnn_is_a_third_of_the_seed_cnn():
    assert trainable_parameter_count(ImprovedCNN()) == 77_169


def test_copy_refuses_models_that_are_not_twins():
    with pytest.raises(ValueError, match="not twins"):
        copy_keras_weights(seed_cnn((28, 28, 1)), ImprovedCNN())


def test_copy_refuses_mismatched_shapes():
    with pytest.raises(ValueError, match="torch expects"):
        copy_keras_weights(improved_cnn((28, 28, 1), 1), ImprovedCNN(1, 3))
