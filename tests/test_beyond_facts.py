"""medlib.train.beyond_facts: chapter ``cnn_beyond``'s facts, tables and figure from small
made-up tables, every branch (binary and multi-class, with and without published rows)."""

from types import SimpleNamespace

import matplotlib
import numpy as np
import pandas as pd
import pytest

from medlib.claims.verdicts import AHEAD, BEHIND, TIED
from medlib.metrics.split_gap import SeedAveragedErrors
from medlib.train import beyond_facts as bf

matplotlib.use("Agg")

FULL = pd.DataFrame({"value": [0.980, 0.900], "ci_low": [0.970, 0.880],
                     "ci_high": [0.990, 0.920], "seed_sd": [0.002, 0.01],
                     "seed_min": [0.978, 0.89], "seed_max": [0.982, 0.91]},
                    index=["AUROC", "accuracy"])
SEED = FULL.assign(value=[0.950, 0.850], seed_sd=[0.004, 0.02])
PUBLISHED = pd.DataFrame({"model": ["ResNet-18 (28 px)", "Google AutoML Vision", "AutoKeras"],
                          "test AUROC": [0.944, 0.991, np.nan]})


def test_span_and_rows_text():
    assert bf.span(0.1234, 0.5) == "0.123–0.500"
    assert bf.rows_text(pd.Series({"a": 0.01234, "b": -0.002})) == "'a' (+0.012), 'b' (-0.002)"
    assert bf.rows_text(pd.Series(dtype=float)) == "none"


@pytest.mark.parametrize(("official", "words"), [
    (True, "the official file"), (False, "not the official file: listed in its MANIFEST.tsv")])
def test_data_facts(official, words):
    splits = SimpleNamespace(
        info=SimpleNamespace(name="PneumoniaMNIST", description="chest X-rays", task="binary"),
        data=SimpleNamespace(file=SimpleNamespace(official=official, md5="abc")))
    facts = bf.data_facts(splits, 2, 28, 1)
    assert facts == {"data_name": "PneumoniaMNIST", "data_description": "chest X-rays",
                     "data_task": "binary", "n_classes": "2", "size": "28", "in_channels": "1",
                     "data_md5": "abc", "data_official": words}


@pytest.mark.parametrize(("ratio", "faster", "factor"), [(1.5, "torch", "1.50"),
                                                         (0.5, "Keras", "2.00")])
def test_framework_facts(ratio, faster, factor):
    speed = pd.DataFrame({"torch ÷ Keras": [ratio]}, index=["improved CNN"])
    assert bf.framework_facts(speed) == {"framework_faster": faster, "framework_ratio": factor}


def test_our_rows_and_the_styled_tables():
    rows = bf.our_rows({"a": FULL, "b": SEED}, {"a": 1000, "b": 2000}, 28, 2)
    assert rows["model"].tolist() == ["a (28 px, mean of 2 seeds)", "b (28 px, mean of 2 seeds)"]
    assert rows["AUROC range over seeds"][0] == "0.978–0.982"
    assert rows["parameters"].tolist() == [1000, 2000]
    html = bf.headline_style(rows).to_html()
    assert "AUROC 95% CI</th>" in html and "1,000" in html and "0.0020" in html
    cost = pd.DataFrame({"parameters": [1000], "MFLOPs / image": [1.234], "latency_ms": [0.5],
                         "inference_images_per_s": [12345.6], "training images / s": [99.0]},
                        index=["improved CNN"])
    html = bf.cost_style(cost).to_html()
    assert "latency (ms)" in html and "inference images / s" in html and "12,346" in html


ABLATION = pd.DataFrame(
    {"Δ test AUROC": [0.0, -0.001, -0.010, -0.030, 0.004],
     "Δ test accuracy": [0.0, 0.002, -0.05, -0.04, 0.001],
     "test AUROC": [0.98, 0.979, 0.97, 0.95, 0.984],
     "val AUROC": [0.995, 0.995, 0.994, 0.98, 0.996], "seeds": [2, 2, 1, 1, 1]},
    index=["full recipe", "− test-time augmentation", "− augmentation",
           "seed CNN instead of improved CNN", "− label smoothing"])


@pytest.mark.parametrize("full_sd", [0.002, float("nan")])
def test_ablation_figure(full_sd):
    fig = bf.ablation_figure(ABLATION, full_sd)
    ax = fig.axes[0]
    assert len(ax.patches) >= 4 and (ax.get_legend() is not None) == np.isfinite(full_sd)
    matplotlib.pyplot.close(fig)


def test_headline_claims_and_facts_with_published_rows():
    claims = bf.headline_claims(FULL, {"AUROC": 0.975, "accuracy": 0.95}, PUBLISHED)
    assert [c.outcome for c in claims.targets] == [TIED, BEHIND]
    assert list(claims.by_row) == ["ResNet-18 (28 px)", "Google AutoML Vision"]
    assert claims.record() == {"auroc_at_least": 0.975, "accuracy_at_least": 0.95, "met": False}
    assert [c.metric for c in claims.all()] == ["test_AUROC", "test_accuracy", "test_AUROC",
                                                "test_AUROC"]
    facts = bf.headline_facts(claims, FULL, SEED, {"n_seeds": 2, "epochs": 6})
    assert facts["n_seeds"] == "2" and facts["epochs"] == "6"
    assert facts["target_auroc"] == "0.975" and facts["target_accuracy"] == "0.950"
    assert facts["target_accuracy_verdict"].startswith("misses the target of 0.950")
    assert facts["full_auroc_ci"] == "0.970–0.990" and facts["full_acc_range"] == "0.890–0.910"
    assert (facts["full_auroc"], facts["seed_auroc"], facts["seed_acc"]) == (
        "0.980", "0.950", "0.850")
    assert facts["pub_automl"] == "0.991"
    assert facts["automl_relation"] == "lies above our 95% CI of test AUROC (ahead of it)"
    assert facts["published_relation"] == "is ahead of ResNet-18 (28 px) (0.944)"


def test_headline_facts_without_published_rows():
    claims = bf.headline_claims(FULL, {"AUROC": 0.9, "accuracy": 0.8}, PUBLISHED.iloc[2:])
    assert claims.by_row == {} and claims.record()["met"] is True
    assert [c.outcome for c in claims.all()] == [AHEAD, AHEAD]
    facts = bf.headline_facts(claims, FULL, SEED, {})
    assert facts["published_relation"] == "has no published row to be compared with"
    assert "automl_relation" not in facts and "pub_automl" not in facts
    only_automl = bf.headline_claims(FULL, {"AUROC": 0.9, "accuracy": 0.8}, PUBLISHED.iloc[1:2])
    facts = bf.headline_facts(only_automl, FULL, SEED, {})
    assert facts["published_relation"] == bf.NO_PUBLISHED_ROW and "automl_relation" in facts


def calibration(t_value):
    index = pd.MultiIndex.from_product([("val", "test"), ("before (T = 1)", "after")])
    return pd.DataFrame({"T": [1.0, t_value] * 2, "ECE": [0.05, 0.02, 0.06, 0.055]}, index=index)


def test_ablation_facts_under_confident_and_a_spread_of_validation_scores():
    facts = bf.ablation_facts(ABLATION, 0.002, SEED, calibration(0.8))
    assert facts["clear_rows"] == (
        "'− augmentation' (-0.010), 'seed CNN instead of improved CNN' (-0.030)")
    assert facts["unclear_rows"] == "'− test-time augmentation', '− label smoothing'"
    assert facts["big_rows"] == facts["clear_rows"]
    assert facts["full_sd"] == "0.0020" and facts["seed_sd"] == "0.0040"
    assert facts["val_span"] == "between 0.994 and 0.996"
    assert (facts["val_min"], facts["val_max"]) == ("0.994", "0.996")
    assert facts["arch_test_auroc"] == "0.950" and facts["arch_delta"] == "-0.030"
    assert facts["aug_delta"] == "-0.010" and facts["aug_d_acc"] == "-0.050"
    assert facts["temperature"] == "0.80" and facts["confidence_word"].startswith("below 1")
    assert (facts["ece_val_before"], facts["ece_val_after"], facts["ece_test_before"],
            facts["ece_test_after"]) == ("0.050", "0.020", "0.060", "0.055")


def test_ablation_facts_over_confident_one_validation_score_and_no_clear_row():
    flat = ABLATION.assign(**{"val AUROC": 0.995})
    wide = SEED.assign(seed_sd=[0.05, 0.05])
    facts = bf.ablation_facts(flat, 0.02, wide, calibration(1.3))
    assert facts["val_span"] == "of 0.995 for every variant"
    assert facts["confidence_word"] == "above 1: the network was over-confident"
    assert facts["big_rows"] == "none" and facts["clear_rows"] == "none"
    all_clear = bf.ablation_facts(ABLATION, 0.0001, SEED.assign(seed_sd=[0.0, 0.0]),
                                  calibration(1.0))
    assert all_clear["unclear_rows"] == "none"


def test_cost_facts():
    cost = pd.DataFrame({"parameters": [1000, 4000], "MFLOPs / image": [6.0, 2.0],
                         "latency_ms": [0.44, 0.3], "inference_images_per_s": [12345.6, 2.0]},
                        index=["improved CNN", "seed CNN"])
    facts = bf.cost_facts(cost, {"seed": 10.4, "full": 20.6}, "seed", "full")
    assert facts == {"param_ratio": "4.0", "flop_ratio": "3.0", "latency_improved": "0.4",
                     "throughput_improved": "12,346", "train_seconds_seed": "10",
                     "train_seconds_full": "21"}


def gap_table(labels):
    columns = pd.MultiIndex.from_product([("share of split", "correct in class"),
                                          ("val", "test")])
    rows = [[0.3, 0.4, 0.9, 0.7], [0.7, 0.6, 0.95, 0.96]][:len(labels)]
    return pd.DataFrame([*rows, [1.0, 1.0, 0.99, 0.95]], index=[*labels, "AUROC"],
                        columns=columns)


def test_error_facts_binary():
    y_test = np.array([0, 0, 1, 1, 0])
    decided = np.array([1, 0, 0, 1, 1])
    errors = SeedAveragedErrors(decided, np.array([0, 2, 4]), np.array([4, 0, 2]),
                                np.array([True, False, False, False, True]))
    facts = bf.error_facts(errors, gap_table(["normal", "pneumonia"]), y_test, np.array([4, 2]),
                           ["normal", "pneumonia"])
    assert (facts["errors_total"], facts["errors_all_seeds"], facts["n_test"]) == ("3", "2", "5")
    assert (facts["n_shown"], facts["n_fp_shown"], facts["false_pos"]) == ("2", "1", "2")
    assert (facts["gap_val_auroc"], facts["gap_test_auroc"]) == ("0.990", "0.950")
    assert (facts["spec_val"], facts["spec_test"], facts["sens_val"], facts["sens_test"]) == (
        "0.900", "0.700", "0.950", "0.960")
    assert (facts["share0_val"], facts["share0_test"]) == ("30%", "40%")


def test_error_facts_multiclass_has_no_class_rates():
    labels = ["a", "b", "c"]
    gap = gap_table(["a", "b"])
    gap = pd.concat([gap.iloc[:2], gap.iloc[:1].rename(index={"a": "c"}), gap.iloc[2:]])
    errors = SeedAveragedErrors(np.array([1, 2, 0]), np.array([0]), np.array([0]),
                                np.array([False, False, False]))
    facts = bf.error_facts(errors, gap, np.array([0, 2, 0]), np.array([0]), labels)
    assert facts["n_fp_shown"] == "0" and facts["errors_all_seeds"] == "0"
    assert not {"spec_val", "sens_test", "share0_val", "false_pos"} & set(facts)
