"""The two liver data sets of the aorsf benchmark, rebuilt row for row.

Jaeger et al. (Journal of Computational and Graphical Statistics 33:1, 2024; code in
``bcjaeger/aorsf-bench``) benchmark survival learners on 35 tasks, two of which the book's
progression chapters also study. Both are rebuilt here exactly as the benchmark's R code
builds them, so that this book's models can be scored on the same rows:

- ``pbc_orsf`` (the ``aorsf`` package's copy of ``survival::pbc``): the 276 complete cases
  of the 418 patients, 17 baseline predictors, death as the event (transplant censored).
  The paper's table lists p = 19: it counts the ``time`` and ``status`` columns.
- NAFLD (``R/nafld_build.R``): every one of the 17,549 people of ``survival::nafld1``,
  with laboratory values (mean of each value on or before the index date) and diagnoses
  (ever recorded on or before the index date) from ``nafld2`` and ``nafld3``; 22
  predictors (the paper's p = 24 counts ``time`` and ``status``), death as the event.

Missing values are kept as the R code leaves them: the benchmark imputes them inside each
split (:mod:`medlib.survival.benchmark`). Chapter: ``progression_benchmarks``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from medlib.data.cohorts import _rdataset


@dataclass(frozen=True)
class BenchmarkSet:
    """One benchmark task: predictors, follow-up time (days) and the event (death), with
    the row and event counts the paper reports, to check the rebuild against."""

    name: str
    features: pd.DataFrame  # one row per person, predictors only (NaN where missing)
    time: np.ndarray  # days of follow-up
    event: np.ndarray  # True = death
    categorical: tuple[str, ...]  # imputed with the mode, not scaled
    source: str
    paper_rows: int
    paper_events: int
    paper_predictors: int  # the paper's p, which counts time and status

    @property
    def n_rows(self) -> int:
        return len(self.features)

    @property
    def n_events(self) -> int:
        return int(self.event.sum())

    @property
    def n_predictors(self) -> int:
        return self.features.shape[1]


PBC_PREDICTORS = ("trt", "age", "sex", "ascites", "hepato", "spiders", "edema", "bili",
                  "chol", "albumin", "copper", "alk.phos", "ast", "trig", "platelet",
                  "protime", "stage")
PBC_CATEGORICAL = ("trt", "sex", "ascites", "hepato", "spiders", "edema", "stage")


def load_pbc_orsf() -> BenchmarkSet:
    """``aorsf::pbc_orsf``: the complete cases of ``survival::pbc``; death = status 2.

    Factors are coded as numbers (treatment 1 = D-penicillamine, female 1, edema 0 / 0.5 /
    1, stage 1-4): the models of this book take numeric inputs, and the two ordered
    factors keep their order."""
    raw = _rdataset("pbc")
    complete = raw.dropna().reset_index(drop=True)
    features = complete[list(PBC_PREDICTORS)].assign(
        trt=(complete["trt"] == 1).astype(float),
        sex=(complete["sex"] == "f").astype(float),
    )
    return BenchmarkSet(
        name="pbc_orsf",
        features=features.astype(float),
        time=complete["time"].to_numpy(float),
        event=(complete["status"] == 2).to_numpy(),
        categorical=PBC_CATEGORICAL,
        source="survival::pbc complete cases, as aorsf::pbc_orsf",
        paper_rows=276,
        paper_events=111,
        paper_predictors=19,
    )


NAFLD_LAB_MEANS = ("chol", "hdl", "dbp", "sbp", "fib4", "smoke")
NAFLD_HISTORY = ("diabetes", "htn", "dyslipidemia", "MI", "ang/isc", "stroke", "afib",
                 "heart failure", "cardiac arrest")


def _lab_summary(labs: pd.DataFrame) -> pd.DataFrame:
    """Per person: days from the last laboratory date on or before the index date to it,
    and the mean of each value over those dates (the last record of a test on a date)."""
    before = labs[labs["days"] <= 0]
    last = before.groupby(["id", "days", "test"], sort=False)["value"].last()
    by_date = last.unstack("test")
    per_person = by_date.groupby("id")
    summary = per_person[list(NAFLD_LAB_MEANS)].mean()
    days = by_date.reset_index("days")["days"].groupby("id").max()
    return summary.assign(days_since_lab=days.abs())


def _history(diagnoses: pd.DataFrame) -> pd.DataFrame:
    """Per person with any diagnosis on or before the index date: 1 for each diagnosis
    recorded then, 0 otherwise. People with none are absent (NaN after the join), as in
    the benchmark, whose imputation then fills them with the training mean."""
    before = diagnoses[diagnoses["days"] <= 0]
    seen = before.groupby(["id", "event"]).size().unstack("event")
    seen = seen.reindex(columns=list(NAFLD_HISTORY))
    return seen.notna().astype(float)


def load_nafld_orsf() -> BenchmarkSet:
    """The benchmark's NAFLD set (``R/nafld_build.R``): nafld1's people with ``nafld``
    (1 when the person is the case of the matched set), their laboratory summary before
    the index date and their diagnosis history before it."""
    people = _rdataset("nafld1").set_index("id")
    people["nafld"] = (people["case.id"] == people.index).astype(float)
    people.loc[people["case.id"].isna(), "nafld"] = np.nan  # R: NA == id is NA
    frame = (people.join(_lab_summary(_rdataset("nafld2")))
             .join(_history(_rdataset("nafld3"))))
    predictors = ["age", "male", "weight", "height", "bmi", "nafld", "days_since_lab",
                  *NAFLD_LAB_MEANS, *NAFLD_HISTORY]
    return BenchmarkSet(
        name="nafld",
        features=frame[predictors].astype(float).reset_index(drop=True),
        time=frame["futime"].to_numpy(float),
        event=(frame["status"] == 1).to_numpy(),
        categorical=(),
        source="survival::nafld1/2/3, as aorsf-bench R/nafld_build.R",
        paper_rows=17549,
        paper_events=1364,
        paper_predictors=24,
    )
