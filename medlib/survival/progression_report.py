"""The sentences of the progression chapters that depend on how a comparison came out.

Each chapter declares its primary comparison before the results (``primary_comparison``
in ``notebooks/params.yml``: a deep model against a baseline); the verdict on it is a
:class:`medlib.claims.verdicts.Claim` on the paired difference in Harrell's C with its
corrected interval, and the words here are chosen from that claim. The chapters are
published for two cohorts from one notebook, so the words cannot be written once into the
Markdown. Chapters: ``progression_pbc``, ``progression_nafld``.
"""

from __future__ import annotations

from medlib.claims.verdicts import AHEAD, BEHIND, Claim, compare_difference

CORRECTED_T = "corrected_t_95"


def parse_comparison(declared: str) -> tuple[str, str]:
    """``("self-attention, time-aware", "Cox, landmark")`` from the parameter
    ``"self-attention, time-aware|Cox, landmark"``."""
    deep, separator, baseline = declared.partition("|")
    if not separator or not deep or not baseline or "|" in baseline:
        raise ValueError(f"primary_comparison {declared!r} must read 'deep model|baseline'")
    return deep, baseline


def primary_claim(deep: str, baseline: str, mean: float, low: float, high: float,
                  metric: str | None = None) -> Claim:
    """The verdict on the declared comparison: the mean paired difference in Harrell's C
    (deep − baseline) over the splits with its corrected 95% interval."""
    return compare_difference(deep, baseline, mean, low, high, CORRECTED_T, metric=metric)


def paired_verdict(claim: Claim) -> str:
    """What the corrected 95% interval of the paired difference allows one to say."""
    deep, baseline = claim.subject, claim.reference
    if claim.outcome == AHEAD:
        return (f"The interval lies above zero: {deep} ranks these people better than "
                f"{baseline}.")
    if claim.outcome == BEHIND:
        return (f"The interval lies below zero: {baseline} ranks these people better than "
                f"{deep}.")
    return (f"The interval includes zero, so on these splits {deep} and {baseline} cannot be "
            "told apart.")


def conclusion_lead(claim: Claim) -> str:
    """The first sentence of a chapter's conclusion: whether reading the visit sequence
    bought anything measurable over the declared baseline."""
    deep, baseline = claim.subject, claim.reference
    if claim.outcome == AHEAD:
        return (f"Here the sequence of visits buys something measurable: {deep} ranks people "
                f"better than {baseline}, beyond the interval.")
    if claim.outcome == BEHIND:
        return (f"Here the survival baseline wins: {baseline} ranks people better than "
                f"{deep}, beyond the interval.")
    return (f"Here the sequence of visits buys nothing these splits can measure: the declared "
            f"deep model, {deep}, and the declared baseline, {baseline}, cannot be told apart.")


def interval_reach(claim: Claim) -> str:
    """What the interval of the paired difference rules out, in units of Harrell's C.

    A verdict of "cannot be told apart" is not a proof of equality: the sentence says how
    large a difference the splits could still hide, so that a reader can judge whether a
    difference that matters to them has been excluded."""
    low, high = claim.numbers["low"], claim.numbers["high"]
    if claim.outcome == AHEAD:
        return (f"The gain in Harrell's C lies between {low:.3f} and {high:.3f} "
                "(corrected 95% CI).")
    if claim.outcome == BEHIND:
        return (f"The loss in Harrell's C lies between {-high:.3f} and {-low:.3f} "
                "(corrected 95% CI).")
    return (f"The interval rules out a gain in Harrell's C above {high:.3f} and a loss above "
            f"{-low:.3f}; smaller differences, either way, remain possible.")
