"""Membership inference and differentially private training (chapter ``robustness``).

Membership inference asks whether a given X-ray was in the training set: a privacy harm
when membership itself is sensitive (a patient was treated at this hospital, for this
disease). The loss-threshold attack of Yeom et al. (2018) needs only the model's loss on
the image: training images tend to have lower loss. Its AUROC over members and
non-members from the same distribution measures the leak (0.5: none).

DP-SGD (Abadi et al., 2016) bounds that leak for every possible attack: each example's
gradient is clipped to ``max_grad_norm`` and Gaussian noise is added to the sum, with the
noise calibrated by opacus so that the whole training run is (epsilon, delta)-differentially
private. The price is accuracy, which the chapter measures. The defaults (SGD with momentum
0.9, learning rate 0.1, batch 256, clipping norm 1) are those under which the small
:class:`medlib.models.tanh_cnn.TanhCNN` learns under DP-SGD on PneumoniaMNIST; Adam at
1e-3 on the 225,793-weight seed CNN did not learn at all within the chapter's budget.
"""

from __future__ import annotations

import warnings

import numpy as np
import torch
from sklearn.metrics import roc_auc_score
from torch.nn import functional
from torch.utils.data import DataLoader, TensorDataset

from medlib.train.torch_loop import predict_logits, train_epochs

#: opacus's default accountant (PRV, Gopi et al. 2021) sizes its numerical grid with a
#: loose Renyi-DP bound, whose search over orders may end at its largest order; the warning
#: says that bound could be tighter, which only makes the grid wider, not epsilon larger.
_PRV_DOMAIN_WARNING = "Optimal order is the largest alpha"


def per_example_loss(
    model: torch.nn.Module, images: torch.Tensor, labels: np.ndarray
) -> np.ndarray:
    """Binary cross-entropy of a one-logit model on each image, in inference mode."""
    logits = torch.as_tensor(predict_logits(model, images)[:, 0])
    target = torch.as_tensor(np.asarray(labels), dtype=torch.float32)
    return functional.binary_cross_entropy_with_logits(logits, target, reduction="none").numpy()


def loss_threshold_attack_auroc(member_losses: np.ndarray, nonmember_losses: np.ndarray) -> float:
    """AUROC of "lower loss means member" (Yeom et al., 2018); 0.5 means no leak."""
    truth = np.r_[np.ones(len(member_losses)), np.zeros(len(nonmember_losses))]
    return float(roc_auc_score(truth, -np.r_[member_losses, nonmember_losses]))


def fit_private(
    model: torch.nn.Module,
    images: torch.Tensor,
    labels: np.ndarray,
    epochs: int,
    seed: int,
    target_epsilon: float | None,
    delta: float = 1e-5,
    max_grad_norm: float = 1.0,
    batch_size: int = 256,
    learning_rate: float = 0.1,
    momentum: float = 0.9,
) -> float:
    """Train a one-logit ``model`` in place with SGD and momentum, with DP-SGD through opacus
    when ``target_epsilon`` is given (else the same loop without clipping or noise), so that
    the two differ only by privacy. Returns the epsilon spent (infinity for the non-private
    run).

    The epochs run in the shared torch loop (:func:`medlib.train.torch_loop.train_epochs`);
    opacus only swaps what it is given: the model for one that records per-example
    gradients, the optimiser for one that clips and noises them, the loader for Poisson
    sampling. No epoch is selected (the function is given no validation data): the model
    is left holding the last epoch's weights.

    The model must hold no batch normalisation (it mixes examples, which DP-SGD forbids);
    opacus's validator says so when it does.
    """
    from opacus import PrivacyEngine
    from opacus.validators import ModuleValidator

    errors = ModuleValidator.validate(model, strict=False)
    if errors:
        raise ValueError(f"this model cannot be trained with DP-SGD: {errors[0]}")
    torch.manual_seed(seed)
    dataset = TensorDataset(images, torch.as_tensor(np.asarray(labels), dtype=torch.float32))
    loader = DataLoader(
        dataset, batch_size=batch_size, shuffle=True, generator=torch.Generator().manual_seed(seed)
    )
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate, momentum=momentum)
    engine = None
    if target_epsilon is not None:
        with warnings.catch_warnings():  # opacus warns that secure_mode is off (a test setting)
            warnings.simplefilter("ignore")
            engine = PrivacyEngine()
            model, optimizer, loader = engine.make_private_with_epsilon(
                module=model,
                optimizer=optimizer,
                data_loader=loader,
                epochs=epochs,
                target_epsilon=target_epsilon,
                target_delta=delta,
                max_grad_norm=max_grad_norm,
            )

    def batches():
        # Poisson sampling can draw an empty batch
        return ((batch, target) for batch, target in loader if len(batch))

    def loss(batch: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return functional.binary_cross_entropy_with_logits(model(batch)[:, 0], target)

    with warnings.catch_warnings():
        # opacus's per-sample-gradient hooks warn that images do not require gradients
        # (they need not: only the weights' gradients are used)
        warnings.filterwarnings("ignore", "Full backward hook is firing", UserWarning)
        train_epochs(model, optimizer, epochs, batches, loss)
    model.eval()
    if engine is None:
        return float("inf")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", _PRV_DOMAIN_WARNING, UserWarning)
        return float(engine.get_epsilon(delta))
