"""medlib.treatment.rate: RATE against its definition, doubly robust scores against
Kaplan-Meier, and the interval's behaviour on rankings that do and do not target."""

import numpy as np
import pytest
from sksurv.nonparametric import kaplan_meier_estimator

from medlib.treatment.rate import (
    rate,
    rate_interval,
    rate_table,
    survival_dr_scores,
    toc_curve,
    toc_table,
)


def direct_toc(scores, priorities):
    """TOC(i/n) from the definition, one patient set at a time (no ties)."""
    order = np.argsort(-np.asarray(priorities))
    return np.array([scores[order[:i]].mean() - scores.mean()
                     for i in range(1, len(scores) + 1)])


def km_at(time, event, horizon):
    times, survival = kaplan_meier_estimator(event, time)
    at = np.searchsorted(times, horizon, side="right") - 1
    return survival[at] if at >= 0 else 1.0


def test_toc_and_rate_follow_the_definition():
    rng = np.random.default_rng(0)
    scores, priorities = rng.normal(size=40), rng.normal(size=40)
    toc = direct_toc(scores, priorities)
    assert np.allclose(toc_curve(scores, priorities), toc)
    assert toc[-1] == pytest.approx(0, abs=1e-12)
    assert rate(scores, priorities) == pytest.approx(toc.mean())
    weights = np.arange(1, 41) / 40
    assert rate(scores, priorities, "QINI") == pytest.approx((weights * toc).mean())


def test_tied_priorities_share_their_mean_score():
    scores = np.array([4.0, 0.0, 1.0, 3.0])
    tied = np.array([2.0, 2.0, 1.0, 0.0])  # the first two cannot be ordered
    toc = toc_curve(scores, tied)
    assert toc[0] == pytest.approx(2.0 - 2.0)  # mean of the tie (2) minus the mean (2)
    assert rate(scores, np.ones(4)) == pytest.approx(0.0)


def test_a_ranking_that_targets_is_positive_and_a_reversed_one_negative():
    scores = np.linspace(1, 0, 50)
    assert rate(scores, scores) > 0 and rate(scores, -scores) < 0
    assert rate(scores, scores, "QINI") > 0


def test_rate_refuses_what_it_cannot_rank():
    with pytest.raises(ValueError, match="target must be one of"):
        rate(np.ones(3), np.ones(3), "AUC")
    with pytest.raises(ValueError, match="same length"):
        rate(np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match="NaN"):
        rate(np.array([1.0, np.nan]), np.ones(2))


def hazard_of(marker, treated):
    """Treatment lowers the hazard only where the marker is above zero."""
    return np.exp(0.3 * marker - 2.0 * treated * (marker > 0))


def simulated(n=400, seed=0, censor=True):
    rng = np.random.default_rng(seed)
    treated = rng.random(n) < 0.5
    marker = rng.normal(size=n)
    hazard = hazard_of(marker, treated)
    death = rng.exponential(1 / hazard)
    censoring = rng.exponential(3.0, size=n) if censor else np.full(n, np.inf)
    time = np.minimum(death, censoring)
    event = death <= censoring
    time[~np.isfinite(time)] = 50.0
    return time, event, treated, marker


def test_scores_without_a_model_reproduce_kaplan_meier_on_each_arm():
    time, event, treated, _ = simulated()
    zeros = np.zeros(len(time))
    scores = survival_dr_scores(time, event, treated, 1.0, zeros, zeros)
    expected = km_at(time[treated], event[treated], 1.0) - \
        km_at(time[~treated], event[~treated], 1.0)
    assert scores.mean() == pytest.approx(expected, abs=1e-10)


def test_without_censoring_a_perfect_model_leaves_its_own_prediction():
    time, event, treated, _ = simulated(censor=False)
    alive = (time > 1.0).astype(float)
    scores = survival_dr_scores(time, event, treated, 1.0, alive, alive)
    assert np.allclose(scores, 0.0)


def test_dr_scores_refuse_a_trial_with_one_arm_or_ragged_inputs():
    time, event, treated, _ = simulated(n=20)
    zeros = np.zeros(20)
    with pytest.raises(ValueError, match="both arms"):
        survival_dr_scores(time, event, np.ones(20, bool), 1.0, zeros, zeros)
    with pytest.raises(ValueError, match="one entry per patient"):
        survival_dr_scores(time, event, treated, 1.0, zeros[:5], zeros)


def test_the_interval_finds_a_ranking_by_true_benefit_and_not_a_random_one():
    time, event, treated, marker = simulated(n=2000, seed=1)
    true_treated, true_control = (np.exp(-hazard_of(marker, arm)) for arm in (True, False))
    scores = survival_dr_scores(time, event, treated, 1.0, true_treated, true_control)
    targeted = rate_interval(scores, marker, "AUTOC", 200, seed=0)
    assert targeted.low > 0 and targeted.p_value < 0.01
    assert targeted.low <= targeted.value <= targeted.high
    random = rate_interval(scores, np.random.default_rng(5).random(len(time)), "AUTOC", 200, 0)
    assert random.low < 0 < random.high
    assert random.as_dict()["interval"] == "bootstrap_95"
    with pytest.raises(ValueError, match="n_bootstrap"):
        rate_interval(scores, marker, "AUTOC", 1, 0)


def test_rate_table_has_both_targets_per_learner():
    scores = np.linspace(1, 0, 60)
    table = rate_table(scores, {"good": scores, "bad": -scores}, 50, seed=0)
    assert list(table["target"]) == ["AUTOC", "QINI", "AUTOC", "QINI"]
    good = table[table["learner"] == "good"]
    assert (good["value"] > 0).all() and (table[table["learner"] == "bad"]["value"] < 0).all()


def test_toc_table_reads_the_curve_on_its_grid():
    scores = np.linspace(1, 0, 40)
    table = toc_table(scores, scores, 50, seed=0, grid=np.array([0.25, 1.0]))
    assert table["TOC"].iloc[0] == pytest.approx(toc_curve(scores, scores)[9])
    assert table["TOC"].iloc[1] == pytest.approx(0, abs=1e-12)
    assert (table["low"] <= table["TOC"] + 1e-12).all()
    with pytest.raises(ValueError, match="shares"):
        toc_table(scores, scores, 10, 0, grid=np.array([0.0, 1.0]))


def test_priorities_that_differ_by_float_noise_are_tied():
    scores = np.array([1.0, 0.0, 0.5])
    noisy = np.array([0.1, 0.1 + 1e-15, 0.0])
    assert rate(scores, noisy) == pytest.approx(rate(scores, np.array([0.1, 0.1, 0.0])))
    assert rate(scores, noisy) != pytest.approx(rate(scores, np.array([0.1, 0.1 + 1e-6, 0.0])))
