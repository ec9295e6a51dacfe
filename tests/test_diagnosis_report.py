"""medlib.train.diagnosis_report: the cnn_diagnosis chapter's glued texts and per-seed
records, every branch, from small made-up tables."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from medlib.metrics import METRIC_NAMES
from medlib.metrics.seed_summary import OPERATING_POINT
from medlib.train import diagnosis_report as dr

NaN = float("nan")


@pytest.mark.parametrize(("official", "words"), [(True, dr.OFFICIAL_FILE),
                                                 (False, dr.REBUILT_FILE)])
def test_data_facts_say_whether_the_file_is_the_official_one(official, words):
    info = SimpleNamespace(name="PneumoniaMNIST", description="chest X-rays", license="CC BY 4.0")
    facts = dr.data_facts(info, SimpleNamespace(md5="abc", official=official), 28)
    assert facts == {"data_name": "PneumoniaMNIST", "data_description": "chest X-rays",
                     "size": "28", "data_license": "CC BY 4.0", "data_md5": "abc",
                     "data_official": words}


def test_throughput_facts_compare_the_two_input_sizes():
    throughput = pd.DataFrame({"parameters": [25_000_000, 1_000_000],
                               "training images / s": [10.0, 2_000.0],
                               "100 epochs (h)": [12.34, 0.06]})
    facts = dr.throughput_facts(throughput, [(26, 26, 128), (1, 1, 128)])
    assert facts == {"speedup": "200", "hours_224": "12.3", "param_ratio": "25",
                     "flat_shape_224": "26 × 26 × 128", "flat_224": "86,528", "flat_small": "128",
                     "params_small": "1,000,000"}


def training_log():
    return pd.DataFrame({"kept epoch": [3, 4], "val AUROC at kept epoch": [0.95, 0.97],
                         "training (s)": [30.0, 30.04]}, index=pd.Index([7, 8], name="seed"))


def test_training_facts_give_the_schedule_and_the_protocols_cost():
    facts = dr.training_facts(training_log(), 4, [7, 8])
    assert facts == {"val_auroc": "0.960", "kept_epochs": "3, 4", "epochs": "4", "n_seeds": "2",
                     "seed_list": "7, 8", "lr_step_1": "3", "lr_step_2": "4",
                     "protocol_minutes": "25"}
    assert dr.training_record(training_log(), 4, (7, 8)) == {
        "epochs": 4, "protocol_epochs": 100, "seeds": [7, 8], "seconds": 60.0}


def summary_tables():
    metrics = ["AUROC", "accuracy", "sensitivity", "specificity", "Brier"]
    table = pd.DataFrame({"value": [0.9, 0.8, 0.95, 0.6, 0.1], "ci_low": 0.5, "ci_high": 0.99},
                         index=metrics)
    view = pd.DataFrame({"mean over seeds": table["value"], "ci": [f"ci {m}" for m in metrics],
                         "range": [f"range {m}" for m in metrics]}, index=metrics)
    return table, view


def test_metric_facts_give_each_metric_its_mean_and_both_spreads():
    at_val, view_val = summary_tables()
    at_half, view_half = at_val * 0.5, view_half_of(view_val)
    facts = dr.metric_facts(at_val, at_half, view_val, view_half)
    assert len(facts) == 3 * len(dr.METRIC_KEYS)
    assert (facts["test_auroc"], facts["test_auroc_ci"], facts["test_auroc_range"]) == (
        "0.900", "ci AUROC", "range AUROC")
    assert (facts["spec_half"], facts["spec_half_ci"]) == ("0.300", "half ci specificity")
    assert facts["brier"] == "0.100"


def view_half_of(view):
    return view.assign(ci=["half " + c for c in view["ci"]])


def test_split_facts_give_the_prevalences_and_the_validation_normals():
    y = {"train": np.array([1, 1, 1, 0]), "val": np.array([0, 0, 1]), "test": np.array([0, 1])}
    assert dr.split_facts(y) == {"prev_train": "75%", "prev_test": "50%", "val_normals": "2",
                                 "n_test": "2"}


def test_calibration_facts_give_means_ranges_and_the_observed_frequency_at_half():
    calibration = pd.DataFrame({"intercept": [-1.0, -0.5], "slope": [0.4, 0.6]})
    facts = dr.calibration_facts(calibration, 0.2345)
    assert facts == {"cal_slope": "0.50", "cal_slope_range": "0.40–0.60", "cal_intercept": "-0.75",
                     "cal_intercept_range": "-1.00 to -0.50", "observed_at_half": "32%",
                     "brier_constant": "0.234"}


def test_errors_facts_count_the_first_seeds_errors_at_both_thresholds():
    y_test = np.array([0, 0, 1, 1, 1])
    scores = np.array([0.4, 0.8, 0.2, 0.6, 0.35])
    facts = dr.errors_facts({7: 0.3, 8: 0.55}, 7, y_test, scores)
    assert facts == {"threshold_range": "0.300 and 0.550", "first_seed": "7",
                     "fp_val_first": "2", "fn_val_first": "1",
                     "fp_half_first": "1", "fn_half_first": "2"}


@pytest.mark.parametrize(("value", "side"), [(0.95, "above"), (0.5, "below"), (0.8, "inside"),
                                             (NaN, "inside")])
def test_interval_side(value, side):
    assert dr.interval_side(value, 0.7, 0.9) == side


def test_published_facts_read_the_rows_transcribed_and_mark_the_missing_ones():
    at_val, _ = summary_tables()
    published = pd.DataFrame({"model": ["ResNet-18 (28 px)", "Google AutoML Vision"],
                              "test AUROC": [0.944, 0.991]})
    facts = dr.published_facts(published, at_val)
    assert facts == {"pub_resnet18": "0.944", "pub_autokeras": "nan", "pub_automl": "0.991",
                     "automl_vs_ci": "above"}
    empty = published.iloc[:0]
    assert dr.published_facts(empty, at_val)["automl_vs_ci"] == "inside"


def test_per_seed_records_and_their_range_over_seeds():
    seeds = [7, 8]
    per_seed = pd.DataFrame({**{name: [0.1, 0.3] for name in METRIC_NAMES},
                             **{f"{name} at 0.5": [0.5, 0.7] for name in OPERATING_POINT}},
                            index=seeds)
    calibration = pd.DataFrame({"intercept": [-1.0, -0.5], "slope": [0.4, 0.6]}, index=seeds)
    records = dr.per_seed_records(seeds, {7: 0.3, 8: 0.55}, training_log(), per_seed, calibration)
    assert [r["seed"] for r in records] == seeds and records[1]["kept_epoch"] == 4
    assert records[0]["test_AUROC"] == 0.1 and records[1]["test_at_0.5_accuracy"] == 0.7
    assert records[0]["test_calibration_slope"] == 0.4 and records[1]["threshold"] == 0.55
    spread = dr.range_over_seeds(records)
    assert "seed" not in spread and "kept_epoch" not in spread
    assert spread["threshold"]["min"] == 0.3 and spread["threshold"]["max"] == 0.55
    assert spread["threshold"]["sd"] == pytest.approx(np.std([0.3, 0.55], ddof=1))
    assert dr.range_over_seeds(records[:1])["threshold"]["sd"] is None
