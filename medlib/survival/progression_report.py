"""The sentences of the progression chapters that depend on how a comparison came out.

A paired comparison over a few splits can land three ways (ahead, behind, or not
distinguishable), and the chapters are published for two cohorts from one notebook, so the
words are chosen here from the numbers rather than written once into the Markdown.
Chapters: ``progression_pbc``, ``progression_nafld``.
"""

from __future__ import annotations


def paired_verdict(deep: str, baseline: str, low: float, high: float) -> str:
    """What the corrected 95% interval ``low``-``high`` of the paired difference (deep
    model minus baseline, Harrell's C) allows one to say."""
    if low > 0:
        return (f"The interval lies above zero: {deep} ranks these people better than "
                f"{baseline}.")
    if high < 0:
        return (f"The interval lies below zero: {baseline} ranks these people better than "
                f"{deep}.")
    return (f"The interval includes zero, so on these splits {deep} and {baseline} cannot be "
            "told apart.")


def conclusion_lead(deep: str, baseline: str, low: float, high: float) -> str:
    """The first sentence of a chapter's conclusion: whether reading the visit sequence
    bought anything measurable over the best baseline."""
    if low > 0:
        return (f"Here the sequence of visits buys something measurable: {deep} ranks people "
                f"better than the best baseline, {baseline}, beyond the interval.")
    if high < 0:
        return (f"Here the survival baselines win: {baseline} ranks people better than the "
                f"best deep model, {deep}, beyond the interval.")
    return (f"Here the sequence of visits buys nothing measurable: the best deep model, "
            f"{deep}, and the best baseline, {baseline}, cannot be told apart.")
