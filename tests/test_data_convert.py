"""medlib.data.convert: uint8 images to each framework's float layout in [0, 1]."""

import numpy as np
import torch

from medlib.data.convert import to_model_input, to_tensor


def test_to_model_input_scales_and_adds_a_channel():
    x = to_model_input(np.array([[[0, 255]]], dtype=np.uint8))
    assert x.shape == (1, 1, 2, 1) and x.dtype == np.float32 and x.max() == 1.0


def test_to_tensor_scales_and_moves_channels_first():
    gray = np.full((2, 28, 28), 255, np.uint8)
    rgb = np.zeros((2, 28, 28, 3), np.uint8)
    assert to_tensor(gray).shape == (2, 1, 28, 28) and float(to_tensor(gray).max()) == 1.0
    assert to_tensor(rgb).shape == (2, 3, 28, 28)
    assert to_tensor(rgb).is_contiguous(memory_format=torch.channels_last)
