"""Scaling curves from trained runs: one row per size, and a saturating power law per
family (chapter ``large_models``, and the label curve of chapter ``pretraining``).

Each size's test AUROC is the mean over its seeds with the 95% CI of that mean, bootstrap
over test cases (every seed scored on the same resample), and the spread over seeds beside
it. The law (:func:`medlib.scale.power_law.fit_saturating_power_law`) is fitted to every
seed's error ``1 - AUROC``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from medlib.metrics.multiclass import auroc
from medlib.metrics.seeds import auroc_and_accuracy
from medlib.scale.ladders import Rung
from medlib.scale.power_law import fit_saturating_power_law
from medlib.train.seed_runs import SeedRuns


def size_curve(runs: SeedRuns, rungs: Sequence[Rung], n_bootstrap: int, seed: int) -> pd.DataFrame:
    """One row per rung (its runs are the variant named ``rung.label``): family, weights,
    mean test AUROC over seeds with its 95% CI (bootstrap over test cases), SD and range
    over seeds, mean test accuracy and error ``1 - AUROC``, mean validation AUROC of the kept
    epoch and mean training seconds."""
    log = runs.training_log().groupby("variant")
    rows = []
    for rung in rungs:
        table = runs.summary(rung.label, auroc_and_accuracy, n_bootstrap, seed)
        auc = table.loc["AUROC"]
        rows.append({
            "family": rung.family, "model": rung.label, "weights": rung.weights,
            "seeds": len(runs.of(rung.label)),
            "test AUROC": auc["value"], "ci_low": auc["ci_low"], "ci_high": auc["ci_high"],
            "SD over seeds": auc["seed_sd"], "seed_min": auc["seed_min"],
            "seed_max": auc["seed_max"], "test accuracy": table.loc["accuracy", "value"],
            "error": 1 - auc["value"],
            "val AUROC": log.get_group(rung.label)["val AUROC"].mean(),
            "training (s)": log.get_group(rung.label)["training (s)"].mean(),
        })
    return pd.DataFrame(rows)


def per_seed_errors(runs: SeedRuns, rungs: Sequence[Rung]) -> pd.DataFrame:
    """One row per rung and seed: family, model, weights, seed and test error ``1 - AUROC``."""
    y_test = runs.y["test"]
    return pd.DataFrame([
        {"family": rung.family, "model": rung.label, "weights": rung.weights, "seed": run.seed,
         "error": 1 - auroc(y_test, runs.final(run)["test"])}
        for rung in rungs for run in runs.of(rung.label)
    ])


def law_rows(errors: pd.DataFrame, size_column: str, group_column: str = "family") -> pd.DataFrame:
    """Per group of ``errors`` (one row per size and seed): the saturating power law fitted
    to every row, its exponent, floor and crossover (where the law stops), and what it and
    the measurement say at the largest size. A law that does not stop within a million
    times the largest size (a floor of about zero) gets NaN there."""
    rows = []
    for group, part in errors.groupby(group_column, sort=False):
        law = fit_saturating_power_law(part[size_column], part["error"])
        largest = part[size_column].max()
        stops = law.crossover if law.crossover < 1e6 * largest else np.nan
        rows.append({
            group_column: group, "sizes": part[size_column].nunique(),
            "exponent b": law.exponent, "floor c": law.floor, "R² (log error)": law.r_squared,
            "law stops near": stops,
            "law at largest": float(law.predict([largest])[0]),
            "measured at largest": float(part.loc[part[size_column] == largest, "error"].mean()),
            "coefficient a": law.coefficient,
        })
    return pd.DataFrame(rows).set_index(group_column)


def law_curve(row: pd.Series, sizes: np.ndarray) -> np.ndarray:
    """The fitted law of one :func:`law_rows` row at ``sizes``."""
    return row["coefficient a"] * np.asarray(sizes, float) ** -row["exponent b"] + row["floor c"]
