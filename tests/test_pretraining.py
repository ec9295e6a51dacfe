"""Contrastive pretraining and transfer (chapter ``pretraining``)."""

import numpy as np
import pytest
import torch

from medlib.models.cnn_torch import ImprovedCNN
from medlib.models.vit import TinyViT
from medlib.pretraining.contrastive import (
    PretrainRecipe,
    embed_dim_of,
    nt_xent_loss,
    pretrain_contrastive,
)
from medlib.pretraining.transfer import embeddings, initialise_from, linear_probe


def simclr_loss_by_pairs(z1: np.ndarray, z2: np.ndarray, tau: float) -> float:
    """Equation (1) of Chen et al. (2020), pair by pair: views 2k-1 and 2k are positives,
    l(i, j) = -log exp(s_ij / tau) / sum_{k != i} exp(s_ik / tau), and the loss is the mean of
    l(2k-1, 2k) and l(2k, 2k-1) over k."""
    views = []
    for a, b in zip(z1, z2, strict=True):
        views += [a / np.linalg.norm(a), b / np.linalg.norm(b)]
    total = 0.0
    for i, zi in enumerate(views):
        j = i + 1 if i % 2 == 0 else i - 1
        denominator = sum(np.exp(zi @ zk / tau) for k, zk in enumerate(views) if k != i)
        total += -np.log(np.exp(zi @ views[j] / tau) / denominator)
    return total / len(views)


@pytest.mark.parametrize("tau", [0.1, 0.5, 1.0])
def test_nt_xent_equals_the_papers_formula(tau):
    rng = np.random.default_rng(0)
    z1, z2 = rng.normal(size=(5, 4)), rng.normal(size=(5, 4))
    ours = nt_xent_loss(torch.from_numpy(z1), torch.from_numpy(z2), tau).item()
    assert ours == pytest.approx(simclr_loss_by_pairs(z1, z2, tau), rel=1e-10)


def test_nt_xent_is_low_when_pairs_agree_and_others_differ():
    z = torch.eye(4)
    aligned = nt_xent_loss(z, z, 0.1).item()
    shuffled = nt_xent_loss(z, z[[1, 2, 3, 0]], 0.1).item()
    assert aligned < 0.01 < shuffled


def test_nt_xent_rejects_bad_input():
    with pytest.raises(ValueError, match="must both be"):
        nt_xent_loss(torch.zeros(3, 2), torch.zeros(4, 2), 0.5)
    with pytest.raises(ValueError, match="temperature"):
        nt_xent_loss(torch.zeros(3, 2), torch.zeros(3, 2), 0.0)


def two_kinds_of_images(n: int, seed: int = 0) -> tuple[torch.Tensor, np.ndarray]:
    """Images with a bright disc in the top or in the bottom half: a structure contrastive
    learning can find without labels."""
    generator = torch.Generator().manual_seed(seed)
    labels = torch.arange(n) % 2
    yy, xx = torch.meshgrid(torch.arange(28.0), torch.arange(28.0), indexing="ij")
    images = 0.1 * torch.rand(n, 1, 28, 28, generator=generator)
    for i, label in enumerate(labels):
        cy = 8.0 if label == 0 else 20.0
        cx = 8 + 12 * torch.rand(1, generator=generator).item()
        images[i, 0] += ((yy - cy) ** 2 + (xx - cx) ** 2 < 16).float()
    return images.clamp(0, 1), labels.numpy()


def test_pretraining_lowers_its_loss_without_labels_and_helps_a_linear_probe():
    torch.manual_seed(0)
    images, labels = two_kinds_of_images(256)
    encoder = ImprovedCNN(1, 1, (4, 8, 8))
    before = embeddings(encoder, images)
    result = pretrain_contrastive(encoder, images, PretrainRecipe(epochs=6, batch_size=64), 0)
    after = embeddings(encoder, images)
    losses = result.history["loss"]
    assert losses.iloc[-1] < losses.iloc[0]
    assert result.images == 256 and list(result.history["epoch"]) == list(range(1, 7))
    train = np.arange(0, 256, 7)
    test = np.setdiff1d(np.arange(256), train)
    accuracy = {
        name: linear_probe(f[train], labels[train]).score(f[test], labels[test])
        for name, f in {"before": before, "after": after}.items()
    }
    assert accuracy["after"] >= 0.9


def test_pretraining_is_repeatable_with_the_same_seed():
    images, _ = two_kinds_of_images(128)
    out = []
    for _ in range(2):
        torch.manual_seed(1)
        encoder = ImprovedCNN(1, 1, (2, 2, 2))
        pretrain_contrastive(encoder, images, PretrainRecipe(epochs=1, batch_size=32), seed=3)
        out.append(embeddings(encoder, images[:4]))
    np.testing.assert_array_equal(out[0], out[1])


def test_pretraining_needs_two_batches():
    with pytest.raises(ValueError, match="fewer than two batches"):
        pretrain_contrastive(ImprovedCNN(1, 1, (2, 2, 2)), torch.rand(10, 1, 28, 28),
                             PretrainRecipe(batch_size=8), 0)


@pytest.mark.parametrize("encoder, width", [
    (ImprovedCNN(1, 1, (4, 8, 16)), 16), (TinyViT(1, 1, 28, 7, 12, 1, 2), 12)])
def test_embed_dim_of_both_families(encoder, width):
    assert embed_dim_of(encoder, (1, 28, 28)) == width


def test_initialise_from_copies_all_but_the_head():
    torch.manual_seed(0)
    encoder, classifier = ImprovedCNN(1, 1, (4, 8, 16)), ImprovedCNN(1, 1, (4, 8, 16))
    head_before = classifier.head.weight.clone()
    initialise_from(classifier, encoder)
    torch.testing.assert_close(classifier.stem.weight, encoder.stem.weight)
    torch.testing.assert_close(classifier.blocks[2].conv2.weight, encoder.blocks[2].conv2.weight)
    torch.testing.assert_close(classifier.head.weight, head_before)


def test_initialise_from_a_different_network_says_so():
    with pytest.raises(ValueError, match="does not match"):
        initialise_from(ImprovedCNN(1, 1, (4, 8, 16)), TinyViT(1, 1, 28, 7, 12, 1, 2))


def test_linear_probe_needs_both_classes():
    with pytest.raises(ValueError, match="both classes"):
        linear_probe(np.zeros((4, 2)), np.ones(4))
