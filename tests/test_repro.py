"""medlib.chapter.repro: one call makes training runs repeatable."""

import numpy as np
import torch

from medlib.chapter.repro import seed_everything
from medlib.models.cnn import seed_cnn


def train_and_predict(seed: int) -> np.ndarray:
    seed_everything(seed)
    rng = np.random.default_rng(0)
    x = rng.random((64, 28, 28, 1), dtype=np.float32)
    y = (x.mean(axis=(1, 2, 3)) > 0.5).astype("float32")
    model = seed_cnn((28, 28, 1))
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(x, y, epochs=2, batch_size=16, shuffle=True, verbose=0)
    return model.predict(x, verbose=0)


def test_two_keras_runs_with_one_seed_give_identical_predictions():
    np.testing.assert_array_equal(train_and_predict(3), train_and_predict(3))


def test_a_different_seed_gives_different_weights():
    assert not np.array_equal(train_and_predict(3), train_and_predict(4))


def test_torch_and_numpy_are_seeded_too():
    seed_everything(11)
    first = (torch.rand(3), np.random.rand(3))
    seed_everything(11)
    second = (torch.rand(3), np.random.rand(3))
    assert torch.equal(first[0], second[0]) and np.array_equal(first[1], second[1])
