"""The scaling law's intervals over seeds and its check at the next size
(medlib.scale.law_bootstrap), on errors drawn from a known law."""

import numpy as np
import pandas as pd
import pytest

from medlib.scale.law_bootstrap import (
    bootstrap_law,
    law_interval_table,
    next_size_check,
)

SIZES = [100, 400, 1_600, 6_400, 25_600]


def true_error(n):
    return 2.0 * np.asarray(n, float) ** -0.5 + 0.02


def seeded_errors(n_seeds=4, noise=0.03, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame([{"weights": n, "seed": k,
                          "error": true_error(n) * np.exp(rng.normal(0, noise))}
                         for n in SIZES for k in range(n_seeds)])


def test_intervals_cover_the_law_the_errors_came_from_in_most_ladders():
    """Over 20 simulated ladders of 5 seeds a size, the exponent's and the floor's
    intervals hold the true values in at least 16 (measured: about 93% of ladders at 5
    seeds, about 80% at 3, where a percentile bootstrap of three draws is too narrow)."""
    covered = []
    for k in range(20):
        intervals = bootstrap_law(seeded_errors(n_seeds=5, seed=100 + k), "weights",
                                  n_resamples=50, seed=k)
        b, c = intervals["exponent b"], intervals["floor c"]
        covered.append((b.low <= 0.5 <= b.high, c.low <= 0.02 <= c.high))
        assert b.low <= b.value <= b.high and intervals["crossover"].share_finite == 1.0
    assert (np.sum(covered, axis=0) >= 16).all()


def test_more_seed_noise_widens_the_intervals():
    quiet = bootstrap_law(seeded_errors(noise=0.01), "weights", n_resamples=200)
    loud = bootstrap_law(seeded_errors(noise=0.10), "weights", n_resamples=200)
    width = lambda i: i.high - i.low  # noqa: E731
    assert width(loud["exponent b"]) > width(quiet["exponent b"])


def test_a_size_with_one_seed_cannot_be_redrawn():
    errors = seeded_errors()
    one = errors[~((errors["weights"] == 400) & (errors["seed"] > 0))]
    with pytest.raises(ValueError, match="two or more seeds.*400"):
        bootstrap_law(one, "weights", n_resamples=10)


def test_the_table_has_a_row_per_family_and_parameter():
    intervals = bootstrap_law(seeded_errors(), "weights", n_resamples=20)
    table = law_interval_table({"CNN": intervals})
    assert list(table["parameter"]) == ["exponent b", "floor c", "crossover"]
    assert (table["low"] <= table["high"]).all()


def test_the_next_size_check_places_a_run_against_the_prediction():
    errors = seeded_errors()
    at = 102_400
    inside = next_size_check(errors, "weights", at, float(true_error(at)), n_resamples=200)
    assert inside.outcome == "inside" and inside.low <= inside.predicted <= inside.high
    assert next_size_check(errors, "weights", at, 0.001, n_resamples=50).outcome == "better than"
    assert next_size_check(errors, "weights", at, 0.5, n_resamples=50).outcome == "worse than"


def test_the_next_size_must_lie_beyond_the_ladder():
    with pytest.raises(ValueError, match="larger than every fitted size"):
        next_size_check(seeded_errors(), "weights", 6_400, 0.05, n_resamples=10)
