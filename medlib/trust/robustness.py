"""Adversarial examples and natural corruptions of images (chapter ``robustness``).

Attacks come from captum's ``captum.robust`` (FGSM, Goodfellow et al. 2015; PGD, Madry et
al. 2018), untargeted, in the L-infinity ball of radius ``eps`` around each image and
clipped to valid pixel values [0, 1]. They attack the class-logit view of the model
(:class:`medlib.trust.attributions.ClassLogits`), so cross-entropy on it equals the binary loss
the model was trained with. Adversarial training uses "FGSM with a random start" (Wong et
al., 2020): one PGD step of 1.25 eps from a random point in the ball.

Corruptions follow the spirit of Hendrycks & Dietterich (2019) at three severities:
Gaussian noise, Gaussian blur, lowered contrast and JPEG compression, on uint8 images as the
loader returns them.

:func:`attack_sweep` and :func:`corruption_sweep` build the chapter's two tables: every model
under every attack budget and every corruption, each row's probabilities kept for the
predictions file by :class:`medlib.trust.scoring.PredictionColumns`.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
import torch
from PIL import Image
from scipy.ndimage import gaussian_filter

from medlib.data.convert import to_tensor
from medlib.trust.attributions import ClassLogits
from medlib.trust.captum_quiet import FGSM, PGD
from medlib.trust.scoring import PredictionColumns

#: captum's default attack loss is -log(output), meant for probabilities; the book's
#: models output logits, so the attacks use cross-entropy on the class-logit view.
_cross_entropy = torch.nn.CrossEntropyLoss(reduction="none")
_NO_GRAD_WARNING = "Input Tensor .* did not already require gradients"


def adversarial_images(
    model: torch.nn.Module,
    images: torch.Tensor,
    labels: np.ndarray,
    eps: float,
    steps: int = 0,
    batch_size: int = 256,
) -> torch.Tensor:
    """FGSM (``steps`` = 0) or PGD with ``steps`` steps of eps/4 from a random start."""
    view = ClassLogits(model).eval()
    targets = torch.as_tensor(np.asarray(labels), dtype=torch.long)
    out = []
    for start in range(0, len(images), batch_size):
        batch, target = images[start : start + batch_size], targets[start : start + batch_size]
        if eps == 0:
            out.append(batch)
            continue
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", _NO_GRAD_WARNING)
            if steps == 0:
                attack = FGSM(view, _cross_entropy, lower_bound=0.0, upper_bound=1.0)
                out.append(attack.perturb(batch, eps, target))
            else:
                attack = PGD(view, _cross_entropy, lower_bound=0.0, upper_bound=1.0)
                out.append(
                    attack.perturb(
                        batch,
                        radius=eps,
                        step_size=eps / 4,
                        step_num=steps,
                        target=target,
                        random_start=True,
                    )
                )
    return torch.cat(out).detach()


def fgsm_random_start(
    eps: float,
) -> Callable[[torch.nn.Module, torch.Tensor, torch.Tensor], torch.Tensor]:
    """A batch perturbation for :func:`medlib.train.torch_loop.fit_classifier`'s ``perturb``:
    FGSM from a random start, step 1.25 eps (Wong et al., 2020)."""

    def perturb(model: torch.nn.Module, batch: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        attack = PGD(ClassLogits(model), _cross_entropy, lower_bound=0.0, upper_bound=1.0)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", _NO_GRAD_WARNING)
            return attack.perturb(
                batch,
                radius=eps,
                step_size=1.25 * eps,
                step_num=1,
                target=labels,
                random_start=True,
            ).detach()

    return perturb


def _per_channel(images: np.ndarray, fn: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    if images.ndim == 3:
        return fn(images)
    return np.stack([fn(images[..., c]) for c in range(images.shape[-1])], axis=-1)


def _jpeg(images: np.ndarray, quality: int) -> np.ndarray:
    out = np.empty_like(images)
    for i, image in enumerate(images):
        buffer = io.BytesIO()
        Image.fromarray(image).save(buffer, format="JPEG", quality=quality)
        out[i] = np.asarray(Image.open(io.BytesIO(buffer.getvalue())))
    return out


SEVERITIES: dict[str, tuple[float, float, float]] = {
    "Gaussian noise (sd, of 255)": (10.0, 20.0, 40.0),
    "Gaussian blur (sd, pixels)": (0.5, 1.0, 1.5),
    "contrast (factor)": (0.6, 0.4, 0.2),
    "JPEG (quality)": (40, 20, 10),
}


def corrupt(images: np.ndarray, kind: str, severity: int, seed: int = 0) -> np.ndarray:
    """``images`` (uint8, ``(n, h, w)`` or ``(n, h, w, c)``) corrupted by ``kind`` (a key
    of :data:`SEVERITIES`) at ``severity`` 1, 2 or 3."""
    if kind not in SEVERITIES:
        raise ValueError(f"unknown corruption {kind!r}; choose from {list(SEVERITIES)}")
    if severity not in (1, 2, 3):
        raise ValueError(f"severity must be 1, 2 or 3, got {severity}")
    level = SEVERITIES[kind][severity - 1]
    x = images.astype(np.float64)
    if kind.startswith("Gaussian noise"):
        x = x + np.random.default_rng(seed).normal(0, level, x.shape)
    elif kind.startswith("Gaussian blur"):
        x = _per_channel(x, lambda a: gaussian_filter(a, sigma=(0, level, level)))
    elif kind.startswith("contrast"):
        mean = x.mean(axis=tuple(range(1, x.ndim)), keepdims=True)
        x = (x - mean) * level + mean
    else:
        return _jpeg(images, int(level))
    return np.clip(np.rint(x), 0, 255).astype(np.uint8)


def attack_sweep(
    models: Mapping[str, torch.nn.Module],
    images: torch.Tensor,
    labels: np.ndarray,
    budgets: Sequence[int],
    pgd_steps: int,
    scores: PredictionColumns,
    rows: np.ndarray | None = None,
    reseed: Callable[[], None] = lambda: None,
) -> pd.DataFrame:
    """Test AUROC and accuracy of every model on ``images`` unattacked and under FGSM and
    PGD with ``pgd_steps`` steps at every budget (in grey levels: eps = budget / 255).

    One row per model, attack and budget (``attack`` "none" at budget 0), naming the
    column of ``scores`` that holds its probabilities (``score_<model> | <attack>, ε =
    <budget>/255``), as the test cases ``rows``. ``reseed`` runs before every attack, so that
    each PGD random start is drawn from the same state whatever ran before it.
    """
    out = []
    for model_name, model in models.items():
        for eps in [0, *budgets]:
            for attack, steps in (("FGSM", 0), (f"PGD-{pgd_steps}", pgd_steps)):
                if eps == 0 and steps:
                    continue
                reseed()
                adv = adversarial_images(model, images, labels, eps / 255, steps)
                condition = f"{attack}, ε = {eps}/255" if eps else "no attack"
                column = f"score_{model_name} | {condition}"
                out.append({"model": model_name, "attack": "none" if eps == 0 else attack,
                            "eps (/255)": eps, **scores.score(model, adv, labels, column, rows),
                            "predictions_column": column})
    return pd.DataFrame(out)


def corruption_sweep(
    models: Mapping[str, torch.nn.Module],
    images: np.ndarray,
    labels: np.ndarray,
    scores: PredictionColumns,
    seed: int,
) -> pd.DataFrame:
    """Test AUROC and accuracy of every model on the uint8 ``images``, clean (severity 0)
    and under every corruption of :data:`SEVERITIES` at severities 1 to 3 (noise drawn with
    ``seed``); one row per corruption, severity and model, naming its column of ``scores``
    (``score_<model> | <corruption>, severity <s>``, or ``| clean``)."""
    out = []
    for kind in SEVERITIES:
        for severity in (0, 1, 2, 3):
            corrupted = images if severity == 0 else corrupt(images, kind, severity, seed)
            for model_name, model in models.items():
                condition = f"{kind}, severity {severity}" if severity else "clean"
                column = f"score_{model_name} | {condition}"
                out.append({"corruption": kind, "severity": severity, "model": model_name,
                            **scores.score(model, to_tensor(corrupted), labels, column),
                            "predictions_column": column})
    return pd.DataFrame(out)
