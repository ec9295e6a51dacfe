"""Wrong labels, a loss that tolerates them, and a threshold that undoes them (chapter
``labelling``).

The chapter trains the tanh CNN on the full training split with labels corrupted in two
ways: *symmetric* noise flips a share of all labels, *class-dependent* noise mimics a reader
who misses pneumonia and rarely over-calls it (:func:`noise_settings`). Against it stand the
generalised cross-entropy (GCE; Zhang & Sabuncu, 2018), whose exponent q is chosen on the
clean validation split (:func:`gce_q_search`), and a decision threshold re-fitted on that
split. :func:`label_noise_table` runs every setting with both losses over several seeds and
reports the mean over seeds with the 95% CI of the mean AUROC (bootstrap over test cases).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

import numpy as np
import pandas as pd

from medlib.metrics.multiclass import auroc
from medlib.metrics.seed_summary import seed_mean_auroc
from medlib.trust.labels import class_dependent_noise

MEANS = ("wrong labels", "accuracy at 0.5", "accuracy, threshold re-fitted")


class Runs(Protocol):
    """What these functions need of :class:`medlib.trust.label_runs.LabelRuns`."""

    y: dict[str, np.ndarray]
    columns: dict[str, dict[str, np.ndarray]]

    def train(self, rows: np.ndarray, labels: np.ndarray, seed: int, gce_q: float = 0.0): ...

    def probabilities(self, model, split: str) -> np.ndarray: ...

    def threshold_report(self, model, column: str) -> dict: ...


def noise_settings(
    symmetric_rates: Sequence[float], missed_rate: float, false_rate: float
) -> dict[str, dict[int, float]]:
    """The chapter's label settings by name, each as the probability that a label of class
    0 (normal) or 1 (pneumonia) is flipped: "clean", "symmetric <rate>" for every rate, and
    "missed pneumonia <rate>" (pneumonia labelled normal at ``missed_rate``, normal labelled
    pneumonia at ``false_rate``)."""
    return {
        "clean": {},
        **{f"symmetric {rate:.0%}": {0: rate, 1: rate} for rate in symmetric_rates},
        f"missed pneumonia {missed_rate:.0%}": {0: false_rate, 1: missed_rate},
    }


def noisy_labels(labels: np.ndarray, flip_rates: Mapping[int, float], seed: int) -> np.ndarray:
    """Binary ``labels`` with each label of class k flipped with probability
    ``flip_rates[k]`` (none where absent), drawn from ``seed``."""
    return class_dependent_noise(labels, dict(flip_rates), 2, seed)


def gce_q_search(
    runs: Runs, flip_rates: Mapping[int, float], q_grid: Sequence[float], seeds: Sequence[int]
) -> tuple[pd.DataFrame, dict[float, list]]:
    """Train with GCE at every exponent of ``q_grid`` on labels noisy at ``flip_rates``, one
    model per seed, and score each q by its mean validation AUROC on the clean validation
    labels. Returns the table (indexed by ``q``) and the models by q, in the order of
    ``seeds``, for reuse."""
    all_rows = np.arange(len(runs.y["train"]))
    rows, models = [], {}
    for q in q_grid:
        models[q] = [runs.train(all_rows, noisy_labels(runs.y["train"], flip_rates, s), s, gce_q=q)
                     for s in seeds]
        rows.append({"q": q, "validation AUROC": np.mean(
            [auroc(runs.y["val"], runs.probabilities(m, "val")) for m in models[q]])})
    return pd.DataFrame(rows).set_index("q"), models


def label_noise_table(
    runs: Runs,
    settings: Mapping[str, Mapping[int, float]],
    losses: Mapping[str, float],
    seeds: Sequence[int],
    n_bootstrap: int,
    bootstrap_seed: int,
    trained: Mapping[tuple[str, str], Sequence] | None = None,
) -> tuple[pd.DataFrame, list[dict]]:
    """Every label setting trained with every loss (name -> GCE exponent, 0 for
    cross-entropy), once per seed, on the full training split.

    ``trained[(setting, loss)]`` holds models already trained for that pair, one per seed
    (the GCE search's), used instead of training again. Each run publishes its test and
    validation probabilities as ``score_noise <setting>, <loss>, seed <seed>``. Returns the
    table indexed by setting and loss (means over seeds of :data:`MEANS`, and the mean test
    AUROC with its 95% CI, bootstrap over test cases) and one record per run.
    """
    trained = trained or {}
    all_rows = np.arange(len(runs.y["train"]))
    rows, records = [], []
    for setting, flip_rates in settings.items():
        for loss, q in losses.items():
            these = []
            for i, s in enumerate(seeds):
                labels = noisy_labels(runs.y["train"], flip_rates, s)
                done = trained.get((setting, loss))
                model = done[i] if done is not None else runs.train(all_rows, labels, s, q)
                column = f"score_noise {setting}, {loss}, seed {s}"
                these.append({"labels": setting, "loss": loss, "seed": s,
                              "wrong labels": np.mean(labels != runs.y["train"]),
                              **runs.threshold_report(model, column)})
            ci = seed_mean_auroc(
                runs.y["test"], [runs.columns[r["predictions_column"]]["test"] for r in these],
                n_bootstrap, bootstrap_seed)
            mean = {key: np.mean([r[key] for r in these]) for key in MEANS}
            rows.append({"labels": setting, "loss": loss, "wrong labels": mean["wrong labels"],
                         "test AUROC": ci["value"], "95% CI low": ci["ci_low"],
                         "95% CI high": ci["ci_high"], "accuracy at 0.5": mean["accuracy at 0.5"],
                         "accuracy, threshold re-fitted": mean["accuracy, threshold re-fitted"]})
            records += these
    return pd.DataFrame(rows).set_index(["labels", "loss"]), records
