"""medlib.models.recurrent and .attention, medlib.survival.progression, on a synthetic cohort."""

import numpy as np
import pandas as pd
import pytest
import torch

from medlib.data.cohorts import VisitCohort
from medlib.metrics.survival import survival_metrics
from medlib.models.attention import VisitSelfAttention, time_encoding
from medlib.models.recurrent import VisitRecurrent
from medlib.survival.discrete_time import interval_edges
from medlib.survival.landmark import LandmarkBuilder
from medlib.survival.progression import (
    FitSettings,
    fit_attention,
    fit_cox,
    fit_forest,
    fit_recurrent,
)


@pytest.fixture(scope="module")
def synthetic():
    """300 people whose marker rises before death: the models must find the signal."""
    rng = np.random.default_rng(0)
    n = 300
    risk = rng.standard_normal(n)
    death = rng.exponential(4 * np.exp(-risk)) + 1.0
    censor = rng.uniform(2, 8, n)
    rows = []
    for i in range(n):
        for t in np.arange(0, 1.01, 0.5):
            rows.append(
                {
                    "id": i,
                    "time": t,
                    "age": 50 + risk[i],
                    "marker": risk[i] + 0.3 * t + rng.normal(0, 0.3),
                }
            )
    visits = pd.DataFrame(rows)
    outcomes = pd.DataFrame(
        {"id": np.arange(n), "time": np.minimum(death, censor), "event": death <= censor}
    )
    cohort = VisitCohort("synthetic", visits, outcomes, ("age",), ("marker",), "test")
    builder = LandmarkBuilder(cohort, landmark=1.0, max_visits=4).fit(np.arange(200))
    return (
        builder.transform(np.arange(160)),
        builder.transform(np.arange(160, 200)),
        builder.transform(np.arange(200, 300)),
    )


def score(train, test, prediction):
    return survival_metrics(
        train.time,
        train.event,
        test.time,
        test.event,
        prediction.risk,
        prediction.survival_fn,
        horizons=(1, 3),
    )


@pytest.mark.parametrize("kind", ["SimpleRNN", "GRU", "LSTM"])
def test_recurrent_models_learn_the_signal(synthetic, kind):
    train, val, test = synthetic
    prediction = fit_recurrent(kind, train, val, test, interval_edges(6, 6), FitSettings(15, 0))
    assert score(train, test, prediction)["C Harrell"] > 0.7
    survival = prediction.survival_fn(np.array([1.0, 3.0]))
    assert np.all(np.diff(survival, axis=1) <= 0) and np.all((survival >= 0) & (survival <= 1))


@pytest.mark.parametrize("time_aware", [False, True])
def test_attention_learns_and_returns_causal_weights(synthetic, time_aware):
    train, val, test = synthetic
    prediction = fit_attention(train, val, test, interval_edges(6, 6), FitSettings(15, 0),
                               time_aware=time_aware)
    assert score(train, test, prediction)["C Harrell"] > 0.7
    weights = prediction.extras["attention"]
    assert weights.shape == (len(test), 4, 4)
    assert np.allclose(np.triu(weights, k=1), 0)  # no visit attends to a later one
    assert np.allclose(weights[:, :, 3], 0)  # the padded fourth visit is never attended


def test_baselines_learn_the_signal(synthetic):
    train, _, test = synthetic
    for prediction in (
        fit_cox(train, test, "baseline"),
        fit_cox(train, test, "at_landmark"),
        fit_forest(train, test, seed=0, n_estimators=50),
    ):
        assert score(train, test, prediction)["C Harrell"] > 0.7


def test_padding_does_not_change_the_attention_output():
    torch.manual_seed(0)
    model = VisitSelfAttention(3, 2).eval()
    x = torch.randn(1, 4, 3)
    mask = torch.tensor([[True, True, False, False]])
    times = torch.tensor([[-1.0, 0.0, 0.0, 0.0]])
    garbage = x.clone()
    garbage[0, 2:] = 100.0
    with torch.no_grad():
        assert torch.allclose(model(x, mask, times)[0], model(garbage, mask, times)[0])


def test_recurrent_model_ignores_masked_visits():
    torch.manual_seed(0)
    for kind in ("SimpleRNN", "GRU", "LSTM"):
        model = VisitRecurrent(kind, 3, 2).eval()
        x = torch.randn(1, 4, 3)
        mask = torch.tensor([[True, True, False, False]])
        garbage = x.clone()
        garbage[0, 2:] = 100.0
        with torch.no_grad():
            assert torch.equal(model(x, mask), model(garbage, mask))
    with pytest.raises(ValueError, match="choose from SimpleRNN, GRU, LSTM"):
        VisitRecurrent("Transformer", 3, 2)


def test_time_encoding_separates_visit_times():
    encoded = time_encoding(torch.tensor([[0.0, 0.5, 3.0]]), 8)
    assert encoded.shape == (1, 3, 8)
    assert not torch.allclose(encoded[0, 1], encoded[0, 2])



def test_deep_models_stop_early_with_the_shared_rule(synthetic, monkeypatch):
    """Both deep models keep their model by medlib.train.selection.BestEpoch (lowest
    validation loss, by more than 1e-4, with the given patience)."""
    from medlib.survival import progression

    made = []
    real = progression._early_stopping

    def recording(patience):
        made.append(real(patience))
        return made[-1]

    monkeypatch.setattr(progression, "_early_stopping", recording)
    train, val, test = synthetic
    edges = interval_edges(6, 6)
    fast = FitSettings(30, 0, learning_rate=0.05, patience=2)
    fit_attention(train, val, test, edges, fast, False)
    fit_recurrent("GRU", train, val, test, edges, fast)
    for selection in made:
        assert not selection.higher_is_better and selection.min_delta == 1e-4
        assert selection.should_stop and selection.epochs_seen < 30  # stopped early
        assert selection.epochs_seen == selection.best_epoch + 1 + 2


def test_baselines_read_survival_as_their_step_functions(synthetic):
    """The survival arrays read off at any time equal scikit-survival's step functions (to
    round-off: the two average the trees in different orders)."""
    from sksurv.ensemble import RandomSurvivalForest

    train, _, test = synthetic
    forest = fit_forest(train, test, seed=0, n_estimators=10)
    reference = RandomSurvivalForest(n_estimators=10, min_samples_leaf=10, max_features="sqrt",
                                     n_jobs=2, random_state=0).fit(
        train.at_landmark, np.array(list(zip(train.event, train.time, strict=True)),
                                    dtype=[("event", bool), ("time", float)]))
    functions = reference.predict_survival_function(test.at_landmark)
    times = np.array([0.0, 0.01, 0.5, 1.0, 2.5, 100.0])
    expected = np.vstack([f(np.clip(times, None, f.x[-1])) for f in functions])
    np.testing.assert_allclose(forest.survival_fn(times), expected, rtol=0, atol=1e-12)


def test_search_keeps_the_setting_with_the_lowest_validation_loss(synthetic):
    from medlib.survival.progression import SearchGrid, fit_deep, fit_searched

    train, val, test = synthetic
    edges = interval_edges(6, 6)
    grid = SearchGrid.parse("8,16", "0.1,0.3")
    assert grid.settings() == [{"units": 8, "dropout": 0.1}, {"units": 8, "dropout": 0.3},
                               {"units": 16, "dropout": 0.1}, {"units": 16, "dropout": 0.3}]
    searched = fit_searched("GRU", grid, train, val, test, edges, FitSettings(5, 0))
    trials = searched.extras["search"]
    assert len(trials) == 4 and sum(trial["chosen"] for trial in trials) == 1
    best = min(trials, key=lambda trial: trial["validation_loss"])
    assert best["chosen"]
    assert searched.extras["setting"] == {"units": best["units"], "dropout": best["dropout"]}
    # the winner is the model fitted at that setting, not a refit
    alone = fit_deep("GRU", train, val, test, edges,
                     FitSettings(5, 0).with_setting(searched.extras["setting"]))
    np.testing.assert_array_equal(searched.risk, alone.risk)


def test_search_on_a_subsample_refits_the_winner_on_everyone(synthetic):
    from medlib.survival.progression import SearchGrid, fit_deep, fit_searched

    train, val, test = synthetic
    edges = interval_edges(6, 6)
    searched = fit_searched("self-attention, time-aware", SearchGrid((8,), (0.1, 0.3)), train,
                            val, test, edges, FitSettings(5, 0), search_people=60)
    refit = fit_deep("self-attention, time-aware", train, val, test, edges,
                     FitSettings(5, 0).with_setting(searched.extras["setting"]))
    np.testing.assert_array_equal(searched.risk, refit.risk)
    with pytest.raises(ValueError, match="choose from SimpleRNN"):
        fit_deep("Transformer", train, val, test, edges, FitSettings(5, 0))


def test_landmark_set_subset_cuts_every_person_array(synthetic):
    train, _, _ = synthetic
    part = train.subset(np.array([3, 0]))
    assert list(part.ids) == [train.ids[3], train.ids[0]]
    np.testing.assert_array_equal(part.sequences[1], train.sequences[0])
    np.testing.assert_array_equal(part.time, train.time[[3, 0]])
    assert part.feature_names == train.feature_names


def test_fit_settings_are_frozen_and_a_search_replaces_only_its_setting():
    fit = FitSettings(5, 1, batch_size=16)
    searched = fit.with_setting({"units": 64, "dropout": 0.3})
    assert (searched.units, searched.dropout) == (64, 0.3)
    assert (searched.epochs, searched.seed, searched.batch_size) == (5, 1, 16)
    assert (fit.units, fit.dropout, fit.learning_rate, fit.patience) == (32, 0.1, 3e-3, 5)
    with pytest.raises(AttributeError):
        fit.epochs = 6
