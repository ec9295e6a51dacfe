"""The privacy audit: fixed membership draws, the attack AUROC and losses the predictions file
holds, and one trained, scored and attacked model per privacy budget."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.metrics import roc_auc_score

from medlib.trust.privacy_audit import MEMBERS, NON_MEMBERS, MembershipAudit, privacy_table
from medlib.trust.scoring import PredictionColumns


class _MeanPixel(torch.nn.Module):
    """One logit: 8 times (mean pixel - 0.5)."""

    def forward(self, x):
        return 8 * (x.mean(dim=(1, 2, 3)) - 0.5)[:, None]


def _splits():
    rng = np.random.default_rng(0)
    train_y, val_y = np.arange(40) % 2, np.arange(12) % 2
    # training images look like their label (low loss), validation images only half as much
    train = torch.tensor(rng.uniform(-0.1, 0.1, (40, 1, 4, 4)) + 0.5 + 0.4 * (train_y - 0.5)
                         [:, None, None, None], dtype=torch.float32)
    val = torch.tensor(rng.uniform(-0.1, 0.1, (12, 1, 4, 4)) + 0.5 + 0.2 * (val_y - 0.5)
                       [:, None, None, None], dtype=torch.float32)
    return train, train_y, val, val_y


def test_draws_are_distinct_reproducible_and_capped_by_the_validation_split():
    audit = MembershipAudit.draw(*_splits(), n_images=20, seed=3)
    again = MembershipAudit.draw(*_splits(), n_images=20, seed=3)
    assert len(set(audit.member_rows)) == 20 and len(audit.nonmember_rows) == 12
    np.testing.assert_array_equal(audit.member_rows, again.member_rows)
    np.testing.assert_array_equal(
        audit.member_rows, np.random.default_rng(3).choice(40, 20, replace=False))


def test_attack_auroc_is_that_of_lower_loss_means_member_and_the_losses_are_kept():
    train, train_y, val, val_y = _splits()
    audit = MembershipAudit.draw(train, train_y, val, val_y, n_images=10, seed=1)
    auroc = audit.attack(_MeanPixel(), "loss_mean pixel")
    logits = torch.cat([_MeanPixel()(train[audit.member_rows]),
                        _MeanPixel()(val[audit.nonmember_rows])])[:, 0]
    labels = torch.tensor(np.r_[train_y[audit.member_rows], val_y[audit.nonmember_rows]],
                          dtype=torch.float32)
    losses = torch.nn.functional.binary_cross_entropy_with_logits(logits, labels,
                                                                  reduction="none").numpy()
    truth = np.r_[np.ones(10), np.zeros(10)]
    assert auroc == pytest.approx(roc_auc_score(truth, -losses)) and auroc > 0.9
    np.testing.assert_allclose(audit.losses["loss_mean pixel"], losses, rtol=1e-6)


def test_frame_lists_members_then_non_members_with_their_labels_and_losses():
    train, train_y, val, val_y = _splits()
    audit = MembershipAudit.draw(train, train_y, val, val_y, n_images=5, seed=2)
    audit.attack(_MeanPixel(), "loss_a")
    frame = audit.frame()
    assert isinstance(frame, pd.DataFrame) and len(frame) == 10
    assert frame["split"].tolist() == [MEMBERS] * 5 + [NON_MEMBERS] * 5
    assert frame["case_id"].tolist() == [*audit.member_rows, *audit.nonmember_rows]
    assert frame["true_label"].tolist() == [*train_y[audit.member_rows],
                                           *val_y[audit.nonmember_rows]]
    assert list(frame.columns) == ["case_id", "split", "true_label", "loss_a"]


def test_privacy_table_trains_scores_and_attacks_one_model_per_budget():
    rng = np.random.default_rng(0)
    labels = np.arange(96) % 2
    images = torch.tensor(rng.uniform(0, 0.3, (96, 1, 28, 28)) + 0.4 * labels[:, None, None, None],
                          dtype=torch.float32)
    train, train_y, test, test_y = images[:64], labels[:64], images[64:], labels[64:]
    scores = PredictionColumns(32)
    audit = MembershipAudit.draw(train, train_y, test, test_y, n_images=16, seed=0)
    reseeds = []
    table = privacy_table([None, 8.0], train, train_y, test, test_y, scores, audit, epochs=2,
                          seed=0, delta=1e-5, n_bootstrap=20,
                          reseed=lambda: reseeds.append(torch.manual_seed(0)), batch_size=16)
    assert table.index.tolist() == ["non-private", "DP-SGD, ε = 8"] and len(reseeds) == 2
    assert math.isinf(table.loc["non-private", "ε spent"])
    assert 0 < table.loc["DP-SGD, ε = 8", "ε spent"] <= 8 * 1.1
    for training, row in table.iterrows():
        kept = scores.columns[f"score_tanh CNN | {training}"]
        assert row["test AUROC"] == pytest.approx(roc_auc_score(test_y, kept))
        assert row["AUROC 95% CI low"] <= row["test AUROC"] <= row["AUROC 95% CI high"]
        losses = audit.losses[f"loss_tanh CNN | {training}"]
        assert row["membership attack AUROC"] == pytest.approx(
            roc_auc_score(np.r_[np.ones(16), np.zeros(16)], -losses))
    assert table.loc["non-private", "test AUROC"] > 0.9  # brightness tells the classes apart
