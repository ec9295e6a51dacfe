"""Smaller and faster variants of a trained classifier (chapter ``efficiency``).

Three standard routes, each with torch's own tools:

- **Post-training int8 quantization** (:func:`quantize_int8`): weights and activations
  stored and computed as 8-bit integers, with scales calibrated on a few hundred training
  images; torch's FX graph-mode workflow fuses conv + batch-norm (+ ReLU) first (Jacob et
  al., 2018). Four times fewer bytes per weight, and integer kernels on x86.
- **Magnitude pruning** (:func:`prune_by_magnitude`): the smallest weights of all conv and
  linear layers together set to zero (global L1 pruning; Han et al., 2015). The tensors
  stay dense, so a dense CPU kernel runs no faster; the zeros pay off only in compressed
  storage or in sparse kernels.
- **Knowledge distillation** (:func:`distillation_loss`, and :func:`teacher_distillation`
  for the training loop): a narrower network trained to match the teacher's softened
  outputs as well as the labels (Hinton et al., 2015).
"""

from __future__ import annotations

import copy
import gzip
import io
import warnings
from collections.abc import Callable

import torch
from torch.nn import functional
from torch.nn.utils import prune


def quantize_int8(model: torch.nn.Module, calibration_images: torch.Tensor) -> torch.nn.Module:
    """An int8 copy of ``model`` (static post-training quantization, x86 backend),
    calibrated on ``calibration_images``; ``model`` itself is left unchanged."""
    with warnings.catch_warnings():
        # torch.ao.quantization works but is deprecated in favour of the separate torchao
        # package (which this book does not pin); its deprecation notices are not news
        # to the reader of a chapter that says so
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.filterwarnings("ignore", ".*(reduce_range|quantized tensor creation)", UserWarning)
        from torch.ao.quantization import get_default_qconfig_mapping
        from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx

        torch.backends.quantized.engine = "x86"
        float_model = copy.deepcopy(model).eval().to(memory_format=torch.contiguous_format)
        example = (calibration_images[:1].contiguous(),)
        prepared = prepare_fx(float_model, get_default_qconfig_mapping("x86"), example)
        with torch.no_grad():
            for start in range(0, len(calibration_images), 256):
                prepared(calibration_images[start : start + 256].contiguous())
        return convert_fx(prepared).eval()


def prunable_weights(model: torch.nn.Module) -> list[tuple[torch.nn.Module, str]]:
    """Every conv and linear weight: what global magnitude pruning ranks together."""
    return [
        (module, "weight")
        for module in model.modules()
        if isinstance(module, torch.nn.Conv2d | torch.nn.Linear)
    ]


def prune_by_magnitude(
    model: torch.nn.Module,
    sparsity: float,
    finetune: Callable[[torch.nn.Module], object] | None = None,
) -> torch.nn.Module:
    """A copy of ``model`` with the ``sparsity`` share of its conv and linear weights with
    the smallest absolute values set to zero. ``finetune(copy)``, if given, trains the copy
    while torch's pruning masks hold the zeros at zero; the masks are then made permanent
    (no hooks left behind). A model in channels-last memory format (as the book trains
    its CNNs) is copied to the contiguous format first: torch's global pruning flattens
    each weight with ``view``, which a channels-last weight does not allow."""
    if not 0 <= sparsity < 1:
        raise ValueError(f"sparsity must be in [0, 1), got {sparsity}")
    pruned = copy.deepcopy(model).to(memory_format=torch.contiguous_format)
    targets = prunable_weights(pruned)
    prune.global_unstructured(targets, pruning_method=prune.L1Unstructured, amount=sparsity)
    if finetune is not None:
        finetune(pruned)
    for module, name in targets:
        prune.remove(module, name)
    return pruned.eval()


def weight_sparsity(model: torch.nn.Module) -> float:
    """Share of exactly-zero values among the conv and linear weights."""
    weights = [getattr(module, name) for module, name in prunable_weights(model)]
    zeros = sum(int((w == 0).sum()) for w in weights)
    return zeros / sum(w.numel() for w in weights)


def nonzero_weight_count(model: torch.nn.Module) -> int:
    """Non-zero values among all of ``model``'s parameters: the weights a pruned model
    really uses (a pruned tensor keeps its zeros in place). Count an int8 copy on its float
    source: its weights are packed, and ``parameters()`` no longer lists them."""
    return int(sum((p != 0).sum() for p in model.parameters()))


def distillation_loss(
    student_logits: torch.Tensor,
    teacher_logits: torch.Tensor,
    labels: torch.Tensor,
    temperature: float = 2.0,
    alpha: float = 0.5,
) -> torch.Tensor:
    """Hinton et al.'s loss for one-logit (binary) models: ``alpha`` times the
    cross-entropy to the teacher's probabilities at ``temperature`` (scaled by T^2 so its
    gradients keep their size as T changes), plus ``1 - alpha`` times the cross-entropy to
    the labels."""
    if temperature <= 0 or not 0 <= alpha <= 1:
        raise ValueError("temperature must be positive and alpha in [0, 1]")
    student, teacher = student_logits.reshape(-1), teacher_logits.reshape(-1)
    soft_targets = torch.sigmoid(teacher / temperature)
    soft = functional.binary_cross_entropy_with_logits(student / temperature, soft_targets)
    hard = functional.binary_cross_entropy_with_logits(student, labels.reshape(-1).float())
    return alpha * temperature**2 * soft + (1 - alpha) * hard


def serialized_bytes(model: torch.nn.Module, compressed: bool = False) -> int:
    """Bytes of ``torch.save(model.state_dict())``: what a deployment ships; with
    ``compressed``, after gzip (where pruning's zeros pay off)."""
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    data = buffer.getvalue()
    return len(gzip.compress(data, compresslevel=6)) if compressed else len(data)


def teacher_distillation(
    teacher: torch.nn.Module, temperature: float = 2.0, alpha: float = 0.5
) -> Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor]:
    """The ``loss_fn(logits, batch, labels)`` of
    :func:`medlib.train.torch_loop.fit_classifier` that distils ``teacher``: the teacher
    sees the same (augmented) batch as the student, without gradients, and
    :func:`distillation_loss` compares the two. ``teacher`` should be in inference mode."""
    if temperature <= 0 or not 0 <= alpha <= 1:
        raise ValueError("temperature must be positive and alpha in [0, 1]")

    def loss(logits: torch.Tensor, batch: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            teacher_logits = teacher(batch)
        return distillation_loss(logits, teacher_logits, labels, temperature, alpha)

    return loss
