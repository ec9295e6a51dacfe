"""Cross-fitting and the learners' plumbing (their recovery of a simulated effect is tested
in test_treatment_metrics.py)."""

import numpy as np
import pandas as pd
import pytest

from medlib.survival.baseline_models import DiscreteTimeNetwork, cox_ridge
from medlib.treatment.learners import (
    ArmSurvival,
    base_factories,
    cross_fitted_benefit,
    s_learner,
)
from medlib.treatment.trial import load_pbc_trial


@pytest.fixture(scope="module")
def pbc():
    return load_pbc_trial()


def test_no_patient_is_predicted_by_a_model_that_saw_them(pbc):
    """Changing one patient's follow-up time (not the event, so folds stay the same) must
    leave that patient's prediction unchanged and change other folds' predictions."""
    make = base_factories(10.0, 10, 20)["Cox ridge"]
    before = cross_fitted_benefit(pbc, "T", make, 5.0, 10.0, 3, 0)
    patient = 11
    time = pbc.time.copy()
    time[patient] = time[patient] * 0.5
    moved = type(pbc)(pbc.covariates, pbc.treated, time, pbc.event, pbc.treatment_name,
                      pbc.control_name, pbc.endpoint)
    after = cross_fitted_benefit(moved, "T", make, 5.0, 10.0, 3, 0)
    assert after["fold"].equals(before["fold"])
    same_fold = after["fold"] == after.loc[patient, "fold"]
    assert after.loc[patient, "benefit"] == before.loc[patient, "benefit"]
    assert np.allclose(after.loc[same_fold, "benefit"], before.loc[same_fold, "benefit"])
    assert not np.allclose(after.loc[~same_fold, "benefit"], before.loc[~same_fold, "benefit"])


def test_folds_are_balanced_by_arm(pbc):
    out = cross_fitted_benefit(pbc, "S", base_factories(10.0, 10, 20)["Cox ridge"],
                               5.0, 10.0, 4, 0)
    treated_share = pd.Series(pbc.treated).groupby(out["fold"]).mean()
    assert treated_share.between(0.45, 0.57).all()
    assert out.notna().all().all()


def test_unknown_learner_is_an_error(pbc):
    with pytest.raises(ValueError, match="learner 'X' is not one of"):
        cross_fitted_benefit(pbc, "X", lambda seed: cox_ridge(), 5.0, 10.0, 3, 0)


def test_arm_survival_differences():
    times = np.array([0.0, 1.0, 2.0, 3.0])
    curves = ArmSurvival(times, np.array([[1.0, 0.9, 0.8, 0.7]]),
                         np.array([[1.0, 0.8, 0.6, 0.5]]))
    assert curves.difference_at(2.5)[0] == pytest.approx(0.2)
    # steps: [0,1) 0, [1,2) 0.1, [2,3) 0.2
    assert curves.rmst_difference(3.0)[0] == pytest.approx(0.3)


class _Recorder:
    """A base model that records the design it was fitted and asked on."""

    def __init__(self, explicit_interactions):
        self.explicit_interactions = explicit_interactions

    def fit(self, x, time, event):
        self.fitted = x
        return self

    def survival(self, x, times):
        self.asked = x
        return np.tile(x[:, -1:], (1, len(times)))


@pytest.mark.parametrize("interactions, width", [(True, 5), (False, 3)])
def test_s_learner_design(interactions, width):
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    base = _Recorder(interactions)
    curves = s_learner(base, x, np.array([True, False]), np.ones(2), np.ones(2, bool), x,
                       np.array([0.0, 1.0]))
    assert base.fitted.shape == (2, width)
    assert base.fitted[:, 2].tolist() == [0.5, -0.5]  # arm coded +-1/2
    if interactions:
        assert base.fitted[0, 3:].tolist() == [0.5, 1.0]
        assert base.fitted[1, 3:].tolist() == [-1.5, -2.0]
    assert curves.treated.shape == curves.control.shape == (2, 2)


def test_network_survival_is_monotone_and_reproducible(pbc):
    x = np.nan_to_num(pbc.covariates.to_numpy()[:100])
    x = (x - x.mean(0)) / (x.std(0) + 1e-9)
    a = DiscreteTimeNetwork(10.0, max_epochs=20, seed=3).fit(x, pbc.time[:100], pbc.event[:100])
    b = DiscreteTimeNetwork(10.0, max_epochs=20, seed=3).fit(x, pbc.time[:100], pbc.event[:100])
    times = np.linspace(0, 10, 21)
    curves = a.survival(x, times)
    assert np.array_equal(curves, b.survival(x, times))
    assert (np.diff(curves, axis=1) <= 1e-12).all() and (curves <= 1).all()


def test_partial_likelihood_equals_statsmodels_with_ties():
    from statsmodels.duration.hazard_regression import PHReg

    from medlib.survival.baseline_models import partial_log_likelihood

    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 3))
    time = np.round(rng.exponential(size=200), 1)  # many ties
    event = rng.random(200) < 0.7
    beta = np.array([0.3, -0.2, 0.5])
    reference = PHReg(time, x, status=event.astype(float), ties="breslow").loglike(beta)
    assert partial_log_likelihood(x @ beta, time, event) == pytest.approx(reference, abs=1e-9)


def test_cox_penalty_is_chosen_among_the_grid(pbc):
    x = np.nan_to_num(pbc.covariates.to_numpy())
    x = (x - x.mean(0)) / (x.std(0) + 1e-9)
    model = cox_ridge(seed=0).fit(x, pbc.time, pbc.event)
    assert model.penalty in (1.0, 10.0, 100.0, 1000.0)
    assert model.survival(x[:3], np.array([0.0, 5.0])).shape == (3, 2)
