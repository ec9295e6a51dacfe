"""The average effect: RMST, survival at a horizon, the Cox hazard ratio and the log-rank
test, each against a closed form or another library."""

import numpy as np
import pandas as pd
import pytest
from sksurv.compare import compare_survival
from sksurv.linear_model import CoxPHSurvivalAnalysis
from sksurv.util import Surv

from medlib.treatment.average import (
    arm_difference,
    average_effect,
    cox_hazard_ratio,
    km_at,
    km_curves,
    rmst,
)
from medlib.treatment.trial import TwoArmTrial, load_pbc_trial


def _trial(time, event, treated):
    return TwoArmTrial(pd.DataFrame({"x": np.zeros(len(time))}), np.asarray(treated, bool),
                       np.asarray(time, float), np.asarray(event, bool), "drug", "placebo",
                       "death")


def test_rmst_without_censoring_is_the_mean_of_truncated_times():
    rng = np.random.default_rng(0)
    time = rng.exponential(4.0, 500)
    for horizon in (1.0, 5.0, 30.0):
        assert rmst(time, np.ones(500, bool), horizon) == pytest.approx(
            np.mean(np.minimum(time, horizon)), abs=1e-12)


def test_rmst_with_censoring_integrates_the_kaplan_meier_steps():
    # KM: 1 until 2, then 2/3 (three at risk, one death), censored at 3 and 5
    time, event = np.array([2.0, 3.0, 5.0]), np.array([True, False, False])
    assert rmst(time, event, 4.0) == pytest.approx(2.0 + 2.0 * 2 / 3)
    assert km_at(time, event, 1.0) == 1.0
    assert km_at(time, event, 2.5) == pytest.approx(2 / 3)


def test_hazard_ratio_and_log_rank_match_scikit_survival():
    pbc = load_pbc_trial()
    ratio, p_logrank = cox_hazard_ratio(pbc)
    outcome = Surv.from_arrays(event=pbc.event, time=pbc.time)
    cox = CoxPHSurvivalAnalysis(ties="breslow").fit(pbc.treated.astype(float)[:, None], outcome)
    assert np.log(ratio.value) == pytest.approx(cox.coef_[0], abs=1e-6)
    assert ratio.low < ratio.value < ratio.high
    _, p_sksurv = compare_survival(outcome, pbc.treated.astype(int))
    assert p_logrank == pytest.approx(p_sksurv, abs=1e-8)
    # Therneau & Grambsch: no treatment effect in the PBC trial (log-rank p = 0.75)
    assert p_logrank == pytest.approx(0.75, abs=0.005)


def test_an_effect_built_into_the_data_is_found():
    rng = np.random.default_rng(1)
    treated = np.arange(2000) % 2 == 0
    time = rng.exponential(np.where(treated, 2.0, 1.0))  # hazard halved by treatment
    trial = _trial(np.minimum(time, 3.0), time < 3.0, treated)
    ratio, p = cox_hazard_ratio(trial)
    assert ratio.low < 0.5 < ratio.high
    assert p < 1e-10
    difference = arm_difference(trial, lambda t, e: rmst(t, e, 3.0), 200, 0)
    truth = 2.0 * (1 - np.exp(-3 / 2)) - 1.0 * (1 - np.exp(-3))  # RMST of exponentials
    assert difference.low < truth < difference.high


def test_average_effect_table_and_curves_have_every_row():
    pbc = load_pbc_trial()
    table = average_effect(pbc, (5.0, 10.0), 50, 0)
    assert table["measure"].tolist() == [
        "hazard ratio (treated / control)", "survival difference at 5 y",
        "RMST difference to 5 y (years)", "survival difference at 10 y",
        "RMST difference to 10 y (years)"]
    assert (table["low"] <= table["value"]).all() and (table["value"] <= table["high"]).all()
    curves = km_curves(pbc)
    assert set(curves["arm"]) == {"D-penicillamine", "placebo"}
    assert (curves.groupby("arm")["survival"].first() == 1.0).all()
