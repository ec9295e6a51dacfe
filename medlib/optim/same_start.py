"""Training one network with several optimizers on equal terms, and comparing the runs.

Part 2 of the optimizers chapter trains the seed CNN once per rule. For the comparison to
be about the rules, every run must start from the same initial weights and see the
mini-batches in the same order: :func:`train_from_same_start` draws the weights once, after
reseeding, and reseeds again before each run. :func:`comparison_table` then reads each run's
training history and test scores the same way. Chapter: ``optimizers``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from medlib.metrics.multiclass import auroc_with_ci


@dataclass
class SameStartRun:
    """One rule's run: the per-epoch history (columns ``epoch``, ``val_auroc``,
    ``selected``, ``seconds``, as the book's Keras loop returns it) and the test scores of
    the kept weights."""

    history: pd.DataFrame
    scores: np.ndarray


def train_from_same_start(
    build_model: Callable[[], Any],
    optimizers: dict[str, Callable[[], Any]],
    fit: Callable[[Any, Any], pd.DataFrame],
    predict: Callable[[Any], np.ndarray],
    reseed: Callable[[], None],
) -> dict[str, SameStartRun]:
    """Train a fresh ``build_model()`` with each of ``optimizers`` (name: factory).

    ``reseed()`` (seed every generator) runs before the initial weights are drawn and again
    before each run, so each run builds its model, gets the shared initial weights and then
    trains with the same random stream: same weights, same mini-batch order, only the rule
    differs. ``fit(model, optimizer)`` returns the history, ``predict(model)`` the scores.
    """
    reseed()
    initial_weights = build_model().get_weights()
    runs = {}
    for name, make_optimizer in optimizers.items():
        reseed()
        model = build_model()
        model.set_weights(initial_weights)
        history = fit(model, make_optimizer())
        runs[name] = SameStartRun(history, predict(model))
    return runs


def epochs_to_target(history: pd.DataFrame, target: float) -> int | None:
    """The first epoch whose validation AUROC reached ``target``; None if none did."""
    reached = history.loc[history["val_auroc"] >= target, "epoch"]
    return int(reached.iloc[0]) if len(reached) else None


def comparison_table(
    runs: dict[str, SameStartRun],
    y_test: np.ndarray,
    target_auroc: float,
    n_bootstrap: int,
    seed: int,
) -> pd.DataFrame:
    """One row per rule: epochs to the validation ``target_auroc``, the best validation
    AUROC and its (kept) epoch, the test AUROC with its 95% CI from a stratified bootstrap
    over the test cases (``CI low``, ``CI high``), and the training seconds."""
    rows = []
    for name, run in runs.items():
        kept = run.history.loc[run.history["selected"]].iloc[0]
        auroc = auroc_with_ci(y_test, run.scores, n_bootstrap, seed)
        rows.append({
            "rule": name,
            f"epochs to val AUROC {target_auroc}": epochs_to_target(run.history, target_auroc),
            "best val AUROC": kept["val_auroc"], "kept epoch": int(kept["epoch"]),
            "test AUROC": auroc["value"], "CI low": auroc["ci_low"],
            "CI high": auroc["ci_high"], "seconds": run.history["seconds"].sum(),
        })
    return pd.DataFrame(rows).set_index("rule")
