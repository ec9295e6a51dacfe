"""Quantization, pruning and distillation helpers against their definitions."""

from __future__ import annotations

import pytest
import torch
from torch.nn import functional

from medlib.efficiency.compression import (
    distillation_loss,
    nonzero_weight_count,
    prune_by_magnitude,
    quantize_int8,
    serialized_bytes,
    teacher_distillation,
    weight_sparsity,
)
from medlib.models.cnn_torch import ImprovedCNN


@pytest.fixture
def model() -> ImprovedCNN:
    torch.manual_seed(0)
    return ImprovedCNN(1, 1).eval()


def test_int8_model_is_about_four_times_smaller_and_agrees_with_float(model):
    images = torch.rand(64, 1, 28, 28)
    quantized = quantize_int8(model, images)
    with torch.no_grad():
        reference, approx = model(images), quantized(images)
    assert serialized_bytes(quantized) < serialized_bytes(model) / 2.5
    # an untrained network's outputs vary little, so int8 rounding shows; trained ones agree
    # far better (the chapter measures the AUROC)
    assert torch.corrcoef(torch.stack([reference[:, 0], approx[:, 0]]))[0, 1] > 0.9
    assert next(model.parameters()).dtype == torch.float32  # the original is untouched


def test_pruning_zeros_the_smallest_weights_globally(model):
    pruned = prune_by_magnitude(model, 0.7)
    assert weight_sparsity(pruned) == pytest.approx(0.7, abs=0.01)
    assert weight_sparsity(model) == 0
    kept = torch.cat([m.weight.flatten().abs() for m in pruned.modules()
                      if isinstance(m, torch.nn.Conv2d | torch.nn.Linear)])
    dropped = torch.cat([m.weight.flatten().abs() for m in model.modules()
                         if isinstance(m, torch.nn.Conv2d | torch.nn.Linear)])[kept == 0]
    assert dropped.max() <= kept[kept > 0].min()
    assert serialized_bytes(pruned, compressed=True) < serialized_bytes(model, compressed=True)
    with pytest.raises(ValueError, match="sparsity"):
        prune_by_magnitude(model, 1.0)


def test_a_channels_last_model_can_be_pruned(model):
    """The chapters' fallback model is trained in channels-last format."""
    channels_last = model.to(memory_format=torch.channels_last)
    pruned = prune_by_magnitude(channels_last, 0.5)
    assert weight_sparsity(pruned) == pytest.approx(0.5, abs=0.01)


def test_fine_tuning_keeps_the_pruned_weights_at_zero(model):
    def finetune(pruned):
        optimizer = torch.optim.SGD(pruned.parameters(), lr=0.1)
        for _ in range(3):
            optimizer.zero_grad()
            pruned.train()
            pruned(torch.rand(8, 1, 28, 28)).sum().backward()
            optimizer.step()

    before = prune_by_magnitude(model, 0.5)
    after = prune_by_magnitude(model, 0.5, finetune)
    assert weight_sparsity(after) == pytest.approx(0.5, abs=0.01)
    assert not any(hasattr(m, "weight_mask") for m in after.modules())
    changed = [not torch.equal(a, b) for a, b in zip(before.parameters(), after.parameters(),
                                                     strict=True)]
    assert any(changed)


def test_distillation_loss_reduces_to_its_two_terms():
    student, teacher = torch.tensor([0.3, -1.0]), torch.tensor([2.0, -0.5])
    labels = torch.tensor([1, 0])
    hard = functional.binary_cross_entropy_with_logits(student, labels.float())
    assert distillation_loss(student, teacher, labels, alpha=0.0) == pytest.approx(float(hard))
    soft = functional.binary_cross_entropy_with_logits(student / 2, torch.sigmoid(teacher / 2))
    assert distillation_loss(student, teacher, labels, 2.0, 1.0) == pytest.approx(4 * float(soft))
    with pytest.raises(ValueError, match="temperature"):
        distillation_loss(student, teacher, labels, temperature=0.0)


def test_nonzero_weight_count_counts_what_pruning_left(model):
    layer = torch.nn.Linear(3, 2)
    with torch.no_grad():
        layer.weight.copy_(torch.tensor([[1.0, 0.0, 2.0], [0.0, 0.0, -3.0]]))
        layer.bias.copy_(torch.tensor([0.0, 5.0]))
    assert nonzero_weight_count(layer) == 4
    pruned = prune_by_magnitude(model, 0.5)
    prunable = sum(m.weight.numel() for m in pruned.modules()
                   if isinstance(m, torch.nn.Conv2d | torch.nn.Linear))
    # the pruned weights were all non-zero before (random conv and linear weights)
    assert nonzero_weight_count(pruned) == nonzero_weight_count(model) - round(0.5 * prunable)


def test_teacher_distillation_feeds_the_teacher_the_same_batch_without_gradients(model):
    batch, labels = torch.rand(4, 1, 28, 28), torch.tensor([1, 0, 1, 1])
    student_logits = torch.randn(4, 1, requires_grad=True)
    loss = teacher_distillation(model, temperature=3.0, alpha=0.25)(student_logits, batch, labels)
    with torch.no_grad():
        expected = distillation_loss(student_logits, model(batch), labels, 3.0, 0.25)
    assert loss.item() == pytest.approx(expected.item())
    loss.backward()
    assert student_logits.grad is not None
    assert all(p.grad is None for p in model.parameters())
    with pytest.raises(ValueError, match="alpha"):
        teacher_distillation(model, alpha=1.5)
