"""The verdicts of the robustness chapter, computed from its test scores.

Every comparative sentence of the chapter is a :class:`medlib.claims.verdicts.Claim` made
here from the test probabilities the chapter keeps (:class:`medlib.trust.scoring.
PredictionColumns`), and its words are chosen from the claim's outcome:

- what privacy costs: the test AUROC of the strictest private run against the non-private
  run of the same network, a paired stratified bootstrap of the difference over the test
  images; a private run that did not learn a usable model (test AUROC at most
  :data:`USABLE_AUROC`) is said so on its own, whatever the difference;
- which model is most accurate at its own best threshold on the test set, the non-private
  run against each private one, the threshold chosen again in every paired resample;
- whether PGD does more harm than FGSM, per model and budget, paired on the attacked images;
- from which budget on PGD turns the standard model's ranking round: its AUROC against
  chance (0.5), with its bootstrap interval.

All intervals are 95% percentile intervals of a stratified bootstrap over test images
(``bootstrap_95``). Chapter: ``robustness``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from medlib.claims.verdicts import AHEAD, BEHIND, TIED, Claim, compare_difference, compare_value
from medlib.metrics.binary import bootstrap_ci
from medlib.metrics.multiclass import auroc_only
from medlib.metrics.paired import paired_bootstrap_difference

BOOTSTRAP = "bootstrap_95"
#: AUROC of guessing.
CHANCE_AUROC = 0.5
#: A private run whose test AUROC is at most this did not learn a usable model.
USABLE_AUROC = 0.6
NON_PRIVATE = "non-private"


def _join(items: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def batched_best_accuracy(y_2d: np.ndarray, scores_2d: np.ndarray) -> np.ndarray:
    """Per row, the best accuracy over thresholds at the row's own scores (score >=
    threshold is positive): ``max(accuracy(y, p, t) for t in np.unique(p))``, for all
    rows at once. Optimistic, since the threshold is chosen on the cases it is scored on."""
    scores_2d = np.asarray(scores_2d, dtype=float)
    order = np.argsort(-scores_2d, axis=1, kind="stable")
    ranked = np.take_along_axis(scores_2d, order, axis=1)
    positive = np.take_along_axis(np.asarray(y_2d) == 1, order, axis=1)
    called = np.cumsum(positive, axis=1), np.cumsum(~positive, axis=1)  # TP, FP at each cut
    negatives = (~positive).sum(axis=1, keepdims=True)
    correct = called[0] + negatives - called[1]
    # a threshold calls a whole tie group at once: only the last of each group is a cut
    is_cut = np.ones(ranked.shape, dtype=bool)
    is_cut[:, :-1] = ranked[:, 1:] != ranked[:, :-1]
    return np.where(is_cut, correct, -1).max(axis=1) / ranked.shape[1]


# --- What privacy costs ----------------------------------------------------------------------

def privacy_cost_claim(y_true: np.ndarray, scores: Mapping[str, np.ndarray], private: str,
                       n_resamples: int, seed: int) -> Claim:
    """The private run ``private`` against the non-private one: the paired difference of
    their test AUROCs (private − non-private) with its bootstrap interval. ``scores`` maps
    each run (``"non-private"``, ``"DP-SGD, ε = 1"``, …) to its test probabilities."""
    estimate, low, high = paired_bootstrap_difference(
        y_true, scores[private], scores[NON_PRIVATE], n_resamples, seed)
    return compare_difference(f"tanh CNN, {private}: test AUROC",
                              f"tanh CNN, {NON_PRIVATE}: test AUROC", estimate, low, high,
                              BOOTSTRAP)


def privacy_cost_numbers(claim: Claim) -> tuple[float, float, float]:
    """The cost (non-private − private test AUROC) and its interval, from the claim."""
    n = claim.numbers
    return -n["estimate"], -n["high"], -n["low"]


def unusable_runs(private_aurocs: Mapping[str, float]) -> list[str]:
    """The private runs that did not learn a usable model (test AUROC <= :data:`USABLE_AUROC`)."""
    return [name for name, value in private_aurocs.items() if value <= USABLE_AUROC]


def privacy_cost_text(claim: Claim, private_aurocs: Mapping[str, float]) -> str:
    """What the cost of the strictest budget means. ``private_aurocs``: the test AUROC of
    every private run; one at or below :data:`USABLE_AUROC` makes the cost beside the point,
    and the text says so before anything else."""
    lead = f"the private model {claim.verb} the non-private one"
    if unusable_runs(private_aurocs):
        return (f"{lead}, but that is not the whole story, since at least one private run did "
                f"not learn a usable model (test AUROC at most {USABLE_AUROC:g}, near the "
                f"{CHANCE_AUROC:g} of guessing); at this data size privacy needs its own "
                "training budget, not a switch turned on at the end")
    if claim.outcome == BEHIND:
        return (f"{lead}, a cost larger than the sampling uncertainty of the test set (its "
                "interval lies wholly above zero)")
    if claim.outcome == AHEAD:
        return (f"{lead}; privacy cost nothing measurable here (the interval of the cost lies "
                "wholly below zero)")
    return (f"{lead}, a cost within the sampling uncertainty of the test set (its interval "
            "includes zero)")


# --- Accuracy at each model's best threshold ---------------------------------------------------

def best_accuracy_claims(y_true: np.ndarray, scores: Mapping[str, np.ndarray],
                         n_resamples: int, seed: int) -> list[Claim]:
    """The non-private run against each private run of ``scores`` on the best accuracy over
    test thresholds (:func:`batched_best_accuracy`), paired: every resample scores both runs
    on the same images, each at its own best threshold there."""
    claims = []
    for name in scores:
        if name == NON_PRIVATE:
            continue
        estimate, low, high = paired_bootstrap_difference(
            y_true, scores[NON_PRIVATE], scores[name], n_resamples, seed,
            batched_metric=batched_best_accuracy)
        claims.append(compare_difference(
            f"tanh CNN, {NON_PRIVATE}: best accuracy over test thresholds",
            f"tanh CNN, {name}: best accuracy over test thresholds", estimate, low, high,
            BOOTSTRAP))
    return claims


def _private_label(claim: Claim) -> str:
    """"ε = 8" from the reference "tanh CNN, DP-SGD, ε = 8: best accuracy …"."""
    return claim.reference.split(":")[0].split(", ")[-1]


def best_accuracy_text(claims: Sequence[Claim]) -> str:
    """The non-private run against every private one at their best thresholds."""
    if not claims:
        raise ValueError("no private run to compare the non-private one with")
    method = ("a paired bootstrap over the test images, each model's threshold chosen again "
              "in every resample")
    if len({c.outcome for c in claims}) == 1:
        return f"the non-private model {claims[0].verb} every private model ({method})"
    parts = [f"{c.verb} the {'private model' if i == 0 else 'one'} at {_private_label(c)}"
             for i, c in enumerate(claims)]
    return f"the non-private model {_join(parts)} ({method})"


# --- The attacks -------------------------------------------------------------------------------

def _attack_scores(attacks: pd.DataFrame, columns: Mapping[str, np.ndarray], rows: np.ndarray,
                   model: str, attack: str, eps: int) -> np.ndarray:
    match = attacks[(attacks["model"] == model) & (attacks["attack"] == attack)
                    & (attacks["eps (/255)"] == eps)]
    if len(match) != 1:
        raise ValueError(f"{len(match)} rows of the attack table for {model}, {attack}, "
                         f"eps {eps}/255; expected one")
    return np.asarray(columns[match["predictions_column"].iloc[0]])[rows]


def _pgd_name(attacks: pd.DataFrame) -> str:
    names = [a for a in attacks["attack"].unique() if str(a).startswith("PGD")]
    if len(names) != 1:
        raise ValueError(f"expected one PGD attack in the attack table, found {names}")
    return names[0]


def _budgets(attacks: pd.DataFrame) -> list[int]:
    return sorted(int(e) for e in attacks["eps (/255)"].unique() if e > 0)


def pgd_against_fgsm(attacks: pd.DataFrame, columns: Mapping[str, np.ndarray],
                     y_true: np.ndarray, rows: np.ndarray, n_resamples: int,
                     seed: int) -> list[Claim]:
    """Per model and budget of the attack table (:func:`medlib.trust.robustness.attack_sweep`),
    the AUROC under PGD against that under FGSM, paired on the attacked images ``rows``
    (``y_true``: their labels; ``columns``: the kept probabilities). Higher AUROC is better
    for the model, so PGD *behind* FGSM means that PGD did more harm."""
    pgd = _pgd_name(attacks)
    claims = []
    for model in attacks["model"].unique():
        for eps in _budgets(attacks):
            estimate, low, high = paired_bootstrap_difference(
                y_true, _attack_scores(attacks, columns, rows, model, pgd, eps),
                _attack_scores(attacks, columns, rows, model, "FGSM", eps), n_resamples, seed)
            claims.append(compare_difference(f"{model} model, {pgd} at ε = {eps}/255",
                                             f"{model} model, FGSM at ε = {eps}/255",
                                             estimate, low, high, BOOTSTRAP))
    return claims


def pgd_against_fgsm_text(claims: Sequence[Claim]) -> str:
    """Whether PGD did more harm than FGSM, counted over the model-budget pairs."""
    n = len(claims)
    if not n:
        raise ValueError("no model-budget pair to compare")
    count = {o: sum(c.outcome == o for c in claims) for o in (BEHIND, TIED, AHEAD)}
    parts = []
    if count[BEHIND]:
        parts.append(f"does more harm than it in {count[BEHIND]} of {n} model-budget pairs "
                     "(the model's AUROC under PGD is behind that under FGSM)")
    if count[TIED]:
        parts.append(f"cannot be told apart from it in {count[TIED]}"
                     + ("" if count[BEHIND] else f" of {n} model-budget pairs"))
    if count[AHEAD]:
        parts.append(f"does less harm than it in {count[AHEAD]} (the model's AUROC under "
                     "PGD is ahead of that under FGSM)")
    text = f"{_join(parts)}, a paired bootstrap over the attacked images"
    if count[BEHIND]:
        return f"{text}: an evaluation that tries only the weaker attack overstates robustness"
    return f"{text}: on these images PGD finds no harm that FGSM misses"


def against_chance(attacks: pd.DataFrame, columns: Mapping[str, np.ndarray],
                   y_true: np.ndarray, rows: np.ndarray, model: str, n_resamples: int,
                   seed: int) -> dict[int, Claim]:
    """Per budget, ``model``'s AUROC under PGD against chance (0.5), with the bootstrap
    interval of that AUROC over the attacked images ``rows``."""
    pgd = _pgd_name(attacks)
    claims = {}
    for eps in _budgets(attacks):
        ci = bootstrap_ci(y_true, _attack_scores(attacks, columns, rows, model, pgd, eps),
                          auroc_only, n_resamples, seed).loc["AUROC"]
        claims[eps] = compare_value(f"{model} model, {pgd} at ε = {eps}/255",
                                    f"chance (AUROC {CHANCE_AUROC:g})", CHANCE_AUROC,
                                    ci["value"], ci["ci_low"], ci["ci_high"], BOOTSTRAP)
    return claims


def below_chance_from(claims: Mapping[int, Claim]) -> int | None:
    """The smallest budget from which on every larger budget's AUROC is behind chance (its
    whole interval below 0.5), or None."""
    found = None
    for eps in sorted(claims, reverse=True):
        if claims[eps].outcome != BEHIND:
            break
        found = eps
    return found


def below_chance_text(claims: Mapping[int, Claim]) -> str:
    """From which budget on the attack turns the model's ranking round, in words."""
    if not claims:
        raise ValueError("no attack budget to compare with chance")
    start = below_chance_from(claims)
    if start is None:
        return (f"at no budget up to {max(claims)} grey levels is its AUROC behind chance from "
                f"there on (the whole 95% CI below {CHANCE_AUROC:g}, a bootstrap over the "
                "attacked images)")
    return (f"from {start} grey level{'' if start == 1 else 's'} on its AUROC is behind chance, "
            f"the whole 95% CI below {CHANCE_AUROC:g} (a bootstrap over the attacked images)")
