"""The privacy audit of chapter ``robustness``: the same network trained with and without
DP-SGD, each run scored on the test set and attacked for membership on the same images.

The chapter attacks every model it trains, private or not, with the loss-threshold attack of
:mod:`medlib.trust.privacy`, always on the same members (training images) and non-members
(validation images, from the same pool, so that the attack cannot win by telling two
distributions apart). :class:`MembershipAudit` draws those images once and keeps each
model's per-image losses for the predictions file, from which ``tests/test_predictions.py``
recomputes every attack AUROC. :func:`privacy_table` trains, scores and attacks one model
per privacy budget, so that the rows differ by privacy alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import torch

from medlib.metrics.multiclass import auroc_with_ci
from medlib.models.tanh_cnn import TanhCNN
from medlib.train.torch_loop import predict_logits, probabilities
from medlib.trust.privacy import fit_private, loss_threshold_attack_auroc, per_example_loss
from medlib.trust.scoring import PredictionColumns

#: The ``split`` of the attack's rows in the predictions file.
MEMBERS = "membership: member (training image)"
NON_MEMBERS = "membership: non-member (validation image)"


@dataclass
class MembershipAudit:
    """Members and non-members of the attack, by their rows in the training and validation
    splits, and each attacked model's losses on them (members first)."""

    train_images: torch.Tensor
    train_labels: np.ndarray
    val_images: torch.Tensor
    val_labels: np.ndarray
    member_rows: np.ndarray
    nonmember_rows: np.ndarray
    losses: dict[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def draw(
        cls,
        train_images: torch.Tensor,
        train_labels: np.ndarray,
        val_images: torch.Tensor,
        val_labels: np.ndarray,
        n_images: int,
        seed: int,
    ) -> MembershipAudit:
        """``n_images`` members drawn without replacement with ``seed``, as many non-members
        (at most the whole validation split) with ``seed + 1``."""
        members = np.random.default_rng(seed).choice(len(train_labels), n_images, replace=False)
        nonmembers = np.random.default_rng(seed + 1).choice(
            len(val_labels), min(n_images, len(val_labels)), replace=False
        )
        return cls(train_images, train_labels, val_images, val_labels, members, nonmembers)

    def attack(self, model: torch.nn.Module, column: str) -> float:
        """AUROC of the loss-threshold attack on a one-logit ``model`` (0.5: no leak); its
        per-image losses are kept as ``column``."""
        members = per_example_loss(model, self.train_images[self.member_rows],
                                   self.train_labels[self.member_rows])
        nonmembers = per_example_loss(model, self.val_images[self.nonmember_rows],
                                      self.val_labels[self.nonmember_rows])
        self.losses[column] = np.r_[members, nonmembers]
        return loss_threshold_attack_auroc(members, nonmembers)

    def frame(self) -> pd.DataFrame:
        """The attack's part of the predictions file: ``case_id`` (the row in its split),
        ``split`` (:data:`MEMBERS` or :data:`NON_MEMBERS`), ``true_label`` and one loss
        column per attacked model."""
        return pd.DataFrame({
            "case_id": np.r_[self.member_rows, self.nonmember_rows],
            "split": [MEMBERS] * len(self.member_rows) + [NON_MEMBERS] * len(self.nonmember_rows),
            "true_label": np.r_[self.train_labels[self.member_rows],
                                self.val_labels[self.nonmember_rows]],
            **self.losses,
        })


def privacy_table(
    budgets: Sequence[float | None],
    train_images: torch.Tensor,
    train_labels: np.ndarray,
    test_images: torch.Tensor,
    test_labels: np.ndarray,
    scores: PredictionColumns,
    audit: MembershipAudit,
    epochs: int,
    seed: int,
    delta: float,
    n_bootstrap: int,
    reseed: Callable[[], None] = lambda: None,
    **fit_options: float,
) -> pd.DataFrame:
    """One :class:`~medlib.models.tanh_cnn.TanhCNN` trained by
    :func:`medlib.trust.privacy.fit_private` per budget (``None``: without privacy, else the
    target epsilon at ``delta``), all from ``seed`` after ``reseed``, indexed by ``training``.

    Columns: the epsilon spent, the test AUROC with its 95% CI (bootstrap over the test
    cases, ``n_bootstrap`` resamples) and accuracy at 0.5 (probabilities kept in ``scores``
    as ``score_tanh CNN | <training>``), and the membership attack AUROC of ``audit`` (losses
    kept as ``loss_tanh CNN | <training>``). ``fit_options`` go to ``fit_private``.
    """
    rows = []
    for budget in budgets:
        training = "non-private" if budget is None else f"DP-SGD, ε = {budget:g}"
        reseed()
        model = TanhCNN(train_images.shape[1], 1)
        spent = fit_private(model, train_images, train_labels, epochs, seed, budget,
                            delta=delta, **fit_options)
        interval = auroc_with_ci(test_labels, probabilities(predict_logits(model, test_images)),
                                 n_bootstrap, seed)
        test = scores.score(model, test_images, test_labels, f"score_tanh CNN | {training}")
        rows.append({"training": training, "ε spent": spent, "test AUROC": test["AUROC"],
                     "test accuracy": test["accuracy"],
                     "AUROC 95% CI low": interval["ci_low"],
                     "AUROC 95% CI high": interval["ci_high"],
                     "membership attack AUROC": audit.attack(model,
                                                             f"loss_tanh CNN | {training}")})
    return pd.DataFrame(rows).set_index("training")
