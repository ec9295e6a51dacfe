"""medlib.metrics.survival: scikit-survival metrics wired the way the chapter needs."""

import numpy as np
import pytest

from medlib.metrics.survival import calibration_at, evaluable_horizons, survival_metrics


@pytest.fixture(scope="module")
def exponential_cohort():
    rng = np.random.default_rng(0)
    rate = np.exp(rng.standard_normal(600))
    event_time, censor_time = rng.exponential(1 / rate), rng.exponential(2.0, 600)
    return rate, np.minimum(event_time, censor_time), event_time <= censor_time


def test_true_risk_scores_well_and_reversed_risk_badly(exponential_cohort):
    rate, time, event = exponential_cohort
    survival_fn = lambda t: np.exp(-rate[300:, None] * np.asarray(t)[None, :])  # noqa: E731
    args = (time[:300], event[:300], time[300:], event[300:])
    good = survival_metrics(*args, rate[300:], survival_fn, horizons=(0.5, 1, 2))
    bad = survival_metrics(*args, -rate[300:], survival_fn, horizons=(0.5, 1, 2))
    assert good["C Harrell"] > 0.7 and bad["C Harrell"] < 0.3
    assert good["AUC 1y"] > 0.7 and 0 < good["IBS"] < 0.25
    assert "calibration error 5y" not in good  # 5 years is not among the evaluable horizons


def test_calibration_of_the_true_model_is_close(exponential_cohort):
    rate, time, event = exponential_cohort
    table = calibration_at(time, event, np.exp(-rate * 0.5), horizon=0.5)
    assert len(table) == 5
    assert np.abs(table["predicted"] - table["observed (Kaplan-Meier)"]).max() < 0.1


def test_horizons_outside_follow_up_are_dropped():
    time = np.array([0.5, 1.0, 2.0, 3.0])
    event = np.array([True, True, False, False])
    assert evaluable_horizons(time, time, event, (0.8, 2.5, 3.5, 10)) == [0.8, 2.5]
