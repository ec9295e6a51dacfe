"""The PBC trial loader and the one-line errors for data that is not a two-arm trial."""

import numpy as np
import pandas as pd
import pytest

from medlib.treatment.trial import TrialDataError, load_pbc_trial, trial_from_frame


@pytest.fixture(scope="module")
def pbc():
    return load_pbc_trial()


def test_pbc_trial_keeps_the_312_randomised_patients(pbc):
    # Fleming & Harrington (1991): 312 randomised, 158 D-penicillamine, 154 placebo;
    # 125 deaths and 19 transplants among them.
    assert len(pbc) == 312
    assert pbc.treated.sum() == 158
    assert pbc.event.sum() == 125
    assert load_pbc_trial(transplant_is_event=True).event.sum() == 125 + 19
    assert pbc.treatment_name == "D-penicillamine" and pbc.control_name == "placebo"
    assert pbc.covariates.shape == (312, 16)


def test_subset_and_relabelled_arms_keep_patients_aligned(pbc):
    rows = np.array([5, 0, 7])
    part = pbc.subset(rows)
    assert np.array_equal(part.time, pbc.time[rows])
    assert part.covariates["age"].tolist() == pbc.covariates["age"].iloc[rows].tolist()
    flipped = pbc.with_treatment(~pbc.treated)
    assert np.array_equal(flipped.treated, ~pbc.treated)
    assert np.array_equal(flipped.time, pbc.time)


def _frame(arms):
    return pd.DataFrame({"arm": arms, "years": [1.0, 2.0, 3.0, 4.0],
                         "died": [1, 0, 1, 0], "age": [50.0, 60.0, 70.0, 40.0]})


def test_missing_treatment_column_is_a_one_line_error():
    with pytest.raises(TrialDataError, match="no treatment column 'trt'") as error:
        trial_from_frame(_frame([0, 1, 0, 1]), "trt", 1, "years", "died", ["age"])
    assert "\n" not in str(error.value)
    assert "pass treatment=" in str(error.value)


def test_more_than_two_arms_is_a_one_line_error():
    with pytest.raises(TrialDataError, match="has 3 arms") as error:
        trial_from_frame(_frame([0, 1, 2, 1]), "arm", 1, "years", "died", ["age"])
    assert "\n" not in str(error.value)
    assert "exactly two" in str(error.value)


def test_one_arm_and_an_unknown_treated_value_are_errors():
    with pytest.raises(TrialDataError, match="has 1 arms"):
        trial_from_frame(_frame([1, 1, 1, 1]), "arm", 1, "years", "died", ["age"])
    with pytest.raises(TrialDataError, match="treated_value 'yes'"):
        trial_from_frame(_frame([0, 1, 0, 1]), "arm", "yes", "years", "died", ["age"])
    with pytest.raises(TrialDataError, match=r"columns \['bmi'\] are missing"):
        trial_from_frame(_frame([0, 1, 0, 1]), "arm", 1, "years", "died", ["bmi"])


def test_rows_without_an_arm_are_not_randomised_and_dropped():
    trial = trial_from_frame(_frame([0, np.nan, 1, 1]), "arm", 1, "years", "died", ["age"])
    assert len(trial) == 3
    assert trial.treated.tolist() == [False, True, True]
    assert trial.event.tolist() == [True, True, False]
