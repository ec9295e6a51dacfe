"""Membership-inference AUROC and DP-SGD training through opacus."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from medlib.models.cnn_torch import ImprovedCNN, SeedCNN
from medlib.models.tanh_cnn import TanhCNN
from medlib.trust.privacy import fit_private, loss_threshold_attack_auroc, per_example_loss


def test_attack_auroc_is_one_when_members_have_lower_loss_and_half_when_equal():
    assert loss_threshold_attack_auroc(np.array([0.1, 0.2]), np.array([0.5, 0.9])) == 1.0
    same = np.random.default_rng(0).random(1000)
    assert loss_threshold_attack_auroc(same[:500], same[500:]) == pytest.approx(0.5, abs=0.05)


def test_per_example_loss_matches_the_definition():
    torch.manual_seed(0)
    model = SeedCNN()
    images, labels = torch.rand(3, 1, 28, 28), np.array([0, 1, 1])
    with torch.no_grad():
        p = torch.sigmoid(model(images)[:, 0]).numpy()
    expected = -(labels * np.log(p) + (1 - labels) * np.log(1 - p))
    np.testing.assert_allclose(per_example_loss(model, images, labels), expected, rtol=1e-4)


def test_private_training_spends_about_the_target_epsilon():
    torch.manual_seed(0)
    images = torch.rand(64, 1, 28, 28)
    labels = np.arange(64) % 2
    spent = fit_private(
        TanhCNN(), images, labels, epochs=2, seed=0, target_epsilon=4.0, batch_size=16
    )
    assert spent == pytest.approx(4.0, rel=0.1)
    assert math.isinf(fit_private(TanhCNN(), images, labels, 1, 0, None, batch_size=16))


def _bright_or_dark(n: int) -> tuple[torch.Tensor, np.ndarray]:
    """Images whose class is written in their brightness: any working trainer learns it."""
    labels = np.arange(n) % 2
    generator = torch.Generator().manual_seed(0)
    images = 0.3 * torch.rand(n, 1, 28, 28, generator=generator)
    images += 0.4 * torch.as_tensor(labels, dtype=torch.float32)[:, None, None, None]
    return images, labels


@pytest.mark.parametrize("target_epsilon", [None, 8.0])
def test_training_learns_an_easy_task_with_and_without_privacy(target_epsilon):
    from sklearn.metrics import roc_auc_score

    images, labels = _bright_or_dark(512)
    torch.manual_seed(0)
    model = TanhCNN()
    fit_private(model, images, labels, 10, 0, target_epsilon, batch_size=64)
    assert roc_auc_score(labels, -per_example_loss(model, images, np.ones(512))) > 0.95


def test_batch_norm_models_are_refused_with_the_reason():
    with pytest.raises(ValueError, match="cannot be trained with DP-SGD"):
        fit_private(ImprovedCNN(), torch.rand(4, 1, 28, 28), np.zeros(4), 1, 0, 1.0)
