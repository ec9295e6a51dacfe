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
                          "ci_low": a - 0.02, "ci_high": a + 0.02, "seed_min": a - 0.01,
                          "seed_max": a + 0.01} for f, m, w, a in rows])


def law_table(cnn_stop: float = 1_234.0, vit_stop: float = np.nan) -> pd.DataFrame:
    return pd.DataFrame([
        {"family": CNN, "exponent b": 0.512, "floor c": 0.0801, "law stops near": cnn_stop,
         "R² (log error)": 0.501,
         "law at largest": 0.0812, "measured at largest": 0.08},
        {"family": VIT, "exponent b": 0.2, "floor c": 0.2, "law stops near": vit_stop,
         "R² (log error)": 0.1,
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
    assert report.stop_text(1747.3, smallest=354) == "near 1,700 weights"
    assert report.stop_text(np.nan, smallest=354).startswith("at no size")
    assert report.stop_text(1.7e-7, smallest=354).startswith("before its smallest size")


def test_family_facts_read_the_smallest_and_largest_network_and_the_law():
    facts = report.family_facts(curve_table(), law_table().loc[CNN], "cnn", CNN)
    assert facts == {"cnn_first_auroc": "0.800", "cnn_first_weights": "400",
                     "cnn_last_auroc": "0.920", "cnn_last_weights": "5,000",
                     "cnn_last_ci": "0.900–0.940", "cnn_last_seed_range": "0.910–0.930",
                     "cnn_b": "0.51", "cnn_floor": "0.080",
                     "cnn_stop": "near 1,200 weights", "cnn_r2": "0.50", "cnn_law_last": "0.081",
                     "cnn_measured_last": "0.080"}


def test_the_knee_is_the_first_size_past_the_stop_and_needs_a_size_after_it():
    cnn = report.family_rows(curve_table(), CNN)
    assert report.knee_text(cnn, 1_234.0) == (
        "Past its knee at 1,500 weights (test AUROC 0.900), 3 times more weights added +0.020.")
    no_knee = "No size of the ladder lies past a knee where the law levels off."
    assert report.knee_text(cnn, 4_000.0) == no_knee  # only the largest is past the stop
    assert report.knee_text(cnn, 1e6) == no_knee
    assert report.knee_text(cnn, np.nan) == no_knee


def test_pairs_within_a_factor_of_two_or_the_sentence_that_there_are_none():
    curve = curve_table()
    cnn, vit = report.family_rows(curve, CNN), curve[curve["family"] == VIT]
    assert report.pairs_text(cnn, vit) == (
        "0.800 against 0.700 near 400 weights; 0.900 against 0.700 near 1,500 weights")
    assert report.pairs_text(cnn, vit[vit["model"] == "ViT large"]) == (
        "no pair of sizes within a factor of two")


def test_the_pairs_verdict_reads_the_seeds_not_only_the_means():
    curve = curve_table()
    cnn, vit = report.family_rows(curve, CNN), curve[curve["family"] == VIT]
    assert report.pairs_verdict(cnn, vit) == (
        "the CNN is ahead at all 2 pairs, and each of its seeds beats every seed of the "
        "transformer beside it")
    overlapping = vit.assign(seed_max=vit["seed_max"] + 0.15)
    assert report.pairs_verdict(cnn, overlapping) == (
        "the CNN is ahead on average at all 2 pairs, but at 1 of them some transformer seed "
        "reaches one of the CNN's seeds")
    vit_better_small = vit.assign(**{"test AUROC": [0.85, 0.78], "seed_min": [0.84, 0.77],
                                     "seed_max": [0.86, 0.79]})
    assert report.pairs_verdict(cnn, vit_better_small) == (
        "the CNN is ahead on average at 1 of 2 pairs and the transformer at 1: neither "
        "family leads at every size")
    assert report.pairs_verdict(cnn, vit[vit["model"] == "ViT large"]).startswith("no two sizes")


def test_size_claims_compare_each_familys_largest_with_its_smallest_on_paired_seeds():
    from medlib.train.paired_claims import PairedClaims

    rng = np.random.default_rng(0)
    y_test = np.tile([0, 1], 40)
    curve = curve_table()

    class Runs:  # the two methods of SeedRuns that size_claims reads
        def final_scores(self, variant):
            signal = {"CNN w1": 0.5, "CNN w4": 3.0, "ViT small": 1.0, "ViT large": 1.0}[variant]
            return [1 / (1 + np.exp(-(signal * (y_test - 0.5) + rng.normal(0, 1, y_test.size))))
                    for _ in range(3)]

    recorded = []
    paired = PairedClaims([], lambda name, *a, **k: recorded.append(name) or str(name),
                          y_test, 200, 0)
    claims = report.size_claims(paired, Runs(), curve)
    assert (claims[CNN].subject, claims[CNN].reference) == ("CNN w4", "CNN w1")
    assert claims[CNN].outcome == "ahead" and claims[VIT].reference == "ViT small"
    assert recorded == [("size gain", CNN), ("size gain", VIT)]
    facts = report.size_gain_facts(claims)
    assert facts["cnn_gain_verb"] == "is ahead of"
    assert facts["cnn_gain"].startswith("+") and "95% CI" in facts["cnn_gain"]


def test_a_resolved_gain_within_one_standard_error_of_zero_is_on_the_edge():
    from medlib.claims.verdicts import compare_difference

    edge = compare_difference("ViT large", "ViT small", 0.007, 0.001, 0.014, "bootstrap_95")
    clear = compare_difference("CNN w4", "CNN w1", 0.023, 0.014, 0.032, "bootstrap_95")
    tied = compare_difference("CNN w4", "CNN w1", 0.002, -0.001, 0.005, "bootstrap_95")
    assert report.bootstrap_edge(edge) and not report.bootstrap_edge(clear)
    assert not report.bootstrap_edge(tied)
    assert report.gain_text(edge) == (
        "+0.007, 95% CI +0.001 to +0.014; on the edge: the end of the interval nearest zero "
        "lies within one standard error of it, so another set of seeds could change this verdict")
    assert report.gain_text(clear) == "+0.023, 95% CI +0.014 to +0.032"


def test_cost_facts_compare_the_largest_cnn_with_the_smallest_and_project_both_families():
    facts = report.cost_facts(cost_table(), curve_table(), n_train=6_000, size=28, large_size=224)
    assert facts == {"cnn_flops_factor": "16", "cnn_ms_factor": "2", "pixels_factor": "64",
                     "cnn_224_epoch_min": "4", "cnn_224_hours": "150", "vit_224_hours": "12.3",
                     "vitb_factor": "2,150"}


def test_page_facts_are_every_text_the_page_glues_as_strings():
    beyond = {"params": {"epochs": 10}, "metrics": {"test_AUROC": {"value": 0.95612}}}
    facts = report.page_facts(curve_table(), law_table(), cost_table(), {CNN: 12.5, VIT: 40.0},
                              beyond, n_seeds=3, named_seeds=5, n_runs=19, n_train=4_708,
                              n_rungs=5, cost_steps=3, size=28, large_size=224)
    assert all(isinstance(v, str) for v in facts.values())
    assert {k: facts[k] for k in ("n_seeds", "named_seeds", "n_train", "beyond_epochs",
                                  "beyond_auroc", "n_runs", "n_sizes",
                                  "cost_steps", "cnn_span", "vit_span", "vit_stop")} == {
        "n_seeds": "3", "named_seeds": "5", "n_train": "4,708", "beyond_epochs": "10",
        "beyond_auroc": "0.956", "n_runs": "19", "n_sizes": "5",
        "cost_steps": "3", "cnn_span": "12", "vit_span": "40",
        "vit_stop": "at no size: its floor is about zero"}
    assert {"cnn_knee", "pairs", "pairs_verdict", "vitb_factor", "vit_last_ci"} <= set(facts)
    assert all(key.isidentifier() for key in facts)


def test_cost_facts_need_the_large_size_the_table_was_priced_at():
    with pytest.raises(KeyError):
        report.cost_facts(cost_table(large_size=128), curve_table(), 10, 28, 224)


def test_law_ranges_are_worded_for_each_family_and_an_open_crossover():
    from medlib.scale.law_bootstrap import LawInterval

    closed = {"exponent b": LawInterval(0.4, 0.31, 0.524, 1.0),
              "floor c": LawInterval(0.02, 0.0151, 0.0302, 1.0),
              "crossover": LawInterval(1_700.0, 1_234.0, 3_456.0, 1.0)}
    open_above = {**closed, "crossover": LawInterval(7_000.0, 6_543.0, np.inf, 0.8)}
    facts = report.law_interval_facts({CNN: closed, VIT: open_above}, curve_table())
    assert facts["cnn_b_range"] == "0.31 to 0.52" and facts["cnn_floor_range"] == "0.015 to 0.030"
    assert facts["cnn_stop_range"] == "1,200 to 3,500 weights"
    assert facts["vit_stop_range"].startswith("from 6,500 weights to never")
    nowhere = LawInterval(np.inf, np.inf, np.inf, 0.0)
    assert report.crossover_range_text(nowhere, 400, 5_000).startswith("no size")
    too_far = LawInterval(1e12, 1e10, 1e13, 1.0)  # a million times 5,000 is 5e9
    assert report.crossover_range_text(too_far, 400, 5_000).startswith("no size")
    wide = LawInterval(1e3, 52.0, 2e305, 0.97)
    assert report.crossover_range_text(wide, 400, 5_000).startswith(
        "from before the smallest size to never")
    flat = LawInterval(1e-7, 0.0, 120.0, 1.0)
    assert report.crossover_range_text(flat, 400, 5_000).startswith("before the smallest size in")
    reaching = LawInterval(1e3, 52.0, 2_345.0, 1.0)
    assert report.crossover_range_text(reaching, 400, 5_000) == (
        "before the smallest size to 2,300 weights")


@pytest.mark.parametrize(("outcome", "start"), [("inside", "inside that range"),
                                                ("better than", "better than that range"),
                                                ("worse than", "worse than that range")])
def test_the_next_size_is_read_against_the_law(outcome, start):
    from medlib.scale.law_bootstrap import NextSizeCheck

    check = NextSizeCheck(306_913.0, 0.03, 0.025, 0.036, 0.028, outcome)
    from medlib.scale.plateau import Plateau

    facts = report.next_size_facts(check, "CNN w32",
                                   pd.Series({"kept epoch": 4, "epochs run": 7}), Plateau(15, 3))
    assert facts["next_epochs"] == "its validation loss was lowest after epoch 4 of the 7 it ran"
    assert facts["next_reading"] == report.NEXT_SIZE_READINGS[outcome]
    early = report.next_size_facts(check, "CNN w32",
                                   pd.Series({"kept epoch": 1, "epochs run": 4}), Plateau(15, 3))
    assert early["next_reading"].endswith(
        "; but the run kept one of its first 3 epochs, so it tests the stopping rule at this "
        "size as much as the law")
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
    assert facts["runs_early"] == "0 of 4"
    assert report.plateau_facts(log.assign(**{"kept epoch": [1, 3, 4, 12]}),
                                Plateau(12, 3))["runs_early"] == "2 of 4"
    calm = report.plateau_facts(log.assign(**{"at cap": False}), Plateau())
    assert calm["cap_reading"].startswith("fewer than one in ten")


def test_record_size_claims_records_each_difference_and_the_claims():
    class Recorder:  # the two methods of ResultsRecorder that record_size_claims calls
        def __init__(self):
            self.metrics, self.extras = [], {}

        def add_metric(self, name, *numbers, **options):
            self.metrics.append(name)
            return "::".join(name)

        def add_extra(self, name, value):
            self.extras[name] = value

    rng = np.random.default_rng(1)
    y_test = np.tile([0, 1], 30)

    class Runs:
        def final_scores(self, variant):
            return [rng.random(y_test.size) for _ in range(2)]

    recorder = Recorder()
    claims = report.record_size_claims(recorder, y_test, Runs(), curve_table(), 100, 0)
    assert recorder.metrics == [("size gain", CNN), ("size gain", VIT)]
    assert [c["metric"] for c in recorder.extras["claims"]] == [
        f"size gain::{CNN}", f"size gain::{VIT}"]
    assert set(claims) == {CNN, VIT}
