"""The benchmark chapter's sentences follow its numbers."""

from types import SimpleNamespace

import matplotlib
import pandas as pd
import pytest

from medlib.claims.verdicts import BEHIND, TIED, rederive
from medlib.data.published import AORSF_SOURCE
from medlib.survival.benchmark_figures import (
    plot_beside_published,
    published_table,
    styled_published_table,
)
from medlib.survival.benchmark_learners import COX, FOREST, NETWORK, benchmark_models
from medlib.survival.benchmark_report import (
    data_facts,
    forest_size_facts,
    paired_text,
    prediction_count_facts,
    repeated_columns,
    run_facts,
    task_facts,
    task_texts,
    top_setting_text,
    verdict,
    verdict_claims,
    window_claim,
    window_texts,
)
from medlib.survival.benchmark_tables import paired_table, summary_over_splits

matplotlib.use("Agg")

PUBLISHED = pd.DataFrame({
    "learner": ["best", "nn-cox"], "IPA": [0.3, 0.0], "IPA SD": [0.01, 0.01],
    "time-dependent C": [0.90, 0.55], "C SD": [0.01, 0.1]})


def per_split(net_offset: float) -> pd.DataFrame:
    base = [0.85, 0.86, 0.84, 0.85]
    rows = []
    for k, c in enumerate(base):
        rows.append({"split": k, "model": "net", "time-dependent C": c + net_offset + 0.001 * k,
                     "IPA": 0.2})
        rows.append({"split": k, "model": "cox", "time-dependent C": c, "IPA": 0.2})
    return pd.DataFrame(rows)


@pytest.mark.parametrize(("offset", "words"), [
    (0.02, "ahead of the declared baseline (cox)"), (-0.02, "behind the declared baseline (cox)"),
    (0.0, "cannot be told apart from the declared baseline (cox)")])
def test_verdict_reads_the_paired_interval(offset, words):
    table = per_split(offset)
    if offset == 0.0:  # differences of both signs: the interval straddles zero
        table.loc[table["model"] == "net", "time-dependent C"] += [0.01, -0.012, 0.011, -0.01]
    paired = paired_table(table, [("net", "cox")]).assign(task="t")
    claims = verdict_claims(summary_over_splits(table), PUBLISHED, paired, "t", "net", "cox")
    sentence = verdict(claims, "T")
    assert words in sentence and "below the benchmark's best published row" in sentence
    assert all(rederive(c.record()) == c.outcome for c in claims)


def test_verdict_against_published_above_and_level():
    table = per_split(0.02)
    paired = paired_table(table, [("net", "cox")]).assign(task="t")
    low = PUBLISHED.assign(**{"time-dependent C": [0.80, 0.55]})
    claims = verdict_claims(summary_over_splits(table), low, paired, "t", "net", "cox")
    assert "above the benchmark's best published row" in verdict(claims, "T")
    level = PUBLISHED.assign(**{"time-dependent C": [0.8725, 0.55]})
    claims = verdict_claims(summary_over_splits(table), level, paired, "t", "net", "cox")
    assert "cannot be told apart from the benchmark's best" in verdict(claims, "T")


def test_task_texts_rank_and_gap():
    texts = task_texts(summary_over_splits(per_split(0.02)), PUBLISHED, "net")
    assert texts["best_published"] == "best" and texts["rank_network"] == "2"
    assert texts["nn_cox"] == "0.550" and texts["network_gap"].startswith("-0.02")
    assert texts["ours_c"] == "net 0.871, cox 0.850"


def test_paired_and_setting_texts():
    paired = paired_table(per_split(0.02), [("net", "cox")]).assign(task="t")
    assert paired_text(paired, "t", "net − cox").endswith("ahead in 4 of 4 splits")
    won = pd.DataFrame({"hidden": [32, 128], "dropout": [0.1, 0.4],
                        "learning_rate": [0.01, 0.003], "splits": [3, 1],
                        "median_epochs": [12.0, 30.0]})
    assert top_setting_text(won) == ("32 units, dropout 0.1, learning rate 0.01 (3 of 4 splits, "
                                     "median 12 epochs)")


def test_window_texts_count_one_round_and_compare_round_by_round():
    rows = []
    for repeat in range(2):
        for fold in range(2):
            for model, auc in (("cox", 0.80), ("deep", 0.70 + 0.2 * repeat)):
                rows.append({"repeat": repeat, "fold": fold, "model": model, "AUC": auc,
                             "test people": 50, "events in window": 5 + fold,
                             "integrated Brier, Simpson": 0.1})
    per_fold = pd.DataFrame(rows)
    summary = per_fold.groupby("model", sort=False)[["AUC", "integrated Brier, Simpson"]].mean()
    texts = window_texts(per_fold, summary, "deep", "cox")
    assert texts["window_people"] == "100" and texts["window_events"] == "11"
    assert texts["window_events_range"] == "5–6"
    assert "the rounds disagree" in texts["window_verdict"]
    assert window_claim(per_fold, "deep", "cox").outcome == TIED
    behind = per_fold.assign(AUC=per_fold["AUC"].where(per_fold["model"] == "cox", 0.6))
    assert "does not earn its place" in window_texts(behind, summary, "deep", "cox")[
        "window_verdict"]
    assert window_claim(behind, "deep", "cox").outcome == BEHIND
    ahead = per_fold.assign(AUC=per_fold["AUC"].where(per_fold["model"] == "cox", 0.95))
    assert "leads in every round" in window_texts(ahead, summary, "deep", "cox")[
        "window_verdict"]


def test_repeated_columns_counts_only_recorded_values():
    features = pd.DataFrame({"chol": [1.0, 2.0, 3.0, 4.0], "hdl": [1.0, 5.0, None, 4.0],
                             "sbp": [120.0, 130.0, 140.0, 150.0], "dbp": [80.0] * 4})
    same_chol, same_sbp = repeated_columns(features)
    assert same_chol == pytest.approx(2 / 3) and same_sbp == 0.0


def test_data_run_and_task_facts():
    tasks = {name: SimpleNamespace(n_rows=rows, n_events=events, features=features)
             for name, rows, events, features in (
                 ("pbc_orsf", 276, 111, None),
                 ("nafld", 12000, 800, pd.DataFrame({"chol": [150.0, 200.0, 250.0]})))}
    facts = data_facts(tasks, 0.5, 0.25, 138)
    assert facts["nafld_rows"] == "12,000" and facts["median_chol"] == "200"
    assert (facts["share_chol_is_hdl"], facts["share_sbp_is_dbp"]) == ("50.0%", "25.0%")
    assert facts["pbc_train_half"] == "138" and facts["pbc_quarter_deaths"] == "14"
    run = run_facts(2000, 2, 3, {"hidden": (32, 64), "dropout": (0.1,)}, 500, 100, 10)
    assert run == {"nafld_tree_samples": "2,000", "pbc_splits": "2", "nafld_splits": "3",
                   "forest_trees": "500", "nafld_forest_trees": "100", "forest_min_leaf": "10",
                   "grid_hidden": "32 or 64", "grid_dropout": "0.1"}
    prefixed = task_facts("pbc_orsf", summary_over_splits(per_split(0.02)), PUBLISHED, "net")
    assert prefixed["pbc_orsf_n_published"] == "2"
    assert all(key.startswith("pbc_orsf_") for key in prefixed)


def test_published_table_and_figure():
    summary = summary_over_splits(per_split(0.02))
    table = published_table(summary, PUBLISHED, 4)
    assert list(table["learner"])[:1] == ["best"]
    assert set(table["source"]) == {"this book (4 splits)", f"{AORSF_SOURCE} (25 splits)"}
    html = styled_published_table(summary, PUBLISHED, 4).to_html()
    assert "font-weight: bold" in html  # our rows
    plot_beside_published(summary, PUBLISHED, 4)


def test_benchmark_models_are_seeded_factories():
    models = benchmark_models(5, 3, 100, 2)
    assert list(models) == [COX, FOREST, NETWORK]
    forest = models[FOREST](7).estimator
    assert forest.get_params()["n_estimators"] == 5 and forest.get_params()["random_state"] == 7
    assert forest.get_params()["max_samples"] == 100
    assert forest.get_params()["min_samples_leaf"] == 15
    sized = benchmark_models(500, 3, None, 3, forest_min_leaf=10)[FOREST](0).estimator
    assert (sized.get_params()["min_samples_leaf"], sized.get_params()["max_samples"]) == (10, None)


def test_a_verdict_on_the_edge_says_so():
    from medlib.claims.verdicts import compare_difference

    numbers = dict(estimate=-0.0164, low=-0.0329, high=-0.00001)
    edge = compare_difference("net, t", "best (published)", *numbers.values(), "corrected_t_95")
    edge = edge.__class__(**{**edge.record(), "numbers": {**edge.numbers, "splits": 10.0}})
    base = compare_difference("net, t", "cox", 0.002, -0.004, 0.008, "corrected_t_95")
    base = base.__class__(**{**base.record(), "numbers": {**base.numbers, "splits": 10.0}})
    sentence = verdict((base, edge), "T")
    assert "cannot be told apart from the declared baseline (cox), and is below" in sentence
    assert sentence.count("on the edge") == 1 and "another draw of the splits" in sentence


def test_forest_size_facts_scale_one_tree_to_the_benchmark_forest():
    facts = forest_size_facts(6.0, n_splits=25)
    assert (facts["benchmark_forest_trees"], facts["benchmark_node_size"]) == ("500", "10")
    assert facts["full_tree_seconds"] == "6.0"
    assert facts["full_forest_minutes"] == "25"  # 6 s x 500 trees / 2 cores
    assert facts["full_forest_hours"] == "10.4"  # 25 minutes x 25 splits


def test_prediction_count_facts_count_every_split_model_person_and_time():
    import numpy as np

    from medlib.survival.benchmark import BenchmarkRun, SplitPredictions

    split = SplitPredictions(0, np.arange(4), np.arange(3.0),
                             {"a": np.ones((4, 3)), "b": np.ones((4, 3))})
    run = BenchmarkRun(pd.DataFrame(), [split, split])
    assert prediction_count_facts(run, "nafld") == {"nafld_prediction_values": "48"}
    big = SplitPredictions(0, np.arange(1), np.arange(1.0), {"a": np.ones((1000, 1500))})
    assert prediction_count_facts(BenchmarkRun(pd.DataFrame(), [big]), "t") == {
        "t_prediction_values": "1.5 million"}
