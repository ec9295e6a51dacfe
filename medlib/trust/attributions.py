"""Attribution maps and the sanity checks of Adebayo et al. (2018) (chapter
``interpretability``).

Three captum methods from three families: Grad-CAM (class-activation maps from the last
convolutional stage's gradients; Selvaraju et al., 2017), Integrated Gradients (path
integral of input gradients from a black baseline; Sundararajan et al., 2017) and Occlusion
(the change of the output when a 4 x 4 patch is blacked out; Zeiler & Fergus, 2014). Every
method explains the logit of the class asked for, through :class:`ClassLogits`.

A map that does not change when the model's weights are randomised, or when the model was
trained on random labels, cannot be explaining what the model learned. The sanity checks
below measure that change as the similarity of maps before and after (Spearman rank
correlation of absolute values, and SSIM); high similarity after randomisation is a
failure: the chapter's rule is a rank correlation above :data:`SANITY_THRESHOLD`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import torch
from scipy.stats import spearmanr
from torch import nn
from torchmetrics.functional.image import structural_similarity_index_measure

from medlib.trust.captum_quiet import IntegratedGradients, LayerAttribution, LayerGradCam, Occlusion

#: An attribution method: (model, images (n, c, h, w), classes (n,)) -> maps (n, h, w).
Explainer = Callable[[nn.Module, torch.Tensor, torch.Tensor], np.ndarray]


class ClassLogits(nn.Module):
    """One logit per class for any of the book's classifiers, so that every method can
    explain the class the model *called*.

    A binary model has one logit z for the positive class; its two-class view is
    ``(-z/2, z/2)``, whose softmax is exactly ``(1 - sigmoid(z), sigmoid(z))``. Explaining
    class 0 then means explaining what *lowers* z, which a ReLU-ed Grad-CAM of z alone
    would discard.
    """

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    @property
    def last_stage(self) -> nn.Module:
        """Grad-CAM's layer: the last residual stage of the wrapped CNN."""
        if hasattr(self.model, "blocks"):
            return self.model.blocks[-1]
        raise TypeError(f"{type(self.model).__name__} has no 'blocks' for Grad-CAM")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        logits = self.model(x)
        if logits.shape[1] == 1:
            return torch.cat([-logits / 2, logits / 2], dim=1)
        return logits


def grad_cam(model: ClassLogits, images: torch.Tensor, targets: torch.Tensor) -> np.ndarray:
    """Grad-CAM on the last residual stage, upsampled bilinearly to the image size."""
    model.eval()
    cam = LayerGradCam(model, model.last_stage).attribute(
        images, target=targets, relu_attributions=True
    )
    upsampled = LayerAttribution.interpolate(cam, tuple(images.shape[-2:]), "bilinear")
    return upsampled.sum(dim=1).detach().numpy()


def integrated_gradients(
    model: nn.Module, images: torch.Tensor, targets: torch.Tensor, n_steps: int = 32
) -> np.ndarray:
    """Integrated Gradients from an all-black baseline, summed over channels."""
    model.eval()
    attributions = IntegratedGradients(model).attribute(
        images,
        baselines=torch.zeros_like(images),
        target=targets,
        n_steps=n_steps,
        internal_batch_size=256,
    )
    return attributions.sum(dim=1).detach().numpy()


def occlusion(
    model: nn.Module, images: torch.Tensor, targets: torch.Tensor, patch: int = 4, stride: int = 2
) -> np.ndarray:
    """Occlusion with a black ``patch`` x ``patch`` window moved by ``stride`` pixels."""
    model.eval()
    channels = images.shape[1]
    with torch.no_grad():
        attributions = Occlusion(model).attribute(
            images,
            sliding_window_shapes=(channels, patch, patch),
            strides=(channels, stride, stride),
            baselines=0.0,
            target=targets,
            perturbations_per_eval=64,
        )
    return attributions.sum(dim=1).numpy()


METHODS: dict[str, Explainer] = {
    "Grad-CAM": grad_cam,
    "Integrated Gradients": integrated_gradients,
    "Occlusion": occlusion,
}


def _unit_range(maps: np.ndarray) -> np.ndarray:
    flat = maps.reshape(len(maps), -1)
    low, high = flat.min(axis=1, keepdims=True), flat.max(axis=1, keepdims=True)
    return ((flat - low) / np.where(high > low, high - low, 1.0)).reshape(maps.shape)


def map_similarity(before: np.ndarray, after: np.ndarray) -> dict[str, float]:
    """Mean over images of the Spearman rank correlation of |maps| and of the SSIM of
    |maps| scaled to [0, 1] (Adebayo et al., 2018 use both)."""
    a, b = np.abs(before), np.abs(after)
    rho = []
    for x, y in zip(a.reshape(len(a), -1), b.reshape(len(b), -1), strict=True):
        value = spearmanr(x, y).statistic if x.std() > 0 and y.std() > 0 else 0.0
        rho.append(float(value))
    ssim = structural_similarity_index_measure(
        torch.from_numpy(_unit_range(a)[:, None]).double(),
        torch.from_numpy(_unit_range(b)[:, None]).double(),
        data_range=1.0,
        reduction="none",
    )
    return {"spearman": float(np.mean(rho)), "ssim": float(ssim.mean())}


def cascading_randomisation(
    model: nn.Module, layer_names: Sequence[str], seed: int = 0
) -> list[tuple[str, nn.Module]]:
    """Copies of ``model`` with its layers re-initialised cumulatively, in the order given
    (top, the output layer, first): ``[(name, model with name and all before it random)]``.

    Re-initialisation uses each layer's own ``reset_parameters`` under a fixed seed.
    """
    modules = dict(model.named_modules())
    unknown = [name for name in layer_names if name not in modules]
    if unknown:
        raise ValueError(
            f"no such layers: {unknown}; choose from {sorted(n for n in modules if n)}"
        )
    randomised, current = [], copy.deepcopy(model)
    torch.manual_seed(seed)
    for name in layer_names:
        current = copy.deepcopy(current)
        for module in dict(current.named_modules())[name].modules():
            if hasattr(module, "reset_parameters"):
                module.reset_parameters()
        randomised.append((name, current))
    return randomised


#: A method fails a sanity check when its maps of the randomised model still rank-correlate
#: above this with the trained model's (the rule chapter ``interpretability`` states).
SANITY_THRESHOLD = 0.5


def choose_explained(
    called: np.ndarray, truth: np.ndarray, n: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the test images to explain: up to ``n // 2`` misclassified ones and the
    rest correct ones, drawn without replacement (wrong ones first) from one generator
    seeded with ``seed``. Returns ``(correct, wrong)``; maps are most useful, and most
    dangerous, on the errors, so the chapter shows both."""
    correct = np.flatnonzero(called == truth)
    wrong = np.flatnonzero(called != truth)
    rng = np.random.default_rng(seed)
    chosen_wrong = rng.choice(wrong, min(n // 2, len(wrong)), replace=False)
    chosen_right = rng.choice(correct, n - len(chosen_wrong), replace=False)
    return chosen_right, chosen_wrong


def attribution_maps(
    model: nn.Module, images: torch.Tensor, targets: torch.Tensor
) -> dict[str, np.ndarray]:
    """The maps of every method in :data:`METHODS` for ``images``, explaining ``targets``
    through :class:`ClassLogits` of ``model``."""
    explainer = ClassLogits(model).eval()
    return {name: method(explainer, images, targets) for name, method in METHODS.items()}


def _similarity_rows(
    maps: dict[str, np.ndarray], model: nn.Module, images: torch.Tensor, targets: torch.Tensor
) -> list[tuple[str, dict[str, float]]]:
    explainer = ClassLogits(model).eval()
    return [
        (name, map_similarity(maps[name], method(explainer, images, targets)))
        for name, method in METHODS.items()
    ]


def verdicts(spearman: pd.Series | np.ndarray) -> np.ndarray:
    """The sanity check's verdict per method: "fails" where the rank correlation with the
    trained model's maps exceeds :data:`SANITY_THRESHOLD`, else "passes"."""
    return np.where(np.asarray(spearman) > SANITY_THRESHOLD, "fails", "passes")


def similarity_to(
    maps: dict[str, np.ndarray], model: nn.Module, images: torch.Tensor, targets: torch.Tensor
) -> pd.DataFrame:
    """How similar ``model``'s maps (one per method of :data:`METHODS`) are to ``maps``:
    a frame indexed by method with ``spearman``, ``ssim`` and the ``verdict`` of the sanity
    check (the label-randomisation check compares a model trained on shuffled labels)."""
    rows = [{"method": name, **sim} for name, sim in _similarity_rows(maps, model, images, targets)]
    table = pd.DataFrame(rows).set_index("method")
    table["verdict"] = verdicts(table["spearman"])
    return table


def cascade_similarity(
    model: nn.Module,
    maps: dict[str, np.ndarray],
    images: torch.Tensor,
    targets: torch.Tensor,
    layer_names: Sequence[str],
    seed: int = 0,
) -> pd.DataFrame:
    """The cascading randomisation check: for each step of :func:`cascading_randomisation`
    and each method, the similarity of the randomised model's maps to ``maps``, one row per
    (``method``, ``randomised up to``) with ``spearman`` and ``ssim``."""
    rows = []
    for layer, randomised in cascading_randomisation(model, layer_names, seed=seed):
        rows.extend(
            {"method": name, "randomised up to": layer, **sim}
            for name, sim in _similarity_rows(maps, randomised, images, targets)
        )
    return pd.DataFrame(rows)


def failing_methods(*checks: pd.DataFrame) -> list[str]:
    """Methods of :data:`METHODS` whose ``spearman`` exceeds :data:`SANITY_THRESHOLD` in
    any of ``checks`` (frames indexed by method), in the order of :data:`METHODS`."""
    return [
        name
        for name in METHODS
        if any(check.loc[name, "spearman"] > SANITY_THRESHOLD for check in checks)
    ]
