"""Chapter ``cnn_diagnosis``: its headline numbers follow from its predictions file.

The results file states the test AUROC and accuracy of the seed CNN as the mean over its
training seeds, with each seed's validation-chosen threshold. This module recomputes them
from ``cnn_diagnosis_predictions.csv`` with scikit-learn directly (not medlib's metric
code): each seed's threshold from its validation rows (Youden's J), then test AUROC,
accuracy at that threshold and at 0.5, sensitivity, specificity and Brier score per seed,
and their means, and compares them with ``cnn_diagnosis.json`` (absolute tolerance 1e-4;
the CSV keeps 10 significant digits, so its rounding moves none of them that far).

It checks ``book/results/`` by default; set ``MEDLIB_RESULTS_UNDER_TEST`` to the results
folder of another run (``--output-dir DIR`` writes ``DIR/results``) to check that one.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import accuracy_score, brier_score_loss, recall_score, roc_auc_score, roc_curve

from medlib.book.paths import RESULTS_DIR

NAME = "cnn_diagnosis"
UNDER_TEST_ENV = "MEDLIB_RESULTS_UNDER_TEST"
TOLERANCE = 1e-4
RERUN = f"run: python -m medlib.book run {NAME} --profile book"
SCORE_PREFIX = "score_seed_cnn_seed"


class StaleResultsError(AssertionError):
    """The results were written by an older version of the chapter (one seed, no per-seed
    record): they cannot be checked, only re-published."""


def load(directory: Path) -> tuple[dict, pd.DataFrame]:
    json_path, csv_path = directory / f"{NAME}.json", directory / f"{NAME}_predictions.csv"
    missing = [p.name for p in (json_path, csv_path) if not p.is_file()]
    if missing:
        raise StaleResultsError(f"{', '.join(missing)} missing in {directory}; {RERUN}")
    result, predictions = json.loads(json_path.read_text()), pd.read_csv(csv_path)
    if "per_seed" not in result.get("extras", {}) or not any(
            c.startswith(SCORE_PREFIX) for c in predictions):
        raise StaleResultsError(
            f"{directory / NAME}.json and its predictions are in the old single-seed format "
            f"(no 'per_seed' record, no {SCORE_PREFIX}<seed> columns); {RERUN}"
        )
    return result, predictions


def youden_threshold_sklearn(y_true: np.ndarray, scores: np.ndarray) -> float:
    fpr, tpr, thresholds = roc_curve(y_true, scores)
    return float(min(thresholds[int(np.argmax(tpr - fpr))], 1.0))


def recompute(result: dict, predictions: pd.DataFrame) -> pd.DataFrame:
    """One row per seed: threshold from validation rows and test metrics, by scikit-learn."""
    val = predictions[predictions["split"] == "val"]
    test = predictions[predictions["split"] == "test"]
    rows = []
    for record in result["extras"]["per_seed"]:
        column = f"{SCORE_PREFIX}{record['seed']}"
        assert column in predictions, f"no column {column} for seed {record['seed']}"
        y, s = test["true_label"].to_numpy(), test[column].to_numpy()
        at_threshold = (s >= record["threshold"]).astype(int)
        at_half = (s >= 0.5).astype(int)
        rows.append({
            "seed": record["seed"],
            "threshold": youden_threshold_sklearn(val["true_label"], val[column]),
            "test_AUROC": roc_auc_score(y, s),
            "test_accuracy": accuracy_score(y, at_threshold),
            "test_sensitivity": recall_score(y, at_threshold, pos_label=1),
            "test_specificity": recall_score(y, at_threshold, pos_label=0),
            "test_Brier": brier_score_loss(y, s),
            "test_at_0.5_accuracy": accuracy_score(y, at_half),
            "test_at_0.5_sensitivity": recall_score(y, at_half, pos_label=1),
            "test_at_0.5_specificity": recall_score(y, at_half, pos_label=0),
        })
    return pd.DataFrame(rows).set_index("seed")


def check(directory: Path) -> None:
    """Assert that every headline number of the results in ``directory`` is what its
    predictions give; raise :class:`StaleResultsError` for results of the old format."""
    result, predictions = load(directory)
    assert set(predictions["split"]) == {"val", "test"}
    seeds = [r["seed"] for r in result["extras"]["per_seed"]]
    assert len(set(seeds)) == len(seeds) >= 2, "the headline must be a mean over seeds"
    if result.get("profile") == "book":
        assert len(seeds) >= 3, "the book profile trains at least 3 seeds"
    assert {f"{SCORE_PREFIX}{s}" for s in seeds} == {
        c for c in predictions if c.startswith(SCORE_PREFIX)}

    ours = recompute(result, predictions)
    recorded = pd.DataFrame(result["extras"]["per_seed"]).set_index("seed")
    for name in ours:
        for s in seeds:
            assert abs(ours.loc[s, name] - recorded.loc[s, name]) <= TOLERANCE, (
                f"seed {s}, {name}: recomputed {ours.loc[s, name]:.6f}, "
                f"recorded {recorded.loc[s, name]:.6f}")
        if name == "threshold":
            continue
        metric = result["metrics"][name]
        assert abs(ours[name].mean() - metric["value"]) <= TOLERANCE, (
            f"{name}: mean over seeds recomputed {ours[name].mean():.6f}, "
            f"recorded {metric['value']:.6f}")
        assert metric["low"] <= metric["value"] <= metric["high"], name
        assert metric["interval"] == "bootstrap_95", name
        spread = result["extras"]["range_over_seeds"][name]
        assert abs(spread["min"] - ours[name].min()) <= TOLERANCE, name
        assert abs(spread["max"] - ours[name].max()) <= TOLERANCE, name
    assert {"test_AUROC", "test_accuracy"} <= set(result["headline"])


def test_published_headline_follows_from_the_predictions():
    directory = Path(os.environ.get(UNDER_TEST_ENV) or RESULTS_DIR)
    try:
        check(directory)
    except StaleResultsError as stale:
        message = str(stale)
    else:
        return
    pytest.fail(message, pytrace=False)  # outside the except: no chained traceback


# The checker itself, on small files written here: it passes consistent files, catches a
# wrong number, and names the command that re-publishes old ones.


def write_results(directory: Path, seeds=(7, 8, 9), n=60) -> None:
    rng = np.random.default_rng(0)
    frames = []
    for split in ("val", "test"):
        y = np.arange(n) % 2
        frames.append(pd.DataFrame({
            "case_id": np.arange(n), "split": split, "true_label": y,
            **{f"{SCORE_PREFIX}{s}": np.round(np.clip(0.3 * y + rng.random(n) * 0.7, 0, 1), 6)
               for s in seeds},
        }))
    predictions = pd.concat(frames, ignore_index=True)
    predictions.to_csv(directory / f"{NAME}_predictions.csv", index=False)
    val = predictions[predictions["split"] == "val"]
    result = {"extras": {"per_seed": [
        {"seed": s,
         "threshold": youden_threshold_sklearn(val["true_label"], val[f"{SCORE_PREFIX}{s}"])}
        for s in seeds
    ]}}
    per_seed = recompute(result, predictions)
    result["extras"]["per_seed"] = per_seed.reset_index().to_dict(orient="records")
    result["metrics"] = {
        name: {"value": per_seed[name].mean(), "low": per_seed[name].min() - 0.1,
               "high": per_seed[name].max() + 0.1, "interval": "bootstrap_95"}
        for name in per_seed if name != "threshold"
    }
    result["extras"]["range_over_seeds"] = {
        name: {"min": per_seed[name].min(), "max": per_seed[name].max()} for name in per_seed}
    result["headline"], result["profile"] = ["test_AUROC", "test_accuracy"], "book"
    (directory / f"{NAME}.json").write_text(json.dumps(result))


def test_checker_accepts_consistent_files(tmp_path):
    write_results(tmp_path)
    check(tmp_path)


def test_checker_catches_a_wrong_number(tmp_path):
    write_results(tmp_path)
    path = tmp_path / f"{NAME}.json"
    result = json.loads(path.read_text())
    result["metrics"]["test_accuracy"]["value"] += 0.01
    path.write_text(json.dumps(result))
    with pytest.raises(AssertionError, match="test_accuracy"):
        check(tmp_path)


def test_checker_wants_three_seeds_in_the_book_profile(tmp_path):
    write_results(tmp_path, seeds=(7, 8))
    with pytest.raises(AssertionError, match="at least 3 seeds"):
        check(tmp_path)


def test_checker_names_the_command_for_old_single_seed_files(tmp_path):
    old = pd.DataFrame(
        {"case_id": [0], "split": ["test"], "true_label": [1], "score_seed_cnn": [0.9]})
    old.to_csv(tmp_path / f"{NAME}_predictions.csv", index=False)
    (tmp_path / f"{NAME}.json").write_text(json.dumps({"metrics": {}, "headline": []}))
    with pytest.raises(StaleResultsError, match=f"python -m medlib.book run {NAME} --profile book"):
        check(tmp_path)
