"""Attacks stay in their budget and hurt more than random noise; corruptions are bounded;
every scored condition keeps the probabilities its AUROC and accuracy come from."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.metrics import accuracy_score, roc_auc_score

from medlib.models.cnn_torch import ImprovedCNN
from medlib.trust.robustness import (
    SEVERITIES,
    adversarial_images,
    attack_sweep,
    corrupt,
    corruption_sweep,
    fgsm_random_start,
)
from medlib.trust.scoring import PredictionColumns


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


def test_scored_conditions_report_sklearn_metrics_of_the_kept_probabilities():
    model, images, labels = _model_and_data()
    scores = PredictionColumns(16)
    rows = np.array([1, 4, 6, 9, 12, 15])
    part = scores.score(model, images[rows], labels[rows], "score_a | attacked", rows)
    whole = scores.score(model, images, labels, "score_a | clean")
    with torch.no_grad():
        p = torch.sigmoid(model(images)[:, 0].double()).numpy()
    assert whole["AUROC"] == pytest.approx(roc_auc_score(labels, p))
    assert whole["accuracy"] == pytest.approx(accuracy_score(labels, p >= 0.5))
    assert part["AUROC"] == pytest.approx(roc_auc_score(labels[rows], p[rows]))
    kept = scores.columns["score_a | attacked"]
    assert np.isnan(np.delete(kept, rows)).all()
    np.testing.assert_allclose(kept[rows], p[rows], rtol=1e-6)
    frame = scores.frame(labels)
    assert list(frame.columns) == ["case_id", "split", "true_label", "score_a | attacked",
                                   "score_a | clean"]
    assert (frame["split"] == "test").all() and frame["case_id"].tolist() == list(range(16))
    assert scores.score(model, images, labels) == whole  # no column: nothing kept
    assert len(scores.columns) == 2


def test_attack_sweep_scores_each_model_clean_then_fgsm_and_pgd_at_each_budget():
    model, images, labels = _model_and_data()
    rows = np.arange(16)
    reseeds = []

    def reseed():
        reseeds.append(1)
        torch.manual_seed(7)

    scores = PredictionColumns(16)
    table = attack_sweep({"m": model}, images, labels, [8], 2, scores, rows, reseed)
    assert table[["attack", "eps (/255)"]].values.tolist() == [["none", 0], ["FGSM", 8],
                                                               ["PGD-2", 8]]
    assert len(reseeds) == 3
    assert table["predictions_column"].tolist() == [
        "score_m | no attack", "score_m | FGSM, ε = 8/255", "score_m | PGD-2, ε = 8/255"]
    assert set(table["predictions_column"]) == set(scores.columns)
    torch.manual_seed(7)
    pgd = adversarial_images(model, images, labels, 8 / 255, 2)
    expected = PredictionColumns(16).score(model, pgd, labels)
    assert table.iloc[2]["AUROC"] == expected["AUROC"]  # the same random start
    assert table.iloc[0]["AUROC"] > table.iloc[2]["AUROC"]


def test_corruption_sweep_scores_clean_and_every_corruption_at_each_severity():
    model, _, labels = _model_and_data()
    images = np.random.default_rng(2).integers(0, 256, (16, 28, 28), dtype=np.uint8)
    scores = PredictionColumns(16)
    table = corruption_sweep({"m": model}, images, labels, scores, seed=3)
    assert len(table) == 4 * len(SEVERITIES)
    assert (table.loc[table["severity"] == 0, "predictions_column"] == "score_m | clean").all()
    row = table[(table["corruption"] == "JPEG (quality)") & (table["severity"] == 3)].iloc[0]
    expected = PredictionColumns(16).score(
        model, torch.as_tensor(corrupt(images, "JPEG (quality)", 3, 3)[:, None] / 255.0,
                               dtype=torch.float32), labels)
    assert row["AUROC"] == pytest.approx(expected["AUROC"])
    assert row["predictions_column"] == "score_m | JPEG (quality), severity 3"
    assert len(scores.columns) == 1 + 3 * len(SEVERITIES)
