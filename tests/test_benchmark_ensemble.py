"""The declared ensemble of the benchmark's learners: the mean of their survival curves,
scored on each split like the learners themselves."""

import numpy as np
import pytest

from medlib.data.aorsf_bench import load_pbc_orsf
from medlib.metrics.benchmark_scores import index_of_prediction_accuracy, time_dependent_c
from medlib.survival.baseline_models import Standardized, cox_ridge, survival_forest
from medlib.survival.benchmark import run_benchmark
from medlib.survival.benchmark_ensemble import mean_survival, with_mean_ensemble

MODELS = {"Cox ridge": lambda seed: Standardized(cox_ridge(seed)),
          "survival forest": lambda seed: survival_forest(30, seed=seed)}


@pytest.fixture(scope="module")
def pbc_run():
    data = load_pbc_orsf()
    return data, run_benchmark(data, MODELS, n_splits=2, progress=False)


def test_ensemble_is_the_mean_of_its_members_and_scored_like_them(pbc_run):
    data, run = pbc_run
    joined = with_mean_ensemble(run, data, list(MODELS), "mean of two")
    assert len(joined.per_split) == len(run.per_split) + 2
    for split in joined.predictions:
        expected = (split.survival["Cox ridge"] + split.survival["survival forest"]) / 2
        assert np.array_equal(split.survival["mean of two"], expected)
        record = joined.per_split[(joined.per_split["split"] == split.split)
                                  & (joined.per_split["model"] == "mean of two")].iloc[0]
        time, event = data.time[split.rows], data.event[split.rows]
        assert record["time-dependent C"] == time_dependent_c(time, event, 1 - expected,
                                                              split.times)
        assert record["IPA"] == index_of_prediction_accuracy(time, event, expected, split.times)
        members = run.per_split[run.per_split["split"] == split.split]
        assert record["seconds"] == pytest.approx(members["seconds"].sum())
    # the members' own rows and predictions are left as they were
    original = joined.per_split[joined.per_split["model"] != "mean of two"].reset_index(drop=True)
    assert original.equals(run.per_split.reset_index(drop=True))
    assert "mean of two" not in run.predictions[0].survival


def test_ensemble_survival_stays_a_survival_curve(pbc_run):
    _, run = pbc_run
    survival = mean_survival(run.predictions[0], list(MODELS))
    assert np.all((survival >= 0) & (survival <= 1))
    assert np.all(np.diff(survival, axis=1) <= 1e-12)


def test_ensemble_of_an_unknown_or_single_member_says_which_models_exist(pbc_run):
    _, run = pbc_run
    with pytest.raises(ValueError, match="name members from that list.*"):
        mean_survival(run.predictions[0], ["Cox ridge", "oblique forest"])
    with pytest.raises(ValueError, match="at least two"):
        mean_survival(run.predictions[0], ["Cox ridge"])
