"""The facts and sentences of the treatment-benefit page, from the chapter's results.

:mod:`medlib.treatment.report` holds the chapter's verdicts (claims that the results file
keeps and that the FAQ and findings pages restate); this module turns the notebook's
tables and those verdicts into what the chapter's own page glues: counts, intervals in
words, and the sentences whose wording depends on how the numbers came out (the
calibration of benefit, the exploratory learners). Each function returns a dictionary
from glue key to text, so that the notebook glues it in one call and every sentence is
tested here on small inputs. Chapter: ``treatment_benefit``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from medlib.claims.difference_text import signed_difference
from medlib.treatment import report
from medlib.treatment.simulate import EFFECTS
from medlib.treatment.trial import TwoArmTrial

#: The endpoints of the average effect: the primary one and the sensitivity analysis.
PRIMARY_ENDPOINT = "death (transplant censored)"
SENSITIVITY_ENDPOINT = "death or transplant"
#: The column of :func:`medlib.treatment.evaluate.null_summary` with the null runs' spread.
NULL_SD = "mean null SD of predicted benefit"


def value_range(values: pd.Series, digits: int) -> str:
    """"min–max" of ``values`` with ``digits`` decimals."""
    return f"{values.min():.{digits}f}–{values.max():.{digits}f}"


def rank_agreement(benefits: Mapping[str, pd.DataFrame]) -> np.ndarray:
    """The Spearman correlation of predicted benefit for every pair of learners."""
    correlations = pd.DataFrame({n: b["benefit"].astype(float) for n, b in benefits.items()}).corr(
        method="spearman").to_numpy()
    return correlations[np.triu_indices_from(correlations, 1)]


def page_claims(learner: str, effects: Mapping[str, pd.DataFrame], trust: pd.DataFrame,
                null: pd.DataFrame, control: Mapping[str, pd.DataFrame],
                n_simulated: int, rates: pd.DataFrame) -> report.BenefitClaims:
    """The chapter's verdicts (:func:`medlib.treatment.report.benefit_claims`) from its
    tables: the primary endpoint's hazard ratio, the declared ``learner``'s c-for-benefit
    on the real and on the shuffled arms, its positive controls, and its RATE (AUTOC)
    from ``rates`` (:func:`medlib.treatment.rate.rate_table`)."""
    hr = effects[PRIMARY_ENDPOINT].iloc[0]
    primary = trust.set_index("learner").loc[learner]
    autoc = declared_rate(rates, learner, "AUTOC")
    return report.benefit_claims(
        learner, (hr["value"], hr["low"], hr["high"]),
        (primary["c-for-benefit"], primary["low"], primary["high"]),
        null.loc[null["learner"] == learner, "c-for-benefit"].tolist(),
        (int(control["covariate"]["found"].sum()), n_simulated),
        (int(control["covariate_half"]["found"].sum()), n_simulated),
        (autoc["value"], autoc["low"], autoc["high"]))


def declared_rate(rates: pd.DataFrame, learner: str, target: str) -> pd.Series:
    """One row of a :func:`medlib.treatment.rate.rate_table`."""
    row = rates[(rates["learner"] == learner) & (rates["target"] == target)]
    if len(row) != 1:
        raise KeyError(f"{len(row)} {target} rows for {learner!r} in the RATE table")
    return row.iloc[0]


def rate_facts(rates: pd.DataFrame, scores: np.ndarray, claims: report.BenefitClaims,
               primary_learner: str) -> dict[str, str]:
    """The second measure in words: the declared learner's AUTOC and Qini with their
    intervals and p-values, its verdict, how many exploratory learners' AUTOC intervals
    exclude 0, and the doubly robust scores' mean (the trial's average effect on survival
    at the horizon, which every RATE is measured against)."""
    def estimate(target: str) -> str:
        row = declared_rate(rates, primary_learner, target)
        return (f"{row['value']:.3f} (95% CI {row['low']:.3f} to {row['high']:.3f}, "
                f"bootstrap over patients; p = {row['p_value']:.2f})")

    autoc = rates[(rates["target"] == "AUTOC") & (rates["learner"] != primary_learner)]
    excluding = autoc[(autoc["low"] > 0) | (autoc["high"] < 0)]
    named = f" ({', '.join(excluding['learner'])})" if len(excluding) else ""
    return {
        "rate_autoc_text": estimate("AUTOC"), "rate_qini_text": estimate("QINI"),
        "rate_verdict": report.targeting_text(claims.targeting),
        "rate_exploratory": f"{len(excluding)} of the {len(autoc)}{named}",
        "dr_mean": signed_difference(float(np.mean(scores))),
    }


def trial_facts(n_all: int, trial: TwoArmTrial, sensitivity: TwoArmTrial) -> dict[str, str]:
    """Who is in the trial: all patients of the data set, the randomised ones by arm,
    the transplants (events only in the ``sensitivity`` trial) and the covariates."""
    return {
        "n_all": f"{n_all}",
        "n_randomised": f"{len(trial)}",
        "n_treated": f"{int(trial.treated.sum())}",
        "n_control": f"{int((~trial.treated).sum())}",
        "n_not_randomised": f"{n_all - len(trial)}",
        "n_transplants": f"{int((sensitivity.event & ~trial.event).sum())}",
        "n_covariates": f"{trial.covariates.shape[1]}",
    }


def average_facts(effects: Mapping[str, pd.DataFrame]) -> dict[str, str]:
    """The hazard ratio of each endpoint with its interval, and the log-rank p-value."""
    hr = effects[PRIMARY_ENDPOINT].iloc[0]
    hr_sens = effects[SENSITIVITY_ENDPOINT].iloc[0]
    return {
        "hr_text": f"{hr['value']:.2f} (95% CI {hr['low']:.2f}–{hr['high']:.2f})",
        "hr_sensitivity_text": f"hazard ratio {hr_sens['value']:.2f}, 95% CI "
                               f"{hr_sens['low']:.2f}–{hr_sens['high']:.2f}",
        "hr_low_pct": f"{1 - hr['low']:.0%}",
        "hr_high_pct": f"{hr['high'] - 1:.0%}",
        "logrank_p": f"{hr['p (log-rank)']:.2f}",
    }


def design_facts(horizon_years: float, rmst_at: Sequence[float], known: np.ndarray,
                 primary_learner: str, n_bootstrap: int, **counts: int) -> dict[str, str]:
    """The design as the page states it: the horizon, the RMST horizons, how many
    patients' status at the horizon is known, the declared learner, the bootstrap size
    (with a thousands separator) and the other ``counts`` (parameters glued by name)."""
    return {
        "n_bootstrap": f"{n_bootstrap:,}",
        "horizon_years": f"{horizon_years:g}",
        "rmst_max": f"{max(rmst_at):g}",
        "rmst_years": " or ".join(f"{h:g}" for h in rmst_at),
        "n_known": f"{int(known.sum())}",
        "primary_learner": primary_learner,
        **{name: f"{value}" for name, value in counts.items()},
    }


def calibration_verdict(calibration: pd.DataFrame) -> str:
    """How the groups of predicted benefit line up: for how many learners the observed
    benefit rises from group to group, and which groups' intervals exclude zero (each
    named, with a note when its observation lies on the other side of zero)."""
    outside = calibration[(calibration["low"] > 0) | (calibration["high"] < 0)]
    rising = calibration.groupby("learner", sort=False)["observed"].apply(
        lambda observed: bool(np.all(np.diff(observed.to_numpy()) > 0)))
    exceptions = "; ".join(
        f"the exception is {row['learner']}'s group {row['group']}, predicted "
        f"{row['predicted']:+.3f} and observed {row['observed']:+.3f} (95% CI "
        f"{row['low']:+.3f} to {row['high']:+.3f})"
        + (", on the opposite side of zero from its prediction"
           if row["predicted"] * row["observed"] < 0 else "")
        for row in outside.to_dict("records"))
    return (f"the observed benefit rises steadily from the lowest to the highest group for "
            f"{int(rising.sum())} of the {len(rising)} learners, and {len(outside)} of the "
            f"{len(calibration)} groups {'has' if len(outside) == 1 else 'have'} an interval "
            "that excludes zero" + (f" ({exceptions})." if len(outside) else "."))


def learner_facts(summary: pd.DataFrame, off_diagonal: np.ndarray,
                  calibration: pd.DataFrame) -> dict[str, str]:
    """How the learners' predictions spread and agree, how well they predict outcome,
    and the calibration of benefit in words."""
    sd = summary.set_index("learner")["SD"]
    return {
        "sd_t_cox": f"{sd['T-learner, Cox ridge']:.3f}",
        "sd_s_forest": f"{sd['S-learner, survival forest']:.3f}",
        "median_rank_agreement": f"{np.median(off_diagonal):.2f}",
        "prognostic_range": value_range(summary["prognostic C"], 2),
        "real_sd_range": value_range(sd, 3),
        "calibration_verdict": calibration_verdict(calibration),
    }


def null_facts(null: pd.DataFrame, null_summary: pd.DataFrame) -> dict[str, str]:
    """The shuffled-arm runs: the spread of the learners' predicted benefits, how many of
    their intervals "find" benefit against the 2.5% expected, their mean c-for-benefit,
    and the smallest permutation p-value their number allows (one over one plus the
    shuffles)."""
    return {
        "null_sd_range": value_range(null_summary[NULL_SD], 3),
        "null_finds": f"{int(null['finds benefit'].sum())}",
        "null_runs": f"{len(null)}",
        "null_expected": f"{0.025 * len(null):.0f}",
        "null_mean_c": f"{null['c-for-benefit'].mean():.3f}",
        "null_p_floor": f"{1 / (1 + null['permutation'].nunique()):.2g}",
    }


def exploratory_text(trust: pd.DataFrame, primary_learner: str) -> str:
    """How many exploratory learners' c-for-benefit intervals exclude 0.5, and which."""
    exploratory = trust[trust["learner"] != primary_learner]
    excluding = exploratory[(exploratory["low"] > 0.5) | (exploratory["high"] < 0.5)]
    named = f" ({', '.join(excluding['learner'])})" if len(excluding) else ""
    return f"{len(excluding)} of the {len(exploratory)} have an interval that excludes 0.5{named}."


def primary_facts(claims: report.BenefitClaims, trust: pd.DataFrame, by_repeat: pd.DataFrame,
                  primary_learner: str) -> dict[str, str]:
    """The declared learner's c-for-benefit with its interval, its verdicts against
    chance and against the shuffled arms, the range of single cross-fittings, and the
    exploratory learners."""
    primary = trust.set_index("learner").loc[primary_learner]
    single = by_repeat[by_repeat["learner"] == primary_learner]["c-for-benefit"]
    return {
        "primary_cfb_text": f"{primary['c-for-benefit']:.3f} (95% CI {primary['low']:.3f}–"
                            f"{primary['high']:.3f}, bootstrap over patients)",
        "primary_chance_text": report.chance_text(claims.against_chance),
        "primary_chance_short": f"{claims.against_chance.verb} chance",
        "primary_repeat_range": f"{single.min():.3f} to {single.max():.3f}",
        "exploratory_text": exploratory_text(trust, primary_learner),
        "primary_null_text": report.null_text(claims.against_null),
    }


def control_facts(claims: report.BenefitClaims,
                  control: Mapping[str, pd.DataFrame]) -> dict[str, str]:
    """The positive controls: the simulated effect (intercept and slopes of the log
    hazard ratio), their share of deaths, and in how many trials each was found."""
    intercept, strong_slope = EFFECTS["covariate"]
    return {
        "control_intercept": f"{intercept:g}",
        "control_strong_slope": f"{-strong_slope:g}",
        "control_half_slope": f"{-EFFECTS['covariate_half'][1]:g}",
        "control_death_share": f"{pd.concat(control.values())['death share'].mean():.0%}",
        "control_strong_text": report.control_text(claims.strong),
        "control_half_text": report.control_text(claims.half),
    }


def verdict_facts(claims: report.BenefitClaims) -> dict[str, str]:
    """The average effect and the recommendation, in words."""
    return {"average_verdict": report.average_text(claims.average),
            "clinician_verdict": report.clinician_verdict(claims)}


def power_facts(power_learner: str, interaction: Mapping[str, float],
                power: Mapping[str, float]) -> dict[str, str]:
    """The difference in treatment effect between the halves of predicted benefit, and
    the events and patients a trial would need to detect it."""
    return {
        "power_learner": power_learner,
        "delta_text": f"{interaction['delta log HR']:+.2f} (95% CI {interaction['low']:+.2f} to "
                      f"{interaction['high']:+.2f}, p = {interaction['p']:.2f})",
        "events_needed": f"{power['events needed']:,.0f}",
        "event_share": f"{power['event share']:.0%}",
        "patients_needed": f"{power['patients needed']:,.0f}",
    }
