"""Label-noise settings, the GCE search and the label-noise table, with a stand-in for the
training run."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from medlib.metrics.seed_summary import seed_mean_auroc
from medlib.trust.label_noise import (
    gce_q_search,
    label_noise_table,
    noise_settings,
    noisy_labels,
)
from medlib.trust.labels import class_dependent_noise, symmetric_noise


class FakeRuns:
    """Trains nothing: a "model" is the training call's number, and its probabilities are
    a fixed function of it, so every number below can be computed by hand."""

    def __init__(self, n_train=200, n_test=60):
        rng = np.random.default_rng(0)
        self.y = {"train": np.arange(n_train) % 2, "val": np.arange(40) % 2,
                  "test": np.arange(n_test) % 2}
        self.noise = {split: rng.random(len(y)) for split, y in self.y.items()}
        self.calls, self.columns = [], {}

    def train(self, rows, labels, seed, gce_q=0.0):
        self.calls.append({"labels": labels.copy(), "seed": seed, "q": gce_q})
        return len(self.calls)

    def probabilities(self, model, split):
        return np.clip(0.2 * self.y[split] + self.noise[split] * (0.5 + 0.1 * model), 0, 1)

    def threshold_report(self, model, column):
        self.columns[column] = {"test": self.probabilities(model, "test")}
        return {"test AUROC": roc_auc_score(self.y["test"], self.columns[column]["test"]),
                "accuracy at 0.5": 0.1 * model, "predictions_column": column,
                "accuracy, threshold re-fitted": 0.2 * model}


def test_noise_settings_name_the_flip_rates_of_each_class():
    settings = noise_settings([0.2, 0.4], missed_rate=0.3, false_rate=0.05)
    assert settings == {"clean": {}, "symmetric 20%": {0: 0.2, 1: 0.2},
                        "symmetric 40%": {0: 0.4, 1: 0.4},
                        "missed pneumonia 30%": {0: 0.05, 1: 0.3}}
    labels = np.arange(1000) % 2
    assert np.array_equal(noisy_labels(labels, settings["clean"], 1), labels)
    assert np.array_equal(noisy_labels(labels, settings["symmetric 40%"], 1),
                          symmetric_noise(labels, 0.4, 2, 1))
    assert np.array_equal(noisy_labels(labels, settings["missed pneumonia 30%"], 2),
                          class_dependent_noise(labels, {0: 0.05, 1: 0.3}, 2, 2))


def test_gce_search_trains_every_q_and_seed_on_the_same_noisy_labels():
    runs = FakeRuns()
    table, models = gce_q_search(runs, {0: 0.4, 1: 0.4}, [0.3, 0.7], seeds=[5, 6])
    assert [(c["q"], c["seed"]) for c in runs.calls] == [(0.3, 5), (0.3, 6), (0.7, 5), (0.7, 6)]
    assert np.array_equal(runs.calls[0]["labels"], symmetric_noise(runs.y["train"], 0.4, 2, 5))
    assert np.array_equal(runs.calls[0]["labels"], runs.calls[2]["labels"])
    assert models == {0.3: [1, 2], 0.7: [3, 4]}
    expected = np.mean([roc_auc_score(runs.y["val"], runs.probabilities(m, "val")) for m in (3, 4)])
    assert table.loc[0.7, "validation AUROC"] == pytest.approx(expected)


def test_label_noise_table_means_over_seeds_and_reuses_trained_models():
    runs = FakeRuns()
    settings = noise_settings([0.4], missed_rate=0.3, false_rate=0.05)
    losses = {"cross-entropy": 0.0, "GCE, q = 0.7": 0.7}
    table, records = label_noise_table(runs, settings, losses, seeds=[5, 6], n_bootstrap=50,
                                       bootstrap_seed=1,
                                       trained={("symmetric 40%", "GCE, q = 0.7"): [101, 102]})
    assert len(runs.calls) == 3 * 2 * 2 - 2  # the reused pair trains nothing
    assert [c["q"] for c in runs.calls[:4]] == [0.0, 0.0, 0.7, 0.7]
    assert list(table.index) == [(s, loss) for s in settings for loss in losses]
    row = table.loc[("symmetric 40%", "GCE, q = 0.7")]
    assert row["accuracy at 0.5"] == pytest.approx((10.1 + 10.2) / 2)  # models 101 and 102
    y_train = runs.y["train"]
    wrong = [np.mean(symmetric_noise(y_train, 0.4, 2, s) != y_train) for s in (5, 6)]
    assert row["wrong labels"] == pytest.approx(np.mean(wrong))
    ci = seed_mean_auroc(runs.y["test"], [runs.probabilities(m, "test") for m in (101, 102)], 50, 1)
    assert (row["test AUROC"], row["95% CI low"], row["95% CI high"]) == pytest.approx(
        (ci["value"], ci["ci_low"], ci["ci_high"]))
    assert table.loc[("clean", "cross-entropy"), "wrong labels"] == 0
    assert len(records) == 12
    assert records[0]["predictions_column"] == "score_noise clean, cross-entropy, seed 5"
    assert list(records[0])[:4] == ["labels", "loss", "seed", "wrong labels"]
