"""medlib.optim.optimizers_report: the optimizers chapter's facts and texts, every branch,
from small made-up results."""

import numpy as np
import pandas as pd
import pytest

from medlib.optim import convex, rules
from medlib.optim import optimizers_report as report

INF = float("inf")


def test_listed_says_none_when_empty():
    assert report.listed([]) == "none"
    assert report.listed(["GD", "Adam"]) == "GD, Adam"


def test_parity_facts_take_the_worst_of_each_framework():
    parity = pd.DataFrame({
        "torch adapter vs torch.optim": [1e-16, 3e-15],
        "NumPy rule vs torch.optim": [2e-16, 0.0],
        "Keras adapter vs keras.optimizers": [4e-8, 1e-9],
        "NumPy rule vs keras.optimizers": [0, 2e-7],
        "definition matched": ["a", "b"]}, index=["SGD", "Adam"])
    assert report.parity_facts(parity) == {"worst_torch": "3e-15", "worst_keras": "2e-07"}


def test_rate_facts():
    assert report.rate_facts(0.987, 0.01, 25.0) == {"rate_ratio_pct": "1.3%", "kappa": "2500"}


def contenders() -> dict[str, convex.Contender]:
    return {"GD": convex.Contender(rules.SGD()), "RMSProp": convex.Contender(rules.RMSProp()),
            "Adam": convex.Contender(rules.Adam())}


def test_grid_facts_name_the_diverged_and_the_converged_rules():
    final = pd.DataFrame([[1e-3, 1e-16, INF], [1e-2, INF, INF], [1e-4, 1e-8, 1e-12]],
                         index=["GD", "RMSProp", "Adam"], columns=["1e-01", "1e+00", "1e+01"])
    facts = report.grid_facts(final, contenders(), 3, 100, 32, 1e-10)
    assert facts == {
        "diverged_rules": "GD, RMSProp", "stable_rules": "Adam", "n_rates": "3",
        "heatmap_iterations": "100", "batch_size_convex": "32",
        "diverged_cells": "GD 1, RMSProp 2", "roundoff_rules": "GD",
        "no_roundoff_rules": "RMSProp, Adam", "target_suboptimality": "1e-10"}


def test_grid_facts_when_nothing_diverged_and_nothing_converged():
    final = pd.DataFrame([[1e-3], [1e-2], [1e-4]], index=["GD", "RMSProp", "Adam"],
                         columns=["1e-01"])
    facts = report.grid_facts(final, contenders(), 1, 10, 8, 1e-10)
    assert facts["diverged_rules"] == facts["diverged_cells"] == facts["roundoff_rules"] == "none"
    assert facts["stable_rules"] == "GD, RMSProp, Adam"


def test_rmsprop_diverged_rates_and_when_a_run_passed_the_cut_off():
    final = pd.DataFrame([[1e-3, INF, INF]], index=["RMSProp"])
    assert report.rmsprop_diverged_rates(final, np.array([0.1, 1.0, 10.0])) == [1.0, 10.0]
    path = pd.DataFrame({"suboptimality": [1.0, 10.0, INF, INF]})
    assert report.first_diverged_iteration(path) == 3


def test_step_bound_facts_with_and_without_a_diverged_rmsprop():
    adam, rmsprop = rules.Adam(), rules.RMSProp()
    facts = report.step_bound_facts(0.01, adam, rmsprop, [100.0, 1000.0], [3, 7])
    bound = 1 / (1 - rmsprop.rho) ** 0.5
    assert facts["penalty_limit"] == "200"
    assert facts["adam_step_bound"] == f"{(1 - adam.beta1) / (1 - adam.beta2) ** 0.5:.1f}"
    assert facts["rmsprop_rho"] == f"{rmsprop.rho:g}"
    assert facts["rmsprop_step_bound"] == f"{bound:.0f}"
    assert facts["rmsprop_first_lr"] == "1e+02"
    assert facts["rmsprop_first_move"] == f"{100 * bound:,.0f}"
    assert facts["rmsprop_stop"] == "7"
    none = report.step_bound_facts(0.01, adam, rmsprop, [], [])
    assert none["rmsprop_first_lr"] == "nan" and none["rmsprop_stop"] == "0"


def test_best_rate_facts():
    best_lr = {"GD": 1.0, "SGD (batch 32)": 0.1, "RMSProp": 0.001, "Adam": 0.01, "AdamW": 0.01}
    labels = [f"{name} (η={lr:.0e})" for name, lr in best_lr.items()]
    summary = pd.DataFrame({"final_suboptimality": [1e-16, 2e-5, 3e-6, 4e-9, 5e-3]},
                           index=labels)
    curves = pd.DataFrame({"rule": [labels[3]] * 3 + [labels[4]],
                           "suboptimality": [1e-3, 1e-12, 4e-9, 1e-20]})
    assert report.best_rate_facts(summary, curves, best_lr, 200) == {
        "iterations": "200", "best_roundoff_rules": "GD", "lowest_Adam": "1e-12",
        "floor_SGD": "2e-05", "floor_RMSProp": "3e-06", "floor_Adam": "4e-09",
        "floor_AdamW": "5e-03"}


def test_momentum_gap():
    scores = {"momentum (seed, corrected)": np.array([0.1, 0.5]),
              "momentum (medlib rule)": np.array([0.1, 0.5 + 2e-7])}
    assert report.momentum_gap(scores) == pytest.approx(2e-7)


def part2(epochs: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"epochs to val AUROC 0.97": epochs, "test AUROC": [0.61, 0.9, 0.95]},
                        index=["SGD", "momentum (seed, corrected)", "Adam"])


def test_cnn_facts_name_the_fastest_rule_or_none():
    facts = report.cnn_facts(part2([np.nan, 4, 2]), 3.2e-6, 0.97)
    assert facts == {"momentum_gap": "3.2e-06", "target": "0.97", "fastest": "Adam",
                     "test_SGD": "0.610", "test_Adam": "0.950", "test_momentum": "0.900"}
    none = report.cnn_facts(part2([np.nan, np.nan, np.nan]), 0.0, 0.97)
    assert none["fastest"] == "none of the rules"


def diagnosis() -> dict:
    return {"per_seed": [{"test_AUROC": 0.9}, {"test_AUROC": 0.94}], "training": {"epochs": 5},
            "range_over_seeds": {"test_AUROC": {"min": 0.9, "max": 0.94, "sd": 0.028}}}


def test_seed_spread_reads_both_results_schemas_and_refuses_a_single_seed_edition():
    spread = report.seed_spread(diagnosis())
    assert report.seed_spread({"extras": diagnosis()}) == spread
    assert report.seed_spread_extra(spread) == {
        "source": "cnn_diagnosis", "n_seeds": 2, "epochs": 5,
        "test_AUROC": {"min": 0.9, "max": 0.94, "sd": 0.028}}
    assert report.seed_spread_facts(spread, 2024, 2) == {
        "cnn_seed": "2024", "cnn_epochs": "2", "diag_n_seeds": "2", "diag_epochs": "5",
        "diag_auroc": "0.920", "diag_auroc_range": "0.900–0.940", "diag_auroc_sd": "0.028"}
    with pytest.raises(RuntimeError, match="single-seed edition"):
        report.seed_spread({"extras": {"per_seed": []}})


def test_prediction_frame_names_a_score_column_per_rule():
    frame = report.prediction_frame(np.array([0, 1]), {"momentum (seed, corrected)": [0.2, 0.7]})
    assert list(frame.columns) == ["case_id", "split", "true_label",
                                   "score_momentum_seed_corrected"]
    assert frame["split"].tolist() == ["test", "test"]
