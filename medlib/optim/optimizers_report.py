"""The facts and short texts of the optimizers chapter, from its results.

The chapter trains and evaluates in the notebook, where a reader sees it; what the page
then states about those results (the worst parity error, which rules diverged and where,
how far each rule got at its best learning rate, how the CNN runs compare, how far the
seed CNN moves with its seed) is built here, as a dictionary from glue key to text, so
that each sentence is tested on small inputs rather than typed into the notebook. Chapter:
``optimizers``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from medlib.optim import convex, rules

#: A suboptimality at or below this is float64 round-off on the convex problem.
ROUNDOFF = 1e-15
TORCH_COLUMNS = ("torch adapter vs torch.optim", "NumPy rule vs torch.optim")
KERAS_COLUMNS = ("Keras adapter vs keras.optimizers", "NumPy rule vs keras.optimizers")
NONE = "none"


def listed(names: Iterable[str]) -> str:
    """Names joined by commas, or "none" when there are none (the page's wording)."""
    return ", ".join(names) or NONE


def parity_facts(parity: pd.DataFrame) -> dict[str, str]:
    """The worst relative error of medlib's rules against torch and against Keras."""
    worst_torch = parity[list(TORCH_COLUMNS)].to_numpy().max()
    worst_keras = parity[list(KERAS_COLUMNS)].to_numpy().max()
    return {"worst_torch": f"{worst_torch:.0e}", "worst_keras": f"{worst_keras:.0e}"}


def rate_facts(rate_ratio: float, mu: float, L: float) -> dict[str, str]:
    """How far the measured contraction of gradient descent is from theory's, in its
    exponent, and the condition number that sets it."""
    return {"rate_ratio_pct": f"{100 * abs(rate_ratio - 1):.1f}%", "kappa": f"{L / mu:.0f}"}


def grid_facts(final: pd.DataFrame, contenders: Mapping[str, convex.Contender],
               n_rates: int, heatmap_iterations: int, batch_size_convex: int,
               target: float) -> dict[str, str]:
    """What the learning-rate grid shows: which rules diverged somewhere (and in how many
    cells), which reached round-off at some rate and which at none."""
    diverged = convex.diverged_rules(final)
    n_diverged = np.isinf(final).sum(axis=1)
    lowest = final.min(axis=1)
    return {
        "diverged_rules": listed(diverged),
        "stable_rules": listed(n for n in contenders if n not in diverged),
        "n_rates": f"{n_rates}",
        "heatmap_iterations": f"{heatmap_iterations}",
        "batch_size_convex": f"{batch_size_convex}",
        "diverged_cells": listed(f"{name} {n}" for name, n in n_diverged.items() if n),
        "roundoff_rules": listed(final.index[lowest <= ROUNDOFF]),
        "no_roundoff_rules": listed(final.index[lowest > ROUNDOFF]),
        "target_suboptimality": f"{target:.0e}",
    }


def rmsprop_diverged_rates(final: pd.DataFrame, learning_rates: np.ndarray) -> list[float]:
    """The learning rates of the grid at which RMSProp diverged."""
    return [lr for lr, value in zip(learning_rates, final.loc["RMSProp"], strict=True)
            if np.isinf(value)]


def first_diverged_iteration(path: pd.DataFrame) -> int:
    """The (1-based) iteration at which a diverged run passed the cut-off."""
    return int(np.isinf(path["suboptimality"]).idxmax()) + 1


def step_bound_facts(lam: float, adam: rules.Adam, rmsprop: rules.RMSProp,
                     rmsprop_diverged: list[float],
                     stops: list[int]) -> dict[str, str]:
    """Why the rules diverge where they do: the penalty's limit on plain steps, Adam's
    worst-case step bound, and RMSProp's first step (its mean of g² starts at 0, so the
    step is lr / sqrt(1 - rho) in every coordinate) at its first diverged rate."""
    bound = 1 / (1 - rmsprop.rho) ** 0.5
    first = min(rmsprop_diverged, default=np.nan)
    return {
        "penalty_limit": f"{2 / lam:g}",
        "adam_step_bound": f"{(1 - adam.beta1) / (1 - adam.beta2) ** 0.5:.1f}",
        "rmsprop_rho": f"{rmsprop.rho:g}",
        "rmsprop_step_bound": f"{bound:.0f}",
        "rmsprop_first_lr": f"{first:.0e}",
        "rmsprop_first_move": f"{first * bound:,.0f}",
        "rmsprop_stop": f"{max(stops, default=0)}",
    }


def best_rate_facts(summary: pd.DataFrame, curves: pd.DataFrame,
                    best_lr: Mapping[str, float], iterations: int) -> dict[str, str]:
    """Which rules end at round-off at their best rate, Adam's lowest point, and the
    level where SGD, RMSProp, Adam and AdamW end."""
    best_final = summary["final_suboptimality"].rename(
        {f"{name} (η={lr:.0e})": name for name, lr in best_lr.items()})
    adam_curve = curves.loc[curves["rule"].str.startswith("Adam ("), "suboptimality"]
    facts = {"iterations": f"{iterations}",
             "best_roundoff_rules": listed(best_final.index[best_final <= ROUNDOFF]),
             "lowest_Adam": f"{adam_curve.min():.0e}"}
    for name in ("SGD", "RMSProp", "Adam", "AdamW"):
        key = next(k for k in best_final.index if k.split(" (")[0].split()[0] == name)
        facts[f"floor_{name}"] = f"{best_final[key]:.0e}"
    return facts


def momentum_gap(test_scores: Mapping[str, np.ndarray]) -> float:
    """The largest difference in test score between Keras's momentum and medlib's rule
    through the Keras adapter: how closely the adapter retraces the framework."""
    return np.abs(test_scores["momentum (seed, corrected)"]
                  - test_scores["momentum (medlib rule)"]).max()


def cnn_facts(part2: pd.DataFrame, gap: float, target_auroc: float) -> dict[str, str]:
    """The CNN runs in words: the momentum gap, which rule reached the target validation
    AUROC first, and the test AUROC of SGD, Adam and the seed's momentum."""
    epochs_to_target = part2[f"epochs to val AUROC {target_auroc}"].astype(float)
    fastest = epochs_to_target.idxmin() if epochs_to_target.notna().any() else "none of the rules"
    return {"momentum_gap": f"{gap:.1e}", "target": f"{target_auroc}", "fastest": fastest,
            **{f"test_{name.split()[0]}": f"{part2.loc[name, 'test AUROC']:.3f}"
               for name in ("SGD", "Adam", "momentum (seed, corrected)")}}


def seed_spread(diagnosis: Mapping) -> dict:
    """The spread over training seeds of the seed CNN, from chapter cnn_diagnosis's results
    (its book run trains it from several seeds; this chapter trains one seed)."""
    diagnosis = diagnosis.get("extras", diagnosis)  # results schema 2: the chapter's facts
    if "range_over_seeds" not in diagnosis:
        raise RuntimeError("cnn_diagnosis.json is from the single-seed edition of that chapter; "
                           "run: python -m medlib.book run cnn_diagnosis --profile book")
    return {"source": "cnn_diagnosis", "n_seeds": len(diagnosis["per_seed"]),
            "epochs": diagnosis["training"]["epochs"],
            "test_AUROC": diagnosis["range_over_seeds"]["test_AUROC"],
            "mean_test_AUROC": np.mean([s["test_AUROC"] for s in diagnosis["per_seed"]])}


def seed_spread_facts(spread: Mapping, seed: int, cnn_epochs: int) -> dict[str, str]:
    """This chapter's single seed against the seed spread measured by cnn_diagnosis."""
    auroc = spread["test_AUROC"]
    return {"cnn_seed": f"{seed}", "cnn_epochs": f"{cnn_epochs}",
            "diag_n_seeds": f"{spread['n_seeds']}", "diag_epochs": f"{spread['epochs']}",
            "diag_auroc": f"{spread['mean_test_AUROC']:.3f}",
            "diag_auroc_range": f"{auroc['min']:.3f}–{auroc['max']:.3f}",
            "diag_auroc_sd": f"{auroc['sd']:.3f}"}


def seed_spread_extra(spread: Mapping) -> dict:
    """The spread as the results file keeps it (without the derived mean)."""
    return {k: spread[k] for k in ("source", "n_seeds", "epochs", "test_AUROC")}


def prediction_frame(y_test: np.ndarray, test_scores: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """One row per test case: its label and every rule's score (column names without
    spaces, parentheses or commas)."""
    return pd.DataFrame({"case_id": np.arange(len(y_test)), "split": "test", "true_label": y_test,
                         **{"score_" + name.replace(" ", "_").replace("(", "").replace(")", "")
                            .replace(",", ""): score for name, score in test_scores.items()}})
