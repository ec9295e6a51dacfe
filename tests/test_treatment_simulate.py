"""medlib.treatment.simulate: simulated trials whose true benefit the data bear out."""

import numpy as np
import pytest
from scipy import stats

from medlib.treatment.average import km_at
from medlib.treatment.simulate import simulate_trial, true_benefit, true_survival


@pytest.fixture(scope="module")
def large_trial():
    return simulate_trial(20_000, "covariate", seed=3)


def test_trial_shape_randomisation_and_censoring():
    trial, benefit = simulate_trial(1001, "covariate", seed=0, censoring_years=(3.0, 10.0))
    assert list(trial.covariates.columns) == ["x1", "x2", "x3", "x4", "x5"]
    assert len(trial) == len(benefit) == 1001 and trial.treated.sum() == 500
    assert trial.treated.dtype == bool and trial.event.dtype == bool
    assert (trial.time > 0).all() and trial.time.max() <= 10.0
    assert (trial.time[~trial.event] >= 3.0).all()  # censoring is administrative only
    assert (trial.treatment_name, trial.control_name, trial.endpoint) == (
        "treatment", "control", "death")


def test_same_seed_same_trial_and_other_seed_another():
    (a, benefit_a), (b, _), (c, _) = (simulate_trial(200, "covariate", s) for s in (1, 1, 2))
    assert np.array_equal(a.time, b.time) and np.array_equal(a.covariates, b.covariates)
    assert np.array_equal(benefit_a, true_benefit(a.covariates, "covariate"))
    assert not np.array_equal(a.time, c.time)


def test_true_benefit_is_zero_without_effect_and_rises_with_x1_with_it():
    trial, benefit = simulate_trial(2000, "none", seed=0)
    assert np.array_equal(benefit, np.zeros(2000))
    trial, benefit = simulate_trial(2000, "covariate", seed=0, horizon=3.0)
    assert stats.spearmanr(benefit, trial.covariates["x1"])[0] > 0.95
    assert benefit.min() < -0.1 and benefit.max() > 0.5  # some harmed, some helped a lot
    assert np.allclose(benefit, true_benefit(trial.covariates, "covariate", horizon=3.0))


def test_simulated_deaths_follow_the_stated_survival(large_trial):
    """Kaplan-Meier of the simulated times matches the closed-form survival, by arm and
    within a subgroup, so the true benefit is the benefit the data carry."""
    trial, benefit = large_trial
    for arm in (True, False):
        rows = trial.treated == arm
        truth = true_survival(trial.covariates[rows], np.full(rows.sum(), arm), "covariate", 5.0)
        assert km_at(trial.time[rows], trial.event[rows], 5.0) == pytest.approx(
            truth.mean(), abs=0.015)
    high = trial.covariates["x1"].to_numpy() > 1
    observed = (km_at(trial.time[high & trial.treated], trial.event[high & trial.treated], 5.0)
                - km_at(trial.time[high & ~trial.treated], trial.event[high & ~trial.treated],
                        5.0))
    assert observed == pytest.approx(benefit[high].mean(), abs=0.04)
    assert 0.40 < 1 - km_at(trial.time, trial.event, 5.0) < 0.50  # deaths within 5 years


def test_unknown_effect_is_a_one_line_error():
    with pytest.raises(ValueError, match="effect 'linear' is not one of") as error:
        simulate_trial(10, "linear", seed=0)
    assert "\n" not in str(error.value)
