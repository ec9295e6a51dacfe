"""The sentences of chapter ``cnn_frontier``, computed from its tables and claims.

Every statement the page makes in words (which length validation chose, whether the
ensembles meet the declared targets, what each lever is worth, how far the targets still
are) is built here from the numbers, so that the prose cannot claim more than the run
measured; the notebook keeps the calls.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np
import pandas as pd

from medlib.claims.verdicts import AHEAD, BEHIND, Claim
from medlib.metrics.binary import calibration_intercept_slope
from medlib.metrics.multiclass import task_metrics
from medlib.train.beyond_facts import AUTOML, HeadlineClaims, span
from medlib.train.beyond_report import (
    IMPROVED,
    difference_text,
    outcomes_text,
    position_text,
    target_text,
)

#: How a lever's verdict reads in a sentence.
LEVER_WORDS = {AHEAD: "a gain the interval confirms", BEHIND: "a loss the interval confirms"}


def choice_facts(choice: pd.DataFrame) -> dict[str, str]:
    """The length validation chose (first row of :func:`medlib.train.frontier.choose_length`)
    and the other candidates' validation log loss and AUROC beside it."""
    chosen, others = choice.iloc[0], choice.iloc[1:]
    return {
        "chosen_epochs": str(int(chosen["epochs"])),
        "chosen_val_loss": f"{chosen['val log loss']:.3f}",
        "chosen_val_auroc": f"{chosen['val AUROC']:.3f}",
        "other_lengths": ", ".join(
            f"{int(row['epochs'])} epochs: log loss {row['val log loss']:.3f}, AUROC "
            f"{row['val AUROC']:.3f}" for _, row in others.iterrows()),
    }


def headline_facts(claims: HeadlineClaims, full: pd.DataFrame, per_ensemble: pd.DataFrame
                   ) -> dict[str, str]:
    """The ensembles' mean test AUROC and accuracy with their 95% CIs and ranges over the
    ensembles, the verdicts against the declared targets, and the position against
    Google AutoML Vision and the other published rows."""
    facts = {"target_auroc": f"{claims.declared['AUROC']:.3f}",
             "target_accuracy": f"{claims.declared['accuracy']:.3f}",
             "auroc_verdict": target_text(claims.targets[0]),
             "accuracy_verdict": target_text(claims.targets[1])}
    for short, metric in (("auroc", "AUROC"), ("acc", "accuracy")):
        facts[short] = f"{full.loc[metric, 'value']:.3f}"
        facts[f"{short}_ci"] = span(*full.loc[metric, ["ci_low", "ci_high"]])
        facts[f"{short}_range"] = span(per_ensemble[metric].min(), per_ensemble[metric].max())
    if AUTOML in claims.by_row:
        facts["automl_relation"] = position_text(claims.by_row[AUTOML])
        facts["pub_automl"] = f"{claims.published[AUTOML]:.3f}"
    others = [claim for row, claim in claims.by_row.items() if row != AUTOML]
    facts["published_relation"] = outcomes_text(others) if others else "has no other row"
    return facts


def lever_table(levers: Mapping[str, Claim]) -> pd.DataFrame:
    """One row per lever claim (name -> paired claim): the difference, its 95% CI and the
    verdict, in the order given."""
    return pd.DataFrame([{"lever": name, "difference": c.numbers["estimate"],
                          "low": c.numbers["low"], "high": c.numbers["high"],
                          "verdict": c.outcome} for name, c in levers.items()]
                        ).set_index("lever")


def lever_text(claim: Claim) -> str:
    """"+0.004, 95% CI +0.001 to +0.006: a gain the interval confirms" (or a loss, or "the
    interval includes zero")."""
    reading = LEVER_WORDS.get(claim.outcome, "the interval includes zero")
    return f"{difference_text(claim)}: {reading}"


def calibration_table(y_true: np.ndarray, scored: Mapping[str, list[np.ndarray]]) -> pd.DataFrame:
    """Per set of probabilities (name -> one array per ensemble or network): the mean over
    its arrays of the expected calibration error, the Brier score and the calibration
    intercept and slope (a logistic fit of the outcome on the logit of the probability;
    0 and 1 for a calibrated model)."""
    rows = []
    for name, arrays in scored.items():
        values = []
        for p in arrays:
            p = np.array(p, dtype=float)  # a writable copy: the ECE hands it to torch
            intercept, slope = calibration_intercept_slope(y_true, p)
            scores = task_metrics(y_true, p)
            values.append({"ECE": scores["ece"], "Brier": scores["brier"],
                           "calibration intercept": intercept, "calibration slope": slope})
        rows.append({"probabilities": name, **pd.DataFrame(values).mean().to_dict()})
    return pd.DataFrame(rows).set_index("probabilities")


def gap_facts(full: pd.DataFrame, declared: Mapping[str, float], best_gain: float
              ) -> dict[str, str]:
    """How far the mean is from each declared target ("0.004 below", "0.001 above"), and,
    for an AUROC below its target, how many times the largest lever gain measured here
    (``best_gain``, AUROC) the gap is: what reaching the target would ask of levers of the
    kind tried."""
    def gap_words(metric: str) -> str:
        gap = full.loc[metric, "value"] - declared[metric]
        return f"{abs(gap):.3f} {'above' if gap >= 0 else 'below'}"

    auroc_gap = declared["AUROC"] - full.loc["AUROC", "value"]
    if auroc_gap <= 0:
        scaled = "no gap to close"
    elif best_gain > 0:
        scaled = f"{auroc_gap / best_gain:.1f} times the largest AUROC gain a lever bought here"
    else:
        scaled = "not comparable with any lever here: none gained AUROC"
    return {"auroc_gap": gap_words("AUROC"), "accuracy_gap": gap_words("accuracy"),
            "gap_in_best_gains": scaled}


def calibration_facts(table: pd.DataFrame) -> dict[str, str]:
    """The calibration table's numbers as the page quotes them (``ens_ece``,
    ``single_calibration_slope``, ...) and which way the ensembles' probabilities miss:
    a negative calibration intercept means they say pneumonia more surely than the test
    images bear out ("too high"), a positive one less surely ("too low")."""
    facts = {}
    for prefix, row in (("ens", "ensembles of two"), ("single", "single networks")):
        for column, value in table.loc[row].items():
            facts[f"{prefix}_{column.lower().replace(' ', '_')}"] = f"{value:.3f}"
    intercept = table.loc["ensembles of two", "calibration intercept"]
    facts["calibration_direction"] = "too high" if intercept < 0 else "too low"
    return facts


def headline_claims_as(claims: HeadlineClaims, subject: str, recorded_as: Mapping[str, str]
                       ) -> list[Claim]:
    """The headline claims built by :func:`medlib.train.beyond_facts.headline_claims` (made
    for cnn_beyond's single networks) said of ``subject`` and resting on the metric ids this
    chapter recorded (``recorded_as``: cnn_beyond's id -> ours), so that the claims check
    finds the numbers each verdict rests on."""
    return [replace(c, subject=c.subject.replace(IMPROVED, subject),
                    metric=recorded_as.get(c.metric, c.metric)) for c in claims.all()]


def cost_facts(log: pd.DataFrame, wide: str, standard: str) -> dict[str, str]:
    """How many times the standard network's mean training time (variant ``standard`` of
    the training log, same length) a wider network's (variant ``wide``) took."""
    seconds = log.groupby("variant")["training (s)"].mean()
    for name in (wide, standard):
        if name not in seconds.index:
            raise ValueError(f"no run of {name!r} in the training log; it has "
                             f"{list(seconds.index)}")
    return {"width_cost": f"{seconds[wide] / seconds[standard]:.1f}"}
