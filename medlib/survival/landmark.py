"""Landmark data sets for progression models: only what was known at the landmark.

At a landmark time ``s`` (years since entry), the people still alive and followed are
eligible; each contributes the visits at or before ``s`` and the residual outcome (time
after ``s``, death). Nothing after ``s`` enters a feature, and imputation and scaling are
fitted on training people only, so the test split and the future stay unseen. The same
object gives the recurrent and attention models their visit sequences and the survival
baselines their baseline and at-landmark covariates. Chapter: ``progression``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from medlib.data.cohorts import VisitCohort


@dataclass(frozen=True)
class LandmarkSet:
    """Model inputs and residual outcomes of the eligible people of one split."""

    ids: np.ndarray  # (n,)
    sequences: np.ndarray  # (n, max_visits, n_features) float32, zero after the last visit
    mask: np.ndarray  # (n, max_visits) bool, True on real visits
    visit_times: np.ndarray  # (n, max_visits) years relative to the landmark (<= 0)
    baseline: np.ndarray  # (n, n_covariates): covariates at entry (time 0)
    at_landmark: np.ndarray  # (n, n_covariates): last known covariates at the landmark
    time: np.ndarray  # (n,) years from the landmark to death or censoring
    event: np.ndarray  # (n,) bool, death
    feature_names: tuple[str, ...]
    covariate_names: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.ids)

    def subset(self, rows: np.ndarray) -> LandmarkSet:
        """The people at positions ``rows``, every per-person array cut alike."""
        per_person = ("ids", "sequences", "mask", "visit_times", "baseline", "at_landmark",
                      "time", "event")
        return dataclasses.replace(self, **{name: getattr(self, name)[rows]
                                            for name in per_person})


class LandmarkBuilder:
    """Fit imputation and scaling on training people, then build :class:`LandmarkSet` s."""

    def __init__(self, cohort: VisitCohort, landmark: float, max_visits: int = 16) -> None:
        self.cohort, self.landmark, self.max_visits = cohort, landmark, max_visits
        self.covariates = (*cohort.static, *cohort.dynamic)
        self.medians: pd.Series | None = None

    def eligible_ids(self) -> np.ndarray:
        """People alive and under follow-up at the landmark."""
        outcomes = self.cohort.outcomes
        return outcomes.loc[outcomes["time"] > self.landmark, "id"].to_numpy()

    @cached_property
    def _eligible_history(self) -> pd.DataFrame:
        """Visits up to the landmark of every eligible person, last value carried forward,
        with a measured flag per dynamic covariate. Each person's rows depend on that
        person's past only, so this is computed once and shared by every split."""
        visits = self.cohort.visits
        history = visits[visits["id"].isin(self.eligible_ids()) & (visits["time"] <= self.landmark)]
        history = history.sort_values(["id", "time"]).copy()
        dynamic = list(self.cohort.dynamic)
        measured = history[dynamic].notna()
        history[dynamic] = history.groupby("id")[dynamic].ffill()  # last value carried forward
        for column in dynamic:
            history[f"measured:{column}"] = measured[column].to_numpy(dtype=float)
        return history

    def _history(self, ids: np.ndarray) -> pd.DataFrame:
        history = self._eligible_history
        return history[history["id"].isin(ids)]

    def fit(self, train_ids: np.ndarray) -> LandmarkBuilder:
        """Learn medians, means and scales from the training people's history."""
        history = self._history(np.intersect1d(train_ids, self.eligible_ids()))
        values = history[list(self.covariates)]
        self.medians = values.median()
        filled = values.fillna(self.medians)
        self.means, self.scales = filled.mean(), filled.std().replace(0, 1).fillna(1)
        return self

    def transform(self, ids: np.ndarray) -> LandmarkSet:
        """Sequences and covariates of the eligible people among ``ids``."""
        if self.medians is None:
            raise RuntimeError("call fit(train_ids) before transform")
        ids = np.intersect1d(ids, self.eligible_ids())
        history = self._history(ids)
        scaled = (history[list(self.covariates)].fillna(self.medians) - self.means) / self.scales
        relative_time = (history["time"] - self.landmark).to_numpy()
        measured_cols = [f"measured:{c}" for c in self.cohort.dynamic]
        features = np.column_stack(
            [scaled.to_numpy(), history[measured_cols].to_numpy(), relative_time / 5.0]
        )
        feature_names = (*self.covariates, *measured_cols, "visit time (5 y units)")

        n, k, d = len(ids), self.max_visits, features.shape[1]
        sequences = np.zeros((n, k, d), dtype=np.float32)
        mask = np.zeros((n, k), dtype=bool)
        visit_times = np.zeros((n, k), dtype=np.float32)
        baseline = np.zeros((n, len(self.covariates)))
        at_landmark = np.zeros((n, len(self.covariates)))
        scaled_values = scaled.to_numpy()
        row_of = {pid: i for i, pid in enumerate(ids)}
        person = history["id"].to_numpy()
        times = history["time"].to_numpy()
        starts = np.flatnonzero(np.r_[True, person[1:] != person[:-1]])
        ends = np.r_[starts[1:], len(person)]
        for start, end in zip(starts, ends, strict=True):
            i = row_of[person[start]]
            rows = slice(max(start, end - k), end)  # the most recent visits
            length = rows.stop - rows.start
            sequences[i, :length] = features[rows]
            mask[i, :length] = True
            visit_times[i, :length] = relative_time[rows]
            entry = start + np.searchsorted(times[start:end], 0.0, side="right") - 1
            baseline[i] = scaled_values[max(entry, start)]
            at_landmark[i] = scaled_values[end - 1]
        outcomes = self.cohort.outcomes.set_index("id").loc[ids]
        return LandmarkSet(
            ids=ids,
            sequences=sequences,
            mask=mask,
            visit_times=visit_times,
            baseline=baseline,
            at_landmark=at_landmark,
            time=outcomes["time"].to_numpy() - self.landmark,
            event=outcomes["event"].to_numpy(dtype=bool),
            feature_names=feature_names,
            covariate_names=self.covariates,
        )


@dataclass(frozen=True)
class PeopleSplit:
    """Person identifiers of one patient-level split. ``train`` holds everyone outside the
    test part, in the order the draw gave them (the survival baselines train on all of them,
    and a forest's bootstrap depends on the row order); ``fit`` and ``val`` divide it."""

    train: np.ndarray
    fit: np.ndarray
    val: np.ndarray
    test: np.ndarray


def split_people(
    ids: np.ndarray,
    event: pd.Series,
    seed: int,
    test_fraction: float = 0.3,
    val_fraction: float = 0.2,
    subsample: int = 0,
) -> PeopleSplit:
    """Split people (never visits) into training and test parts, and the training part into
    fit and validation (early stopping), each draw stratified by the event, so that no
    person's visits sit on both sides of a split.

    ``subsample`` > 0 first draws that many people (stratified) from ``ids``. ``event`` maps a
    person's id to the event indicator. The same ``seed`` drives every draw (scikit-learn's
    ``train_test_split``), so a split is repeatable from its seed alone.
    """
    from sklearn.model_selection import train_test_split

    people = np.asarray(ids)
    if subsample and subsample < len(people):
        people, _ = train_test_split(people, train_size=subsample,
                                     stratify=event.loc[people], random_state=seed)
    train, test = train_test_split(people, test_size=test_fraction,
                                   stratify=event.loc[people], random_state=seed)
    fit, val = train_test_split(train, test_size=val_fraction,
                                stratify=event.loc[train], random_state=seed)
    return PeopleSplit(train=train, fit=fit, val=val, test=test)
