"""Attacks stay in their budget and hurt more than random noise; corruptions are bounded."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from medlib.models.cnn_torch import ImprovedCNN
from medlib.trust.robustness import SEVERITIES, adversarial_images, corrupt, fgsm_random_start


def _model_and_data():
    torch.manual_seed(0)
    model = ImprovedCNN(1, 1, widths=(4, 8, 8)).eval()
    images = torch.rand(16, 1, 28, 28, generator=torch.Generator().manual_seed(1))
    labels = np.arange(16) % 2
    return model, images, labels


def _loss(model, images, labels):
    with torch.no_grad():
        logits = model(images)[:, 0]
    target = torch.as_tensor(labels, dtype=torch.float32)
    return float(torch.nn.functional.binary_cross_entropy_with_logits(logits, target))


@pytest.mark.parametrize("steps", [0, 5])
def test_attacks_stay_in_the_ball_and_raise_the_loss(steps):
    model, images, labels = _model_and_data()
    eps = 8 / 255
    adversarial = adversarial_images(model, images, labels, eps, steps=steps, batch_size=8)
    assert adversarial.shape == images.shape
    assert float((adversarial - images).abs().max()) <= eps + 1e-6
    assert float(adversarial.min()) >= 0 and float(adversarial.max()) <= 1
    noise = (images + eps * torch.sign(torch.randn_like(images))).clamp(0, 1)
    assert _loss(model, adversarial, labels) > _loss(model, noise, labels)


def test_zero_budget_returns_the_images():
    model, images, labels = _model_and_data()
    assert torch.equal(adversarial_images(model, images, labels, 0.0), images)


def test_fgsm_random_start_perturbs_within_the_budget():
    model, images, labels = _model_and_data()
    out = fgsm_random_start(4 / 255)(model, images, torch.as_tensor(labels))
    assert float((out - images).abs().max()) <= 4 / 255 + 1e-6 and not torch.equal(out, images)


@pytest.mark.parametrize("kind", sorted(SEVERITIES))
@pytest.mark.parametrize("channels", [1, 3])
def test_corruptions_keep_shape_and_type_and_grow_with_severity(kind, channels):
    rng = np.random.default_rng(0)
    shape = (4, 28, 28) if channels == 1 else (4, 28, 28, 3)
    images = rng.integers(40, 216, shape, dtype=np.uint8)
    changes = []
    for severity in (1, 2, 3):
        out = corrupt(images, kind, severity)
        assert out.shape == images.shape and out.dtype == np.uint8
        changes.append(np.abs(out.astype(int) - images).mean())
    assert changes[0] > 0 and changes[0] <= changes[2]


def test_corrupt_rejects_unknown_kind_and_severity():
    images = np.zeros((1, 28, 28), np.uint8)
    with pytest.raises(ValueError, match="unknown corruption"):
        corrupt(images, "fog", 1)
    with pytest.raises(ValueError, match="severity"):
        corrupt(images, "contrast (factor)", 4)
