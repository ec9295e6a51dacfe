"""medlib.scale.large_models_report: the large-models chapter's readings of its size curve,
fitted laws and cost table, each branch on small tables."""

import numpy as np
import pandas as pd
import pytest

from medlib.scale import large_models_report as report
from medlib.scale.ladders import CNN, VIT


def curve_table() -> pd.DataFrame:
    rows = [(CNN, "CNN w1", 400, 0.80), (CNN, "CNN w4", 5_000, 0.92), (CNN, "CNN w2", 1_500, 0.90),
            (VIT, "ViT small", 800, 0.70), (VIT, "ViT large", 40_000, 0.78)]
    return pd.DataFrame([{"family": f, "model": m, "weights": w, "test AUROC": a,
                          "ci_low": a - 0.02, "ci_high": a + 0.02} for f, m, w, a in rows])


def law_table(cnn_stop: float = 1_234.0, vit_stop: float = np.nan) -> pd.DataFrame:
    return pd.DataFrame([
        {"family": CNN, "exponent b": 0.512, "floor c": 0.0801, "law stops near": cnn_stop,
         "law at largest": 0.0812, "measured at largest": 0.08},
        {"family": VIT, "exponent b": 0.2, "floor c": 0.2, "law stops near": vit_stop,
         "law at largest": 0.221, "measured at largest": 0.22}]).set_index("family")


def cost_table(large_size: int = 224) -> pd.DataFrame:
    rows = [("CNN w1", 0.1, 0.5, 10.0, 50.0), ("CNN w2", 0.4, 0.6, 20.0, 100.0),
            ("CNN w4", 1.6, 1.0, 40.0, 150.0), ("ViT small", 0.05, 0.4, 5.0, 3.0),
            ("ViT large", 0.5, 0.8, 30.0, 12.34)]
    return pd.DataFrame([{"model": m, "MFLOPs / image": f, "training ms / image": ms,
                          f"training ms / image at {large_size} px": ms_large,
                          f"projected hours, 100 epochs at {large_size} px": hours}
                         for m, f, ms, ms_large, hours in rows])


def test_two_digits_and_the_stop_of_a_law_that_does_not_stop():
    assert report.two_digits(1747.3) == "1,700"
    assert report.two_digits(23_456) == "23,000"
    assert report.stop_text(1747.3) == "1,700"
    assert report.stop_text(np.nan) == "no size"


def test_family_facts_read_the_smallest_and_largest_network_and_the_law():
    facts = report.family_facts(curve_table(), law_table().loc[CNN], "cnn", CNN)
    assert facts == {"cnn_first_auroc": "0.800", "cnn_first_weights": "400",
                     "cnn_last_auroc": "0.920", "cnn_last_weights": "5,000",
                     "cnn_last_ci": "0.900–0.940", "cnn_b": "0.51", "cnn_floor": "0.080",
                     "cnn_stop": "1,200", "cnn_law_last": "0.081", "cnn_measured_last": "0.080"}


def test_the_knee_is_the_first_size_past_the_stop_or_else_the_largest():
    cnn = report.family_rows(curve_table(), CNN)
    assert report.knee_facts(cnn, 1_234.0) == {
        "cnn_knee_auroc": "0.900", "cnn_knee_weights": "1,500", "cnn_knee_factor": "3",
        "cnn_knee_gain": "+0.020"}
    beyond_the_ladder = report.knee_facts(cnn, 1e6)
    assert beyond_the_ladder["cnn_knee_weights"] == "5,000"
    assert beyond_the_ladder["cnn_knee_gain"] == "+0.000"
    assert report.knee_facts(cnn, np.nan) == beyond_the_ladder


def test_pairs_within_a_factor_of_two_or_the_sentence_that_there_are_none():
    curve = curve_table()
    cnn, vit = report.family_rows(curve, CNN), curve[curve["family"] == VIT]
    assert report.pairs_text(cnn, vit) == (
        "0.800 against 0.700 near 400 weights; 0.900 against 0.700 near 1,500 weights")
    assert report.pairs_text(cnn, vit[vit["model"] == "ViT large"]) == (
        "no pair of sizes within a factor of two")


def test_cost_facts_compare_the_largest_cnn_with_the_smallest_and_project_both_families():
    facts = report.cost_facts(cost_table(), curve_table(), n_train=6_000, size=28, large_size=224)
    assert facts == {"cnn_flops_factor": "16", "cnn_ms_factor": "2", "pixels_factor": "64",
                     "cnn_224_epoch_min": "4", "cnn_224_hours": "150", "vit_224_hours": "12.3",
                     "vitb_factor": "2150"}


def test_page_facts_are_every_text_the_page_glues_as_strings():
    beyond = {"params": {"epochs": 10}, "metrics": {"test_AUROC": {"value": 0.95612}}}
    facts = report.page_facts(curve_table(), law_table(), cost_table(), {CNN: 12.5, VIT: 40.0},
                              beyond, n_seeds=3, named_seeds=5, n_runs=19, n_train=4_708,
                              n_rungs=5, cost_steps=3, size=28, large_size=224,
                              w16_weights=1_000)
    assert all(isinstance(v, str) for v in facts.values())
    assert {k: facts[k] for k in ("n_seeds", "named_seeds", "n_train", "beyond_epochs",
                                  "beyond_auroc", "w16_factor", "n_runs", "n_sizes",
                                  "cost_steps", "cnn_span", "vit_span", "vit_stop")} == {
        "n_seeds": "3", "named_seeds": "5", "n_train": "4,708", "beyond_epochs": "10",
        "beyond_auroc": "0.956", "w16_factor": "5", "n_runs": "19", "n_sizes": "5",
        "cost_steps": "3", "cnn_span": "12", "vit_span": "40", "vit_stop": "no size"}
    assert {"cnn_knee_gain", "pairs", "vitb_factor", "vit_last_ci"} <= set(facts)
    assert all(key.isidentifier() for key in facts)


def test_the_beyond_network_is_the_width_16_rung():
    assert report.BEYOND_WIDTH == 16
    assert report.beyond_weights() > 0
    with pytest.raises(KeyError):
        report.cost_facts(cost_table(large_size=128), curve_table(), 10, 28, 224)


def test_law_ranges_are_worded_for_each_family_and_an_open_crossover():
    from medlib.scale.law_bootstrap import LawInterval

    closed = {"exponent b": LawInterval(0.4, 0.31, 0.524, 1.0),
              "floor c": LawInterval(0.02, 0.0151, 0.0302, 1.0),
              "crossover": LawInterval(1_700.0, 1_234.0, 3_456.0, 1.0)}
    open_above = {**closed, "crossover": LawInterval(7_000.0, 6_543.0, np.inf, 0.8)}
    facts = report.law_interval_facts({CNN: closed, VIT: open_above})
    assert facts["cnn_b_range"] == "0.31 to 0.52" and facts["cnn_floor_range"] == "0.015 to 0.030"
    assert facts["cnn_stop_range"] == "1,200 to 3,500 weights"
    assert facts["vit_stop_range"] == "6,500 weights or beyond (no floor in 20% of the refits)"
    nowhere = LawInterval(np.inf, np.inf, np.inf, 0.0)
    assert report.crossover_range_text(nowhere).startswith("no size")


@pytest.mark.parametrize(("outcome", "start"), [("inside", "inside that range"),
                                                ("better than", "better than that range"),
                                                ("worse than", "worse than that range")])
def test_the_next_size_is_read_against_the_law(outcome, start):
    from medlib.scale.law_bootstrap import NextSizeCheck

    check = NextSizeCheck(306_913.0, 0.03, 0.025, 0.036, 0.028, outcome)
    facts = report.next_size_facts(check, "CNN w32")
    assert facts["next_predicted_auroc"] == "0.970"
    assert facts["next_predicted_range"] == "0.964 to 0.975"
    assert facts["next_measured_auroc"] == "0.972" and facts["next_weights"] == "306,913"
    assert facts["next_reading"].startswith(start)


def test_plateau_facts_count_the_runs_stopped_by_the_cap():
    from medlib.scale.plateau import Plateau

    log = pd.DataFrame({"kept epoch": [4, 7, 12, 9], "at cap": [False, False, True, False]})
    facts = report.plateau_facts(log, Plateau(max_epochs=12, patience=3))
    assert (facts["runs_at_cap"], facts["kept_epoch_median"]) == ("1 of 4", "8")
    assert facts["kept_epoch_range"] == "4 to 12"
    assert facts["cap_reading"].startswith("one in ten or more")
    calm = report.plateau_facts(log.assign(**{"at cap": False}), Plateau())
    assert calm["cap_reading"].startswith("fewer than one in ten")
