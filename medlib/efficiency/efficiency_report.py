"""The verdicts of the efficiency chapter: each compressed variant against its original.

Every variant is scored on the same official test images as the float32 original, so each
comparison is a paired one: the difference of the two test AUROCs with the interval of a
stratified bootstrap that resamples the images once for both
(:func:`medlib.metrics.paired.paired_bootstrap_difference`). Each verdict is a
:class:`medlib.claims.verdicts.Claim` (``bootstrap_95``), and the sentences the page glues
are built from the claims: how many variants cannot be told apart from the original, and
whether distillation changed the student. The chapter's target (at least four times
smaller, AUROC within 0.005 of the original: :func:`medlib.efficiency.tradeoff.
meeting_target`) is a fixed rule on the point estimates and stays one. Chapter
``efficiency``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from medlib.claims.verdicts import AHEAD, BEHIND, TIED, Claim, compare_difference
from medlib.metrics.paired import paired_bootstrap_difference

BOOTSTRAP = "bootstrap_95"
PAIRED = "a paired bootstrap over the test images"


def _join(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _numbers(claim: Claim) -> str:
    n = claim.numbers
    return f"{n['estimate']:+.4f}, 95% CI {n['low']:+.4f} to {n['high']:+.4f}"


def against_original_claims(y_true: np.ndarray, test_scores: Mapping[str, np.ndarray],
                            original: str, n_resamples: int, seed: int) -> list[Claim]:
    """Every variant of ``test_scores`` (name -> test probabilities) against ``original``:
    the paired difference of their test AUROCs (variant − original)."""
    claims = []
    for name, scores in test_scores.items():
        if name == original:
            continue
        estimate, low, high = paired_bootstrap_difference(
            y_true, scores, test_scores[original], n_resamples, seed)
        claims.append(compare_difference(name, original, estimate, low, high, BOOTSTRAP))
    return claims


def against_original_text(claims: Sequence[Claim]) -> str:
    """How the variants compare with the original, counted from the claims, after the words
    "Against the original, ": "with each variant's test AUROC minus the original's …, 6 of 8
    variants cannot be told apart from it; pruned 90% is behind it (…)"."""
    n = len(claims)
    if not n:
        raise ValueError("no variant to compare with the original")
    tied = [c for c in claims if c.outcome == TIED]
    parts = []
    if len(tied) == n:
        parts.append(f"none of the {n} variants can be told apart from it")
    elif tied:
        parts.append(f"{len(tied)} of {n} variants cannot be told apart from it")
    for outcome in (BEHIND, AHEAD):
        parts += [f"{c.subject} {c.verb} it ({_numbers(c)})" for c in claims
                  if c.outcome == outcome]
    return (f"with each variant's test AUROC minus the original's and its 95% CI from {PAIRED}, "
            f"{'; '.join(parts)}")


def distillation_claim(y_true: np.ndarray, distilled: np.ndarray, labels_only: np.ndarray,
                       n_resamples: int, seed: int) -> Claim:
    """The distilled student against the student trained on labels alone: the paired
    difference of their test AUROCs."""
    estimate, low, high = paired_bootstrap_difference(y_true, distilled, labels_only,
                                                      n_resamples, seed)
    return compare_difference("student, distilled", "student, labels only", estimate, low,
                              high, BOOTSTRAP)


def distillation_text(claim: Claim, weight_share: str) -> str:
    """What distillation did for the student, from the claim; ``weight_share``: the
    student's share of the teacher's weights, as the page shows it."""
    lead = (f"the distilled student {claim.verb} the one trained on labels alone (difference "
            f"{_numbers(claim)}, {PAIRED})")
    if claim.outcome == AHEAD:
        return (f"{lead}: the teacher's soft targets helped on this test set, for one seed of "
                "each, which more seeds would have to confirm")
    if claim.outcome == BEHIND:
        return (f"{lead}: the teacher's soft targets cost test AUROC here, for one seed of "
                "each")
    return (f"{lead}: the teacher's soft targets made no difference this test set can detect, "
            f"for one seed of each; at {weight_share} of the teacher's weights, this task does "
            "not need them")
