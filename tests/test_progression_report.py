"""medlib.survival.progression_report: the words follow the declared comparison's claim."""

import matplotlib
import numpy as np
import pandas as pd
import pytest

from medlib.claims.verdicts import rederive
from medlib.data.cohorts import VisitCohort
from medlib.metrics.repeated_splits import paired_difference, summarise_with_corrected_t
from medlib.survival import progression_figures as figures
from medlib.survival import progression_report as report
from medlib.survival.landmark import LandmarkSet
from medlib.survival.progression import FittedPrediction
from medlib.survival.progression_report import (
    conclusion_lead,
    declared_verdict_facts,
    interval_reach,
    paired_verdict,
    parse_comparison,
    primary_claim,
)

matplotlib.use("Agg")


@pytest.mark.parametrize(("low", "high", "expected"), [
    (0.01, 0.03, "above zero: GRU ranks"),
    (-0.03, -0.01, "below zero: Cox ranks"),
    (-0.01, 0.02, "cannot be told apart"),
])
def test_paired_verdict_reads_the_interval(low, high, expected):
    claim = primary_claim("GRU", "Cox", (low + high) / 2, low, high)
    assert expected in paired_verdict(claim)
    assert rederive(claim.record()) == claim.outcome


@pytest.mark.parametrize(("low", "high", "expected"), [
    (0.01, 0.03, "buys something measurable"),
    (-0.03, -0.01, "the survival baseline wins"),
    # an interval touching zero decides nothing
    (0.0, 0.02, "buys nothing these splits can measure"),
])
def test_conclusion_lead_reads_the_interval(low, high, expected):
    assert expected in conclusion_lead(primary_claim("GRU", "Cox", 0.01, low, high))


def test_parse_comparison():
    assert parse_comparison("self-attention, time-aware|Cox, landmark") == (
        "self-attention, time-aware", "Cox, landmark")
    for bad in ("GRU", "GRU|", "|Cox", "a|b|c"):
        with pytest.raises(ValueError, match="deep model|baseline"):
            parse_comparison(bad)


@pytest.mark.parametrize(("low", "high", "expected"), [
    (0.011, 0.034, "gain in Harrell's C lies between 0.011 and 0.034"),
    (-0.034, -0.011, "loss in Harrell's C lies between 0.011 and 0.034"),
    (-0.011, 0.020, "rules out a gain in Harrell's C above 0.020 and a loss above 0.011"),
])
def test_interval_reach_says_what_the_interval_excludes(low, high, expected):
    assert expected in interval_reach(primary_claim("GRU", "Cox", (low + high) / 2, low, high))


# --- the page's facts, tables and figures, on small inputs ---------------------------------

DEEP = ["GRU", "self-attention, time-aware"]
BASES = ["Cox, landmark", "random survival forest"]


def landmark_set(n: int = 30, seed: int = 0) -> LandmarkSet:
    """``n`` people with 1..4 visits, follow-up up to 8 years, a third dead."""
    rng = np.random.default_rng(seed)
    lengths = 1 + np.arange(n) % 4
    mask = np.arange(4)[None, :] < lengths[:, None]
    return LandmarkSet(
        ids=np.arange(100, 100 + n), sequences=rng.standard_normal((n, 4, 2)).astype("float32"),
        mask=mask, visit_times=np.where(mask, -np.arange(4)[::-1][None, :] * 0.5, 0.0),
        baseline=np.zeros((n, 1)), at_landmark=np.zeros((n, 1)),
        time=np.linspace(0.5, 8.0, n), event=np.arange(n) % 3 == 0,
        feature_names=("a", "b"), covariate_names=("a",))


def prediction(risk: np.ndarray) -> FittedPrediction:
    """Exponential survival with hazard ``risk``."""
    return FittedPrediction(risk=risk, seconds=0.1, extras={},
                            survival_fn=lambda times: np.exp(-np.outer(risk, times)))


def per_split(deep_offset: float) -> pd.DataFrame:
    rows = []
    for k in range(4):
        for i, model in enumerate(DEEP + BASES):
            c = 0.7 + 0.01 * k + (deep_offset if model in DEEP else 0.0) - 0.005 * i
            rows.append({"repetition": k + 1, "model": model, "seconds": 1.0 + i,
                         "C Harrell": c, "IBS": 0.1 + 0.01 * i,
                         "calibration error 5y": 0.02 * (i + 1)})
    return pd.DataFrame(rows)


def comparison(deep_offset: float):
    table = per_split(deep_offset)
    summary = summarise_with_corrected_t(table, "model", ["C Harrell", "IBS",
                                                          "calibration error 5y"], 0.3)
    paired = paired_difference(table, "C Harrell", DEEP[1], BASES[0])
    claim = report.primary_claim(DEEP[1], BASES[0], paired.mean(), paired.mean() - 0.01,
                                 paired.mean() + 0.01)
    return table, summary, paired, claim


def test_cohort_and_run_facts_quote_the_settings():
    visits = pd.DataFrame({"id": [1, 1, 2], "time": [0.0, 1.0, 0.0], "x": [1.0, 2.0, 3.0]})
    outcomes = pd.DataFrame({"id": [1, 2], "time": [3.0, 4.0], "event": [True, False]})
    cohort = VisitCohort("toy", visits, outcomes, ("age",), ("x", "y"), "a registry")
    facts = report.cohort_facts(cohort, pd.Series({"median visits up to the landmark": 2.0}),
                                outcomes.set_index("id"), 2.0)
    assert facts["n_visits"] == "3" and facts["deaths_after"] == "1"
    assert facts["dynamic_covariates"] == "x, y" and facts["median_visits"] == "2"
    run = report.run_facts(4, 0.3, 1000, 5, 64, 100, 16, 32, 0)
    assert (run["train_pct"], run["test_pct"], run["people_per_split"]) == ("70%", "30%", "1,000")
    assert (run["learning_rate"], run["patience"], run["seed_dropout"]) == ("0.003", "5", "0.1")


@pytest.mark.parametrize(("offset", "verdict"), [(0.05, "above zero"), (-0.05, "below zero")])
def test_comparison_facts_follow_the_splits(offset, verdict):
    table, summary, paired, claim = comparison(offset)
    facts = report.comparison_facts(summary, table, claim, paired, DEEP, 1234)
    assert verdict in facts["paired_verdict"]
    assert facts["n_test"] == "1,234" and facts["slowest"] == BASES[1]
    assert facts["worst_deep"] == DEEP[1]  # listed after GRU, so slightly lower
    assert facts["paired_wins"] == ("4 of 4" if offset > 0 else "0 of 4")
    assert facts["n_deep_below"] == ("0" if offset > 0 else "2")
    record = report.primary_record(claim, paired, 0.3)
    assert record["splits_deep_better"] == (4 if offset > 0 else 0)
    assert record["deep"] == DEEP[1] and record["baseline"] == BASES[0]
    assert len(report.summary_tables(summary)) == 2


def test_search_facts_with_and_without_a_search():
    trials = pd.DataFrame({"model": ["GRU"] * 4, "units": [32, 64, 32, 64],
                           "dropout": [0.1, 0.1, 0.1, 0.1], "validation_loss": [1.0, 2, 1, 2],
                           "epochs": [3, 4, 5, 6], "chosen": [True, False, False, True]})
    table = report.search_table(trials)
    facts = report.search_facts(table, 2, "32,64", "0.1,0.3")
    assert facts["search_outcome"] == ("GRU chose 32 units with dropout 0.1 in 1 of 2 splits "
                                       "and 64 units with dropout 0.1 in 1 of 2 splits")
    assert facts["search_units"] == "32 or 64" and facts["search_dropout"] == "0.1 or 0.3"
    assert "search_outcome" not in report.search_facts(None, 2, "32", "0.1")
    assert facts["search_on"] == "on the training people"
    assert "Declared search" in report.styled_search_table(table).to_html()


def test_search_facts_say_when_settings_are_compared_on_a_subsample():
    facts = report.search_facts(None, 10, "32,64", "0.1,0.3", search_people=2000)
    assert facts["search_people"] == "2,000"
    assert facts["search_on"].startswith("on 2,000 of the training people drawn at random")
    assert "trained again on all of them" in facts["search_on"]


def test_beside_published_pbc_names_both_sources():
    published = pd.DataFrame({"model": ["aorsf"], "time-dependent C (Blanche)": [0.9]})
    published = published.rename(columns={"time-dependent C (Blanche)": report.PBC_STATISTIC})
    c = pd.Series({"GRU": 0.81234, "Cox": 0.8})
    table = report.beside_published_pbc(published, c, "GRU", "Cox", 2.0, 4, 0.3)
    assert list(table["value"]) == [0.9, 0.812, 0.8]
    assert table.loc["GRU (this page)", "source"] == "this page, pbcseq, 4 splits 70%/30%"


def test_risk_third_and_calibration_facts():
    test = landmark_set()
    risk = np.linspace(0.01, 0.3, len(test))
    predictions = {"GRU": prediction(risk), "Cox": prediction(risk[::-1].copy())}
    thirds = report.risk_third_facts(test, predictions, "GRU", "Cox")
    assert thirds["km_high_deep"].endswith(f"of {int(test.event.sum())}")
    calibration = report.calibration_5y(test, predictions, ("GRU", "Cox"))
    facts = report.calibration_facts(calibration, len(test), "GRU", "Cox")
    assert facts["n_fifth"] == "6" and facts["gap_deep"] != "n/a"
    short = landmark_set()
    short.time[:] = 1.0
    assert report.calibration_5y(short, predictions, ("GRU",)) is None
    missing = report.calibration_facts(None, len(test), "GRU", "Cox")
    assert all(missing[f"{k}_base"] == "n/a" for k in report.CALIBRATION_KEYS)
    figures.plot_risk_thirds(test, predictions, ("GRU", "Cox"))
    figures.plot_calibration(calibration)


@pytest.mark.parametrize(("dies", "fate"), [(True, "died"), (False, "was censored")])
def test_trajectory_facts(dies, fate):
    test = landmark_set()
    test.event[3] = dies
    trajectories = {"GRU": [0.1, 0.2, 0.3, 0.4], "LSTM": [0.2, 0.2, 0.25, 0.5]}
    at_landmark = {"self-attention": 0.3, "Cox, landmark": 0.05, "random survival forest": 0.6}
    facts = report.trajectory_facts(test, 3, trajectories, at_landmark, 2.0)
    assert facts["traj_fate"] == fate and facts["traj_visits"] == "4"
    assert facts["traj_first"] == "0.10–0.20" and facts["traj_last"] == "0.40–0.50"
    assert facts["traj_spread"] == "0.05 to 0.60" and facts["traj_start"] == "0.5"
    figures.plot_risk_trajectory(test, 3, trajectories, at_landmark, 2.0)


def test_attention_facts_find_the_heaviest_weight():
    test = landmark_set(12)
    weights = np.full((12, 4, 4), 0.25)
    weights[3, 3] = [0.7, 0.1, 0.1, 0.1]  # person 3 (4 visits): the oldest visit dominates
    facts = report.attention_facts(weights, test)
    assert list(report.longest_records(test.mask, 3)) == [3, 7, 11]
    assert facts["att_max"] == "0.70" and facts["att_max_patient"] == "103"
    assert facts["att_max_visit"] == "1" and facts["att_even"] == "9 of 10"
    assert facts["att_width"] == "4" and facts["att_equal_full"] == "0.25"
    figures.plot_last_visit_attention(weights, test)


def test_interval_reach_keeps_a_non_zero_end_from_printing_as_zero():
    text = interval_reach(primary_claim("GRU", "Cox", 0.0066, -0.0004, 0.0137))
    assert "a loss above 0.0004" in text and "above 0.014" in text


@pytest.mark.parametrize(("low", "high", "edge"), [(-0.0004, 0.0137, True),
                                                  (-0.0100, 0.0300, False)])
def test_declared_verdict_facts_say_when_the_verdict_is_on_the_edge(low, high, edge):
    facts = declared_verdict_facts(primary_claim("GRU", "Cox", (low + high) / 2, low, high), 10)
    assert ("on the edge" in facts["paired_verdict"]) is edge
    assert ("another draw of the splits" in facts["conclusion_lead"]) is edge
    assert facts["paired_reach"].startswith("The interval rules out")


def test_cap_facts_count_the_runs_still_improving_at_the_cap():
    trials = pd.DataFrame({"epochs": [80, 12, 30, 79, 80] + [10] * 15})
    facts = report.cap_facts(trials, 80)
    assert facts["search_at_cap"] == "2 of 20"
    assert facts["search_cap_reading"].startswith("one in ten or more")
    assert report.cap_facts(trials.assign(epochs=10), 80)["search_cap_reading"].startswith(
        "fewer than one in ten")
    assert report.cap_facts(pd.DataFrame({"epochs": []}), 80)["search_at_cap"] == "none of the"
