"""Seed runs of chapter ``cnn_beyond``: every run reseeded before its model is built, logits
with and without test-time augmentation, scores with the temperature fitted on validation,
and the per-seed, summary and predictions tables built from them."""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd
import pytest
import torch

from medlib.metrics.multiclass import auroc
from medlib.metrics.seeds import auroc_and_accuracy, seed_mean_bootstrap
from medlib.models.cnn_torch import ImprovedCNN
from medlib.train.calibration import fit_temperature
from medlib.train.seed_runs import SeedRuns, TrainedRun, Variant, train_variants
from medlib.train.torch_loop import TrainRecipe, predict_logits, probabilities


def _data(n: int = 16, seed: int = 0):
    rng = np.random.default_rng(seed)
    x = {s: torch.from_numpy(rng.random((n, 1, 28, 28), dtype=np.float32)) for s in
         ("train", "val", "test")}
    y = {s: np.arange(n) % 2 for s in ("train", "val", "test")}
    return x, y


def test_train_variants_reseeds_before_each_build_and_keeps_tta_logits():
    x, y = _data()
    events = []

    def reseed(seed):
        events.append(("seed", seed))
        torch.manual_seed(seed)

    def build():
        events.append(("build",))
        return ImprovedCNN(1, 1, widths=(4, 8, 8))

    recipe = TrainRecipe(epochs=1, batch_size=8, augmentation=None)
    variants = [Variant("full", build, recipe, [3, 4]),
                Variant("plain", build, recipe, [3], post_hoc=False)]
    runs = train_variants(variants, x, y, 2, reseed)
    assert events == [("seed", 3), ("build",), ("seed", 4), ("build",), ("seed", 3), ("build",)]
    assert [(r.variant, r.seed) for r in runs.runs] == [("full", 3), ("full", 4), ("plain", 3)]
    full, plain = runs.of("full")[0], runs.of("plain")[0]
    for split in ("val", "test"):
        np.testing.assert_allclose(full.logits[(split, True)],
                                   predict_logits(full.model, x[split], tta=True), rtol=1e-6)
        np.testing.assert_allclose(full.logits[(split, False)],
                                   predict_logits(full.model, x[split]), rtol=1e-6)
    assert set(plain.logits) == {("val", False), ("test", False)}
    assert list(runs.training_log().columns) == [
        "variant", "seed", "kept epoch", "val AUROC", "training (s)"]
    assert set(runs.learning_curves(3)["variant"]) == {"full", "plain"}


def test_the_same_seed_gives_the_same_run():
    x, y = _data()
    recipe = TrainRecipe(epochs=1, batch_size=8)
    variant = Variant("full", partial(ImprovedCNN, 1, 1, widths=(4, 8, 8)), recipe, [7])
    first, second = (train_variants([variant], x, y, 2, torch.manual_seed) for _ in range(2))
    np.testing.assert_array_equal(first.runs[0].logits[("test", True)],
                                  second.runs[0].logits[("test", True)])


def _synthetic_runs(n_classes: int = 2, n: int = 40) -> SeedRuns:
    rng = np.random.default_rng(1)
    y = {s: np.arange(n) % n_classes for s in ("val", "test")}
    width = 1 if n_classes == 2 else n_classes
    runs = []
    for variant, seeds, post_hoc in (("full", (1, 2, 3), True), ("plain", (1,), False)):
        for seed in seeds:
            logits = {}
            for split in ("val", "test"):
                signal = 3.0 * (np.eye(width)[y[split] % width] if width > 1 else y[split][:, None])
                logits[(split, False)] = (signal + rng.normal(0, 2, (n, width))).astype(np.float32)
                if post_hoc:
                    logits[(split, True)] = logits[(split, False)] + 0.1
            runs.append(TrainedRun(variant, seed, torch.nn.Identity(), None, logits, post_hoc))
    return SeedRuns(runs, y)


def test_scores_fit_the_temperature_on_validation_logits_only():
    runs = _synthetic_runs()
    run = runs.of("full")[0]
    scores, t = runs.scores(run)
    assert t == pytest.approx(fit_temperature(run.logits[("val", True)], runs.y["val"]))
    np.testing.assert_allclose(scores["test"], probabilities(run.logits[("test", True)], t))
    plain_scores, one = runs.scores(run, tta=False, temperature=False)
    assert one == 1.0
    sigmoid = 1 / (1 + np.exp(-run.logits[("val", False)][:, 0].astype(np.float64)))
    np.testing.assert_allclose(plain_scores["val"], sigmoid, rtol=1e-12)


def test_final_scores_follow_the_variant():
    runs = _synthetic_runs()
    plain = runs.of("plain")[0]
    np.testing.assert_array_equal(runs.final(plain)["test"],
                                  probabilities(plain.logits[("test", False)]))
    full = runs.of("full")[1]
    np.testing.assert_array_equal(runs.final(full)["test"], runs.scores(full)[0]["test"])


def test_per_seed_and_summary_agree_with_the_metrics():
    runs = _synthetic_runs()
    per_seed = runs.per_seed("full", auroc_and_accuracy)
    assert list(per_seed.index) == [1, 2, 3]
    assert per_seed.loc[2, "AUROC"] == auroc(runs.y["test"], runs.final(runs.of("full")[1])["test"])
    table = runs.summary("full", auroc_and_accuracy, n_resamples=30, seed=0)
    expected = seed_mean_bootstrap(runs.y["test"], runs.final_scores("full"), auroc_and_accuracy,
                                   n_resamples=30, seed=0)
    pd.testing.assert_frame_equal(table[expected.columns], expected)
    assert table.loc["AUROC", "seed_min"] == per_seed["AUROC"].min()
    assert table.loc["accuracy", "seed_max"] == per_seed["accuracy"].max()


@pytest.mark.parametrize("n_classes", [2, 3])
def test_predictions_have_one_row_per_case_and_one_column_per_run_and_class(n_classes):
    runs = _synthetic_runs(n_classes)
    frame = runs.predictions({"full": "improved", "plain": "seed_cnn"})
    assert len(frame) == 2 * 40
    assert list(frame["split"].unique()) == ["val", "test"]
    suffixes = [""] if n_classes == 2 else [f"_class{k}" for k in range(n_classes)]
    expected = [f"score_improved_seed{s}{c}" for s in (1, 2, 3) for c in suffixes]
    expected += [f"score_seed_cnn_seed1{c}" for c in suffixes]
    assert list(frame.columns) == ["case_id", "split", "true_label", *expected]
    test = frame[frame["split"] == "test"]
    first = runs.final(runs.of("full")[0])["test"]
    np.testing.assert_array_equal(test[expected[0]], first if n_classes == 2 else first[:, 0])
