"""Landmark-and-window data and scores: the dynamic-prediction setting of JMbayes2.

The JMbayes2 vignette (Rizopoulos) scores its joint model on ``pbcseq`` from a landmark
``t0`` (5 years) over a window ``Dt`` (3 years): among the patients still event-free and
followed at ``t0``, who has the event (death or transplant) in ``(t0, t0 + Dt]``? It
reports the time-varying AUC at ``t0 + Dt`` and the integrated Brier score over the
window, cross-validated over 5 folds of patients. This module builds one row per such
patient from the visits up to the landmark (last value of each marker, how old it is,
whether it was ever measured), splits patients into folds, and computes the two scores,
so that simple landmark models are scored in the vignette's setting.
Chapter: ``progression_benchmarks``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from time import perf_counter

import numpy as np
import pandas as pd
from sksurv.metrics import brier_score, cumulative_dynamic_auc
from sksurv.util import Surv

from medlib.data.cohorts import VisitCohort


@dataclass(frozen=True)
class WindowSet:
    """One row per person event-free and followed at the landmark."""

    ids: np.ndarray  # (n,)
    x: pd.DataFrame  # (n, n_features), indexed by id: what was known at the landmark
    time: np.ndarray  # (n,) years after the landmark to the event or censoring
    event: np.ndarray  # (n,) bool

    def __len__(self) -> int:
        return len(self.ids)


def window_features(cohort: VisitCohort, landmark: float) -> WindowSet:
    """Features at ``landmark`` (years since entry) of the people followed beyond it.

    Only visits at or before the landmark enter: the static columns, and for each dynamic
    column its last measured value, how many years before the landmark that was
    (``"<col> years since"``) and whether it was never measured (``"<col> missing"``,
    value and age then ``NaN``); ``"visits"`` counts the visits. A last value carried
    forward is what a clinician has at the landmark; its age says how stale it is.
    """
    outcomes = cohort.outcomes[cohort.outcomes["time"] > landmark]
    ids = outcomes["id"].to_numpy()
    past = cohort.visits[
        (cohort.visits["time"] <= landmark) & cohort.visits["id"].isin(ids)
    ].sort_values(["id", "time"], kind="stable")
    by_person = past.groupby("id")
    columns = {column: by_person[column].first() for column in cohort.static}
    for column in cohort.dynamic:
        measured = past["time"].where(past[column].notna())
        columns[column] = by_person[column].last()  # last non-missing value
        columns[f"{column} years since"] = landmark - measured.groupby(past["id"]).max()
        columns[f"{column} missing"] = by_person[column].count().eq(0).astype(float)
    columns["visits"] = by_person.size().astype(float)
    x = pd.DataFrame(columns).reindex(ids)
    x["visits"] = x["visits"].fillna(0.0)  # no visit at all up to the landmark
    for column in cohort.dynamic:
        x[f"{column} missing"] = x[f"{column} missing"].fillna(1.0)
    x.index.name = "id"
    return WindowSet(
        ids,
        x,
        outcomes["time"].to_numpy(float) - landmark,
        outcomes["event"].to_numpy(bool),
    )


def fill_and_scale(train: pd.DataFrame, test: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Fill missing values with the training means (``0`` for a column never observed in
    training), then centre and scale by the training mean and standard deviation (``1``
    where it is zero): nothing is learnt from the test people."""
    means = train.mean().fillna(0.0)
    filled_train = train.fillna(means).to_numpy(float)
    filled_test = test[train.columns].fillna(means).to_numpy(float)
    centre = filled_train.mean(axis=0)
    spread = filled_train.std(axis=0)
    scale = np.where(spread > 0, spread, 1.0)
    return (filled_train - centre) / scale, (filled_test - centre) / scale


def window_scores(test_time: np.ndarray, test_event: np.ndarray, risk_at_window: np.ndarray,
                  survival_grid: np.ndarray, grid: np.ndarray,
                  window: float) -> dict[str, float]:
    """AUC at ``window``, Brier score at ``window`` and integrated Brier score over
    ``grid`` of one test fold (times in years after the landmark).

    ``risk_at_window`` is the predicted probability of the event by ``window``
    (``1 - survival``; the Brier score needs a probability, the AUC only its ranking);
    ``survival_grid`` (n, len(grid)) the predicted survival at the increasing times
    ``grid`` in ``(0, window]``. Cases have the event by ``window``, controls are
    event-free beyond it (cumulative/dynamic AUC). Censoring is handled by inverse
    probability of censoring weights from the Kaplan-Meier estimate of the censoring
    distribution of the test fold itself. The integrated Brier score is the trapezoidal
    integral over ``grid`` divided by the grid's span, as scikit-survival's
    ``integrated_brier_score`` computes it. ``"integrated Brier, Simpson"`` is JMbayes2's
    own rule (``tvBrier(integrated = TRUE)``): Simpson's rule over the window with the
    Brier score 0 at the landmark, 2/3 of the score at mid-window plus 1/6 of the score at
    its end; it needs ``window / 2`` in ``grid``. scikit-survival refuses times before the
    fold's earliest follow-up time; there everyone is still event-free and uncensored
    (censoring weight 1), so the Brier score is ``mean((1 - survival)^2)``, which is what
    its formula gives and what is used for such grid points (a fold of 40 people may have
    no one leaving follow-up in the window's first months).

    JMbayes2's ``tvAUC`` and ``tvBrier`` weight patients censored inside the window by
    default with the joint model's own predicted probabilities ("model-based" weights);
    Kaplan-Meier IPCW is their alternative (``type_weights = "IPCW"``). These scores use
    Kaplan-Meier IPCW, so a comparison with the vignette is like for like in the data,
    landmark, window, event definition and cross-validation protocol, but not in the
    censoring weights.
    """
    time = np.asarray(test_time, float)
    event = np.asarray(test_event, bool)
    grid = np.asarray(grid, float)
    if window >= time.max():
        raise ValueError(
            f"no one in this test fold is followed past the window ({window} years after "
            f"the landmark; longest follow-up {time.max():.3f}): use fewer folds"
        )
    if len(grid) < 2 or grid.min() <= 0 or grid.max() > window or np.any(np.diff(grid) <= 0):
        raise ValueError(f"grid must hold at least two increasing times in (0, {window}]")
    outcome = Surv.from_arrays(event=event, time=time)
    risk = np.asarray(risk_at_window, float)
    survival_grid = np.asarray(survival_grid, float)
    auc, _ = cumulative_dynamic_auc(outcome, outcome, risk, [window])
    _, brier = brier_score(outcome, outcome, 1.0 - risk, [window])
    early = grid < time.min()  # before anyone's event or censoring: weights are 1
    over_grid = np.empty(len(grid))
    over_grid[early] = np.mean(np.square(1.0 - survival_grid[:, early]), axis=0)
    if (~early).any():
        _, over_grid[~early] = brier_score(outcome, outcome, survival_grid[:, ~early], grid[~early])
    integrated = np.trapezoid(over_grid, grid) / (grid[-1] - grid[0])
    middle = np.flatnonzero(np.isclose(grid, window / 2))
    simpson = (2 / 3 * over_grid[middle[0]] + brier[0] / 6) if len(middle) else np.nan
    return {
        "AUC": float(auc[0]),
        "Brier at window": float(brier[0]),
        "integrated Brier": float(integrated),
        "integrated Brier, Simpson": float(simpson),
    }


WINDOW_GRID_POINTS = 12  # Brier-score times in the window (they include mid-window and its end)
SEED_STRIDE = 100  # member k of a seed ensemble uses seed + round + SEED_STRIDE * k


def _sequence_survival(name: str, cohort: VisitCohort, landmark: float, window: float,
                       train_ids: np.ndarray, test_ids: np.ndarray, epochs: int,
                       seed: int, grid: np.ndarray) -> np.ndarray:
    """One of the progression chapters' deep models over the visits up to the landmark
    (``name`` from :data:`medlib.survival.progression.DEEP_MODELS`, at its default
    setting), trained on ``train_ids`` (a fifth of them held out for early stopping);
    survival of ``test_ids`` at ``grid``, rows in the order of ``test_ids``."""
    from medlib.survival.discrete_time import interval_edges
    from medlib.survival.landmark import LandmarkBuilder
    from medlib.survival.progression import FitSettings, fit_deep

    rng = np.random.default_rng(seed)
    shuffled = rng.permutation(train_ids)
    n_val = max(1, len(shuffled) // 5)
    builder = LandmarkBuilder(cohort, landmark).fit(train_ids)
    fit_set, val_set, test_set = (builder.transform(ids) for ids in
                                  (shuffled[n_val:], shuffled[:n_val], test_ids))
    prediction = fit_deep(name, fit_set, val_set, test_set, interval_edges(window, 6),
                          FitSettings(epochs, seed))
    order = pd.Index(test_set.ids).get_indexer(test_ids)
    return prediction.survival_fn(grid)[order]


def window_cross_validation(cohort: VisitCohort, landmark: float, window: float,
                            models: dict, n_folds: int, repeats: int, seed: int,
                            sequence_models: tuple[str, ...] = (),
                            sequence_epochs: int = 0,
                            seed_ensembles: Mapping[str, int] | None = None,
                            ensembles: Mapping[str, Sequence[str]] | None = None,
                            ) -> pd.DataFrame:
    """Score every model of ``models`` (name -> seed -> unfitted model with ``fit`` and
    ``survival``, on :func:`window_features`) and every deep model named in
    ``sequence_models`` on the visit sequences (at most ``sequence_epochs`` epochs), in
    ``repeats`` rounds of ``n_folds``-fold cross-validation by patient (scikit-learn's
    shuffled ``KFold``, seeded ``seed + round``): one row per round, fold and model, with
    the seconds its fit took.

    ``seed_ensembles`` (a sequence model -> n) adds that model averaged over ``n`` seeds,
    named by :func:`~medlib.survival.window_ensembles.seed_ensemble_name` (its first
    member is the single fit already scored); ``ensembles`` (name -> members, any of the
    above) adds the mean survival of the members. Both are declared before the run and
    fitted on the training folds only, so they are scored like any other model; their
    seconds are their members' summed."""
    from sklearn.model_selection import KFold

    from medlib.survival.window_ensembles import mean_curves, seed_ensemble_name

    seed_ensembles = dict(seed_ensembles or {})
    ensembles = dict(ensembles or {})
    unknown = sorted(set(seed_ensembles) - set(sequence_models))
    if unknown:
        raise ValueError(f"seed_ensembles names {unknown}, which are not among "
                         f"sequence_models {list(sequence_models)}: name one of those")
    data = window_features(cohort, landmark)
    grid = np.linspace(window / WINDOW_GRID_POINTS, window, WINDOW_GRID_POINTS)
    rows = []
    for repeat in range(repeats):
        folds = KFold(n_folds, shuffle=True, random_state=seed + repeat).split(data.ids)
        for fold, (_, test_rows) in enumerate(folds):
            test = np.isin(np.arange(len(data)), test_rows)
            x_train, x_test = fill_and_scale(data.x[~test], data.x[test])
            survival, seconds, choices = {}, {}, {}
            for name, make in models.items():
                start = perf_counter()
                model = make(seed + repeat).fit(x_train, data.time[~test], data.event[~test])
                survival[name] = model.survival(x_test, grid)
                seconds[name] = perf_counter() - start
                choices[name] = getattr(model, "choice", {})
            for name in sequence_models:
                n_seeds = seed_ensembles.get(name, 1)
                curves, took = [], 0.0
                for member in range(n_seeds):
                    start = perf_counter()
                    curves.append(_sequence_survival(
                        name, cohort, landmark, window, data.ids[~test], data.ids[test],
                        sequence_epochs, seed + repeat + SEED_STRIDE * member, grid))
                    took += perf_counter() - start
                    if member == 0:
                        survival[name], seconds[name] = curves[0], took
                if n_seeds > 1:
                    ensemble = seed_ensemble_name(name, n_seeds)
                    survival[ensemble], seconds[ensemble] = np.mean(curves, axis=0), took
            for name, members in ensembles.items():
                survival[name] = mean_curves(survival, members)
                seconds[name] = sum(seconds[member] for member in members)
            for name, curve in survival.items():
                scores = window_scores(data.time[test], data.event[test], 1.0 - curve[:, -1],
                                       curve, grid, window)
                rows.append({"repeat": repeat, "fold": fold, "model": name,
                             "test people": int(test.sum()),
                             "events in window": int((data.event[test]
                                                      & (data.time[test] <= window)).sum()),
                             **scores, "seconds": seconds[name], **choices.get(name, {})})
    return pd.DataFrame(rows)
