"""Ablation rows of chapter ``cnn_beyond``: each compared with the full recipe's run of the
same seed, and temperature scaling's effect on calibration, checked against the metrics
computed by hand from the same logits."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from medlib.metrics.multiclass import accuracy, auroc, task_metrics
from medlib.train.ablation import AFTER, BEFORE, AblationRow, ablation_table, temperature_effect
from medlib.train.calibration import fit_temperature
from medlib.train.seed_runs import SeedRuns, TrainedRun
from medlib.train.torch_loop import probabilities


def _runs(n: int = 60) -> SeedRuns:
    rng = np.random.default_rng(4)
    y = {s: np.arange(n) % 2 for s in ("val", "test")}
    runs = []
    for variant, seeds, noise in (("full", (10, 11), 1.5), ("weaker", (11,), 4.0)):
        for seed in seeds:
            logits = {}
            for split in ("val", "test"):
                plain = 2.0 * y[split][:, None] - 1 + rng.normal(0, noise, (n, 1))
                logits[(split, False)] = plain
                logits[(split, True)] = 0.5 * plain + rng.normal(0, 0.5, (n, 1))
            runs.append(TrainedRun(variant, seed, torch.nn.Identity(), None, logits))
    return SeedRuns(runs, y)


def _test_scores(run: TrainedRun, y_val: np.ndarray, tta: bool = True, temperature: bool = True):
    t = fit_temperature(run.logits[("val", tta)], y_val) if temperature else 1.0
    return probabilities(run.logits[("val", tta)], t), probabilities(run.logits[("test", tta)], t)


def test_a_single_seed_row_is_compared_with_the_full_run_of_its_seed():
    runs = _runs()
    table = ablation_table(runs, "full", [AblationRow("full recipe", "full"),
                                          AblationRow("weaker", "weaker")])
    assert list(table.index) == ["full recipe", "weaker"]
    assert table.loc["full recipe", "seeds"] == 2 and table.loc["weaker", "seeds"] == 1
    assert table.loc["full recipe", "Δ test AUROC"] == 0
    assert table.loc["full recipe", "Δ test accuracy"] == 0
    y = runs.y["test"]
    val, test = _test_scores(runs.of("weaker")[0], runs.y["val"])
    _, reference = _test_scores(runs.of("full")[1], runs.y["val"])  # seed 11, not seed 10
    assert table.loc["weaker", "test AUROC"] == pytest.approx(auroc(y, test))
    assert table.loc["weaker", "val accuracy"] == pytest.approx(accuracy(runs.y["val"], val))
    assert table.loc["weaker", "Δ test AUROC"] == pytest.approx(
        auroc(y, test) - auroc(y, reference))
    assert table.loc["weaker", "Δ test accuracy"] == pytest.approx(
        accuracy(y, test) - accuracy(y, reference))
    assert table.loc["weaker", "test ECE"] == pytest.approx(task_metrics(y, test)["ece"])


def test_post_hoc_rows_average_every_seed_of_the_full_recipe():
    runs = _runs()
    table = ablation_table(runs, "full", [AblationRow("− tta", "full", tta=False),
                                          AblationRow("− T", "full", temperature=False)])
    y = runs.y["test"]
    no_tta = [_test_scores(r, runs.y["val"], tta=False)[1] for r in runs.of("full")]
    no_t = [_test_scores(r, runs.y["val"], temperature=False)[1] for r in runs.of("full")]
    assert table.loc["− tta", "test AUROC"] == pytest.approx(np.mean([auroc(y, s) for s in no_tta]))
    assert table.loc["− T", "test Brier"] == pytest.approx(
        np.mean([task_metrics(y, s)["brier"] for s in no_t]))
    # temperature scaling never changes a ranking
    assert table.loc["− T", "Δ test AUROC"] == pytest.approx(0, abs=1e-12)


def test_temperature_effect_reports_t_one_before_and_the_fitted_t_after():
    runs = _runs()
    table = temperature_effect(runs, "full")
    assert list(table.index) == [("val", BEFORE), ("test", BEFORE), ("val", AFTER), ("test", AFTER)]
    assert table.loc[("test", BEFORE), "T"] == 1.0
    fitted = [fit_temperature(r.logits[("val", True)], runs.y["val"]) for r in runs.of("full")]
    assert table.loc[("val", AFTER), "T"] == pytest.approx(np.mean(fitted))
    eces = [task_metrics(runs.y["val"], _test_scores(r, runs.y["val"])[0])["ece"]
            for r in runs.of("full")]
    assert table.loc[("val", AFTER), "ECE"] == pytest.approx(np.mean(eces))
