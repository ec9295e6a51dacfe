"""medlib.metrics.paired.seed_mean_difference: the difference of two means over seeds, both
sides scored on the same resamples of the test cases."""

import numpy as np
import pytest

from medlib.metrics.multiclass import accuracy, auroc, batched_accuracy
from medlib.metrics.paired import seed_mean_difference
from medlib.metrics.seeds import auroc_and_accuracy, seed_mean_bootstrap

RNG = np.random.default_rng(0)
Y = RNG.integers(0, 2, 300)
GOOD = [Y * 0.6 + RNG.random(300) for _ in range(3)]
WEAK = [Y * 0.2 + RNG.random(300) for _ in range(2)]


def test_estimate_is_the_difference_of_the_means_over_seeds():
    estimate, low, high = seed_mean_difference(Y, GOOD, WEAK, 200, seed=1)
    assert estimate == pytest.approx(np.mean([auroc(Y, s) for s in GOOD])
                                     - np.mean([auroc(Y, s) for s in WEAK]), abs=1e-12)
    assert 0 < low < estimate < high


def test_the_means_are_those_of_seed_mean_bootstrap_on_the_same_resamples():
    estimate, _, _ = seed_mean_difference(Y, GOOD, WEAK, 50, seed=3)
    a = seed_mean_bootstrap(Y, GOOD, auroc_and_accuracy, 50, seed=3).loc["AUROC", "value"]
    b = seed_mean_bootstrap(Y, WEAK, auroc_and_accuracy, 50, seed=3).loc["AUROC", "value"]
    assert estimate == pytest.approx(a - b, abs=1e-12)


def test_pairing_narrows_the_interval_of_two_models_that_share_their_errors():
    noise = RNG.random(300)
    a, b = [Y * 0.5 + noise], [Y * 0.5 + noise + 0.01 * RNG.random(300)]
    _, low, high = seed_mean_difference(Y, a, b, 300, seed=2)
    separate = [seed_mean_bootstrap(Y, s, auroc_and_accuracy, 300, seed=2).loc["AUROC"]
                for s in (a, b)]
    assert high - low < (separate[0]["ci_high"] - separate[0]["ci_low"]) / 5


def test_same_models_give_zero_and_any_batched_metric_may_be_compared():
    assert seed_mean_difference(Y, GOOD, [s.copy() for s in GOOD], 40) == (0.0, 0.0, 0.0)
    estimate, _, _ = seed_mean_difference(Y, GOOD, WEAK, 40, batched_metric=batched_accuracy)
    assert estimate == pytest.approx(np.mean([accuracy(Y, s) for s in GOOD])
                                     - np.mean([accuracy(Y, s) for s in WEAK]), abs=1e-12)


def test_level_and_seed():
    wide = seed_mean_difference(Y, GOOD, WEAK, 300, seed=4, level=0.95)
    narrow = seed_mean_difference(Y, GOOD, WEAK, 300, seed=4, level=0.5)
    assert wide[1] < narrow[1] < narrow[2] < wide[2]
    assert seed_mean_difference(Y, GOOD, WEAK, 300, seed=4) == wide


def test_refuses_what_it_cannot_compare():
    with pytest.raises(ValueError, match="empty"):
        seed_mean_difference(Y, [], WEAK)
    with pytest.raises(ValueError, match="one score per case"):
        seed_mean_difference(Y, [GOOD[0][:-1]], WEAK)
    with pytest.raises(ValueError, match="not finite"):
        seed_mean_difference(Y, [np.r_[GOOD[0][:-1], np.nan]], WEAK)
    with pytest.raises(ValueError, match="level"):
        seed_mean_difference(Y, GOOD, WEAK, level=95)
    with pytest.raises(ValueError, match="undefined"):
        seed_mean_difference(np.ones(10, int), [GOOD[0][:10]], [WEAK[0][:10]], 20)
