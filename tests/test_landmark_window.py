"""medlib.survival.landmark_window and load_pbcseq's event choice: the JMbayes2 setting
(landmark, window, death or transplant) with nothing after the landmark in a feature."""

import numpy as np
import pandas as pd
import pytest
from sksurv.metrics import brier_score, cumulative_dynamic_auc, integrated_brier_score
from sksurv.nonparametric import kaplan_meier_estimator
from sksurv.util import Surv

from medlib.data.cohorts import VisitCohort, _rdataset, load_pbcseq
from medlib.survival.landmark_window import (
    fill_and_scale,
    window_features,
    window_scores,
)


@pytest.fixture(scope="module")
def raw_status():
    return _rdataset("pbcseq").drop_duplicates("id").set_index("id")["status"]


@pytest.fixture(scope="module")
def composite():
    return load_pbcseq(event="death or transplant")


def test_default_event_is_death_only(raw_status):
    deaths = load_pbcseq().outcomes.set_index("id")["event"]
    assert deaths.sum() == (raw_status == 2).sum() == 140
    assert deaths.equals((raw_status == 2).reindex(deaths.index).rename("event"))


def test_death_or_transplant_counts_both(composite, raw_status):
    events = composite.outcomes.set_index("id")["event"]
    assert events.sum() == raw_status.isin([1, 2]).sum() == 169
    assert events.equals(raw_status.isin([1, 2]).reindex(events.index).rename("event"))


def test_unknown_event_is_refused_with_the_allowed_values():
    with pytest.raises(ValueError, match="event must be one of.*'death or transplant'"):
        load_pbcseq(event="transplant")


def test_window_features_on_pbcseq_use_nothing_after_the_landmark(composite):
    data = window_features(composite, 5.0)
    followed = composite.outcomes[composite.outcomes["time"] > 5.0]
    assert len(data) == len(followed) == len(data.x)
    np.testing.assert_array_equal(data.ids, followed["id"].to_numpy())
    np.testing.assert_allclose(data.time, followed["time"].to_numpy() - 5.0)
    assert (data.time > 0).all() and data.event.dtype == bool

    visits = composite.visits
    later = visits[(visits["time"] > 5.0) & visits["id"].isin(data.ids)]
    person = later["id"].iloc[0]  # someone with visits after year 5
    own = visits[visits["id"] == person]
    before = own[own["time"] <= 5.0]
    assert data.x.loc[person, "bili"] == before["bili"].dropna().iloc[-1]
    assert data.x.loc[person, "bili"] != own["bili"].dropna().iloc[-1]  # the later value differs
    assert data.x.loc[person, "bili years since"] == pytest.approx(
        5.0 - before.loc[before["bili"].notna(), "time"].iloc[-1])

    counts = visits[visits["time"] <= 5.0].groupby("id").size().reindex(data.ids)
    np.testing.assert_array_equal(data.x["visits"].to_numpy(), counts.to_numpy())
    assert (data.x["visits"] > 0).all()
    for column in composite.dynamic:
        never = data.x[column].isna()
        assert never.eq(data.x[f"{column} missing"] == 1.0).all(), column
        assert never.eq(data.x[f"{column} years since"].isna()).all(), column
        assert (data.x.loc[~never, f"{column} years since"] >= 0).all(), column


def tiny_cohort() -> VisitCohort:
    visits = pd.DataFrame(
        {
            "id": [1, 1, 1, 2, 2, 3, 4, 4],
            "time": [0.0, 1.0, 3.0, 0.0, 1.5, 0.0, 0.0, 2.5],
            "age": [50.0, 50.0, 50.0, 60.0, 60.0, 70.0, 40.0, 40.0],
            "bili": [1.0, 1.5, 9.0, 2.0, np.nan, 0.5, np.nan, 7.0],
            "chol": [np.nan] * 8,  # never measured
        }
    )
    outcomes = pd.DataFrame(
        {"id": [1, 2, 3, 4], "time": [5.0, 4.0, 1.8, 2.2], "event": [True, False, True, False]}
    )
    return VisitCohort("tiny", visits, outcomes, ("age",), ("bili", "chol"), "test")


def test_window_features_by_hand():
    data = window_features(tiny_cohort(), landmark=2.0)
    assert list(data.ids) == [1, 2, 4]  # 3 left follow-up at 1.8 years
    np.testing.assert_allclose(data.time, [3.0, 2.0, 0.2])
    np.testing.assert_array_equal(data.event, [True, False, False])
    expected = pd.DataFrame(
        {
            "age": [50.0, 60.0, 40.0],
            "bili": [1.5, 2.0, np.nan],  # 1: year 3 is after the landmark; 4: only at 2.5
            "bili years since": [1.0, 2.0, np.nan],  # 2: missing at 1.5, measured at 0
            "bili missing": [0.0, 0.0, 1.0],
            "chol": [np.nan] * 3,
            "chol years since": [np.nan] * 3,
            "chol missing": [1.0] * 3,
            "visits": [2.0, 2.0, 1.0],
        },
        index=pd.Index([1, 2, 4], name="id"),
    )
    pd.testing.assert_frame_equal(data.x, expected, check_dtype=False)


def test_fill_and_scale_uses_training_statistics_only():
    train = pd.DataFrame({"a": [1.0, np.nan, 3.0], "b": [np.nan] * 3, "c": [2.0, 2.0, 2.0]})
    test = pd.DataFrame({"c": [5.0, np.nan], "a": [np.nan, 100.0], "b": [4.0, np.nan]})
    x_train, x_test = fill_and_scale(train, test)
    filled_a = np.array([1.0, 2.0, 3.0])  # NaN -> training mean 2
    sd_a = filled_a.std()
    np.testing.assert_allclose(x_train[:, 0], (filled_a - 2.0) / sd_a)
    np.testing.assert_allclose(x_test[:, 0], [0.0, 98.0 / sd_a])  # test NaN -> train mean
    np.testing.assert_allclose(x_train[:, 1], 0.0)  # all-NaN in training: filled with 0
    np.testing.assert_allclose(x_test[:, 1], [4.0, 0.0])  # SD 0 -> 1
    np.testing.assert_allclose(x_test[:, 2], [3.0, 0.0])  # centred by train mean 2, SD 1


def simulated(n: int = 400, seed: int = 0):
    rng = np.random.default_rng(seed)
    hazard = np.exp(rng.normal(size=n))  # known to the "perfect" model
    event_time = rng.exponential(1.0 / (0.3 * hazard))
    censor = rng.uniform(0.5, 6.0, size=n)
    time = np.minimum(event_time, censor)
    return time, event_time <= censor, hazard


def test_window_scores_auc_is_sksurv_and_ranks_perfect_knowledge():
    time, event, hazard = simulated()
    window, grid = 2.0, np.linspace(0.25, 2.0, 8)
    risk = 1.0 - np.exp(-0.3 * hazard * window)
    survival = np.exp(-0.3 * hazard[:, None] * grid[None, :])
    scores = window_scores(time, event, risk, survival, grid, window)
    outcome = Surv.from_arrays(event=event, time=time)
    expected, _ = cumulative_dynamic_auc(outcome, outcome, risk, [window])
    assert scores["AUC"] == pytest.approx(expected[0])
    assert scores["AUC"] > 0.7
    reversed_scores = window_scores(time, event, 1.0 - risk, 1.0 - survival, grid, window)
    assert reversed_scores["AUC"] < 0.3
    assert 0 < scores["Brier at window"] < reversed_scores["Brier at window"]


def test_integrated_brier_of_kaplan_meier_beats_a_coin():
    time, event, _ = simulated(seed=1)
    window, grid = 3.0, np.linspace(0.25, 3.0, 12)
    knots, curve = kaplan_meier_estimator(event, time)
    at_grid = curve[np.searchsorted(knots, grid, side="right") - 1]
    survival = np.tile(at_grid, (len(time), 1))
    risk = np.full(len(time), 1.0 - at_grid[-1])
    km = window_scores(time, event, risk, survival, grid, window)
    coin = window_scores(time, event, np.full(len(time), 0.5),
                         np.full_like(survival, 0.5), grid, window)
    assert 0 < km["integrated Brier"] < coin["integrated Brier"]
    assert km["AUC"] == pytest.approx(0.5)  # one prediction for all: no ranking
    outcome = Surv.from_arrays(event=event, time=time)
    assert km["integrated Brier"] == pytest.approx(
        integrated_brier_score(outcome, outcome, survival, grid))


def test_grid_before_the_first_follow_up_time_uses_weight_one():
    time, event, hazard = simulated(n=60, seed=2)
    time = time + 0.5  # no one leaves follow-up in the first half year
    window, grid = 2.0, np.array([0.25, 0.6, 1.0, 2.0])
    survival = np.exp(-0.3 * hazard[:, None] * grid[None, :])
    scores = window_scores(time, event, 1.0 - survival[:, -1], survival, grid, window)
    outcome = Surv.from_arrays(event=event, time=time)
    _, later = brier_score(outcome, outcome, survival[:, 1:], grid[1:])
    first = np.mean(np.square(1.0 - survival[:, 0]))
    expected = np.trapezoid(np.r_[first, later], grid) / (grid[-1] - grid[0])
    assert scores["integrated Brier"] == pytest.approx(expected)


def test_window_beyond_follow_up_is_refused():
    time, event, _ = simulated(n=50)
    short = np.minimum(time, 2.5)
    grid = np.linspace(0.25, 3.0, 12)
    with pytest.raises(ValueError, match="no one in this test fold is followed past the window"):
        window_scores(short, event, np.zeros(50), np.ones((50, 12)), grid, 3.0)


def test_simpson_integrated_brier_is_jmbayes2s_rule():
    """tvBrier(integrated = TRUE): 2/3 of the Brier score at mid-window + 1/6 at its end."""
    rng = np.random.default_rng(5)
    time = rng.exponential(4.0, 300) + 0.01
    event = rng.random(300) < 0.7
    grid = np.linspace(0.25, 3.0, 12)  # holds 1.5
    survival = np.tile(np.exp(-grid / 4.0), (300, 1))
    scores = window_scores(time, event, 1 - survival[:, -1], survival, grid, 3.0)
    outcome = Surv.from_arrays(event, time)
    _, at = brier_score(outcome, outcome, survival[:, [5, 11]], grid[[5, 11]])
    assert scores["integrated Brier, Simpson"] == pytest.approx(2 / 3 * at[0] + at[1] / 6)


def test_cross_validation_scores_every_model_on_disjoint_folds():
    """Each round's folds partition the people; every model, the visit-sequence ones
    included, is scored on every fold; and a round is repeatable from its seed."""
    from medlib.survival.baseline_models import cox_ridge
    from medlib.survival.landmark_window import window_cross_validation

    n = 120
    args = (_synthetic_cohort(n), 2.0, 3.0, {"Cox": lambda seed: cox_ridge(seed)}, 3, 2, 0)
    scores = window_cross_validation(*args, sequence_models=("GRU",), sequence_epochs=3)
    assert len(scores) == 2 * 3 * 2  # rounds x folds x models
    for _, part in scores.groupby(["repeat", "model"]):
        assert part["test people"].sum() == n and part["fold"].tolist() == [0, 1, 2]
    assert set(scores["model"]) == {"Cox", "GRU"}
    assert scores["AUC"].between(0, 1).all()
    again = window_cross_validation(*args, sequence_models=("GRU",), sequence_epochs=3)
    timings = ["seconds"]  # wall-clock: measured, never equal
    pd.testing.assert_frame_equal(scores.drop(columns=timings), again.drop(columns=timings))


def _synthetic_cohort(n: int = 120) -> VisitCohort:
    rng = np.random.default_rng(0)
    risk = rng.standard_normal(n)
    death = 2.0 + rng.exponential(3 * np.exp(-risk))
    visits = pd.DataFrame([{"id": i, "time": t, "age": 50.0 + risk[i],
                            "marker": risk[i] + 0.2 * t + rng.normal(0, 0.3)}
                           for i in range(n) for t in (0.0, 1.0, 2.0)])
    outcomes = pd.DataFrame({"id": np.arange(n), "time": np.minimum(death, 9.0),
                             "event": death < 9.0})
    return VisitCohort("synthetic", visits, outcomes, ("age",), ("marker",), "test")


def test_cross_validation_adds_declared_ensembles_beside_their_members():
    """A seed ensemble keeps its first member as the single model (same numbers as without
    it), a mean ensemble costs its members' seconds, and neither changes the others."""
    from medlib.survival.baseline_models import cox_ridge
    from medlib.survival.landmark_window import window_cross_validation
    from medlib.survival.window_ensembles import seed_ensemble_name

    args = (_synthetic_cohort(), 2.0, 3.0, {"Cox": lambda seed: cox_ridge(seed)}, 3, 1, 0)
    plain = window_cross_validation(*args, sequence_models=("GRU",), sequence_epochs=2)
    more = window_cross_validation(*args, sequence_models=("GRU",), sequence_epochs=2,
                                   seed_ensembles={"GRU": 2},
                                   ensembles={"blend": ("GRU", "Cox")})
    seeds = seed_ensemble_name("GRU", 2)
    assert list(dict.fromkeys(more["model"])) == ["Cox", "GRU", seeds, "blend"]
    scores = ["AUC", "Brier at window", "integrated Brier", "integrated Brier, Simpson"]
    singles = more[more["model"].isin(["Cox", "GRU"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(singles[scores], plain[scores])
    by_model = more.set_index(["fold", "model"])["seconds"].unstack()
    np.testing.assert_allclose(by_model["blend"], by_model["GRU"] + by_model["Cox"])
    assert (by_model[seeds] > by_model["GRU"]).all()  # two fits cost more than the first


def test_cross_validation_refuses_a_seed_ensemble_of_an_unrun_model():
    from medlib.survival.landmark_window import window_cross_validation

    with pytest.raises(ValueError, match="not among sequence_models"):
        window_cross_validation(_synthetic_cohort(), 2.0, 3.0, {}, 3, 1, 0,
                                sequence_models=("GRU",), seed_ensembles={"LSTM": 3})
