"""Chapter cnn_frontier's levers: the length chosen on validation log loss, ensembles of
two that share no run, and the sentences built from the claims."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import log_loss

from medlib.claims.verdicts import compare_difference
from medlib.train.beyond_facts import headline_claims
from medlib.train.frontier import choose_length, mean_validation_scores, paired_ensembles
from medlib.train.frontier_facts import (
    calibration_facts,
    calibration_table,
    choice_facts,
    gap_facts,
    headline_claims_as,
    lever_table,
    lever_text,
)

RNG = np.random.default_rng(0)
Y_VAL = np.array([0, 1] * 50)


def run(sharpness: float, noise: float = 0.0) -> dict[str, np.ndarray]:
    """Probabilities that rank every case right (validation AUROC 1) and are as sure of
    it as ``sharpness`` says: only the log loss can tell two such runs apart."""
    p = 1 / (1 + np.exp(-sharpness * (Y_VAL - 0.5 + noise * RNG.normal(size=Y_VAL.size))))
    return {"val": p, "test": p[::-1]}


def test_the_surer_candidate_wins_where_auroc_ties():
    blunt, sharp = [run(2.0), run(2.5)], [run(8.0), run(9.0)]
    table = choose_length({6: blunt, 15: sharp}, Y_VAL)
    assert table.loc[0, "epochs"] == 15 and table["chosen"].tolist() == [True, False]
    assert table["val AUROC"].tolist() == [1.0, 1.0]
    expected = np.mean([log_loss(Y_VAL, r["val"]) for r in sharp])
    assert table.loc[0, "val log loss"] == pytest.approx(expected)


def test_a_tie_goes_to_the_shorter_schedule():
    same = [run(4.0)]
    table = choose_length({15: same, 6: same}, Y_VAL)
    assert table.loc[0, "epochs"] == 6


def test_choosing_needs_two_candidates_and_runs():
    with pytest.raises(ValueError, match="two candidates"):
        choose_length({6: [run(2.0)]}, Y_VAL)
    with pytest.raises(ValueError, match="no runs given"):
        mean_validation_scores([], Y_VAL)


def test_ensembles_pair_runs_one_to_one():
    first, second = [run(2.0), run(3.0)], [run(5.0), run(7.0)]
    ensembles = paired_ensembles(first, second)
    assert len(ensembles) == 2
    for k, ensemble in enumerate(ensembles):
        for split in ("val", "test"):
            assert np.array_equal(ensemble[split], (first[k][split] + second[k][split]) / 2)
    with pytest.raises(ValueError, match="pair runs one to one"):
        paired_ensembles(first, second[:1])


def test_choice_facts_name_the_chosen_and_the_other():
    table = choose_length({6: [run(2.0)], 15: [run(8.0)]}, Y_VAL)
    facts = choice_facts(table)
    assert facts["chosen_epochs"] == "15"
    assert facts["other_lengths"].startswith("6 epochs: log loss ")


def test_lever_sentences_follow_the_interval():
    gain = compare_difference("long", "short", 0.004, 0.001, 0.007, "bootstrap_95")
    unclear = compare_difference("tta", "plain", 0.001, -0.002, 0.003, "bootstrap_95")
    assert lever_text(gain) == "+0.004, 95% CI +0.001 to +0.007: a gain the interval confirms"
    assert lever_text(unclear).endswith("the interval includes zero")
    table = lever_table({"length": gain, "tta": unclear})
    assert table.loc["length", "verdict"] == "ahead"
    assert table.loc["tta", "low"] == -0.002


def test_calibration_of_perfect_probabilities():
    y = np.array([0, 1] * 200)
    p = np.where(y == 1, 0.8, 0.2)
    table = calibration_table(y, {"model": [p, p]})
    assert table.loc["model", "Brier"] == pytest.approx(0.04)
    assert table.loc["model", "ECE"] == pytest.approx(0.2)


def test_gap_is_read_against_the_best_lever():
    full = pd.DataFrame({"value": [0.981, 0.935]}, index=["AUROC", "accuracy"])
    facts = gap_facts(full, {"AUROC": 0.985, "accuracy": 0.93}, best_gain=0.002)
    assert facts == {"auroc_gap": "0.004 below", "accuracy_gap": "0.005 above",
                     "gap_in_best_gains": "2.0 times the largest AUROC gain a lever bought here"}
    assert gap_facts(full, {"AUROC": 0.985, "accuracy": 0.93}, -0.001)["gap_in_best_gains"] \
        == "not comparable with any lever here: none gained AUROC"
    assert gap_facts(full, {"AUROC": 0.98, "accuracy": 0.93}, 0.002)["gap_in_best_gains"] \
        == "no gap to close"


def test_calibration_facts_say_which_way_the_probabilities_miss():
    y = np.array([0, 1] * 200)
    too_sure = np.where(y == 1, 0.99, 0.6)  # every normal image called pneumonia at 0.6
    table = calibration_table(y, {"ensembles of two": [too_sure], "single networks": [too_sure]})
    facts = calibration_facts(table)
    assert facts["calibration_direction"] == "too high"
    assert facts["ens_brier"] == facts["single_brier"] == f"{table.iloc[0]['Brier']:.3f}"
    assert set(facts) >= {"ens_ece", "single_calibration_slope", "ens_calibration_intercept"}


def test_headline_claims_are_said_of_the_ensembles_and_rest_on_their_metrics():
    full = pd.DataFrame({"value": [0.981, 0.918], "ci_low": [0.97, 0.90],
                         "ci_high": [0.99, 0.94]}, index=["AUROC", "accuracy"])
    published = pd.DataFrame({"model": ["Google AutoML Vision"], "source": ["x"],
                              "test AUROC": [0.991], "test accuracy": [0.946]})
    claims = headline_claims(full, {"AUROC": 0.985, "accuracy": 0.93}, published)
    renamed = headline_claims_as(claims, "three ensembles",
                                 {"test_AUROC": "test::AUROC::ensembles"})
    assert [c.subject for c in renamed] == ["three ensembles: test AUROC",
                                            "three ensembles: test accuracy",
                                            "three ensembles: test AUROC"]
    assert {c.metric for c in renamed} == {"test::AUROC::ensembles", "test_accuracy"}
    assert [c.outcome for c in renamed] == [c.outcome for c in claims.all()]


def test_widened_multiplies_the_improved_cnn_defaults():
    from medlib.models.cnn_torch import ImprovedCNN
    from medlib.train.frontier import widened

    assert widened(1) == (16, 32, 64)
    assert widened(2) == (32, 64, 128)
    wide = ImprovedCNN(1, 1, widened(2))
    assert wide.head.in_features == 128
    with pytest.raises(ValueError, match="at least 1"):
        widened(0)


def test_cost_facts_is_the_ratio_of_mean_training_times():
    import pandas as pd

    from medlib.train.frontier_facts import cost_facts

    log = pd.DataFrame({"variant": ["wide", "wide", "std", "std"],
                        "training (s)": [90.0, 110.0, 30.0, 20.0]})
    assert cost_facts(log, "wide", "std") == {"width_cost": "4.0"}
    with pytest.raises(ValueError, match="no run of 'wider'"):
        cost_facts(log, "wider", "std")
