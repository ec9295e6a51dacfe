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
import pandas as pd

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


# The page's facts: what the notebook glues, one dictionary per section -----------------

ORIGINAL = "improved CNN (float32)"
INT8 = "int8 (post-training)"
DISTILLED, LABELS_ONLY = "student, distilled", "student, labels only"
AUROC_FLOOR = 0.005  # the target's largest AUROC drop, drawn as the dashed line


def setting_facts(calibration_images: int, prune_finetune_epochs: int,
                  student_widths: Sequence[int], student_epochs: int, distill_alpha: float,
                  distill_temperature: float) -> dict[str, str]:
    """The run's settings as the methods paragraph quotes them."""
    return {"calibration_images": f"{calibration_images}",
            "prune_finetune_epochs": f"{prune_finetune_epochs}",
            "student_widths": ", ".join(str(w) for w in student_widths),
            "student_epochs": f"{student_epochs}",
            "distill_alpha": f"{distill_alpha:g}",
            "distill_temperature": f"{distill_temperature:g}"}


def _auroc_facts(key: str, row: pd.Series) -> dict[str, str]:
    return {f"{key}_auroc": f"{row['test AUROC']:.3f}",
            f"{key}_ci": f"{row['95% CI low']:.3f}–{row['95% CI high']:.3f}"}


def _cost_facts(key: str, row: pd.Series) -> dict[str, str]:
    return {f"{key}_latency": f"{row['latency (ms)']:.2f}",
            f"{key}_throughput": f"{row['images / s']:,.0f}"}


def student_share(table: pd.DataFrame) -> str:
    """The distilled student's non-zero weights as a share of the original's ("9%")."""
    weights = table["weights (non-zero)"]
    return f"{weights[DISTILLED] / weights[ORIGINAL]:.0%}"


def table_facts(table: pd.DataFrame, headline: str, meeting: Sequence[str]) -> dict[str, str]:
    """The facts the page reads off the variants' table (:func:`medlib.efficiency.tradeoff.
    against_baseline`): the target, the headline variant, speed, and the spread of AUROC;
    ``meeting``: the names of the variants that meet the target."""
    base, best = table.loc[ORIGINAL], table.loc[headline]
    int8, student = table.loc[INT8], table.loc[DISTILLED]
    facts = {"meeting_target": ", ".join(meeting) or "none", "best_variant": headline,
             "best_smaller": f"{best['smaller by']:.1f}"}
    for key, row in (("best", best), ("base", base), ("plain", table.loc[LABELS_ONLY]),
                     ("distilled", student)):
        facts.update(_auroc_facts(key, row))
    facts.update({"base_kb": f"{base['size (kB)']:.0f}", "best_kb": f"{best['size (kB)']:.0f}"})
    for key, row in (("base", base), ("int8", int8)):
        facts.update(_cost_facts(key, row))
    below = table.index[table["test AUROC"] < base["test AUROC"] - AUROC_FLOOR]
    faster = int8["latency (ms)"] < base["latency (ms)"]
    return {**facts,
            "student_latency": f"{student['latency (ms)']:.2f}",
            "student_throughput": f"{student['images / s']:,.0f}",
            "student_share": student_share(table),
            "auroc_span": f"{table['test AUROC'].min():.3f}–{table['test AUROC'].max():.3f}",
            "below_floor": ", ".join(below) or "none",
            "max_smaller": f"{table['smaller by'].max():.1f}",
            "fastest_variant": table["latency (ms)"].idxmin(),
            "int8_one_image": "faster" if faster else "no faster",
            "int8_batch_ratio": f"{int8['images / s'] / base['images / s']:.1f}",
            "fastest_latency": f"{table['latency (ms)'].min():.2f}"}


def profile_facts(float_profile: pd.DataFrame) -> dict[str, str]:
    """The float model's top operator, its share of the time, and the share of the
    convolution operators among those profiled (:func:`medlib.efficiency.profiling.
    top_operators`)."""
    conv = float_profile.loc[float_profile["operator"].str.contains("conv"), "share of time"]
    return {"top_operator": float_profile.loc[0, "operator"],
            "top_share": f"{float_profile.loc[0, 'share of time']:.0%}",
            "conv_share": f"{conv.sum():.0%}"}


def page_claims(y_true: np.ndarray, test_scores: Mapping[str, np.ndarray], n_resamples: int,
                seed: int) -> tuple[Claim, list[Claim]]:
    """Every comparison of the page, paired on the test images: the distilled student
    against the one trained on labels alone, then every variant against the original."""
    distill = distillation_claim(y_true, test_scores[DISTILLED], test_scores[LABELS_ONLY],
                                 n_resamples, seed)
    return distill, against_original_claims(y_true, test_scores, ORIGINAL, n_resamples, seed)


def claim_facts(distill: Claim, variants: Sequence[Claim], table: pd.DataFrame) -> dict[str, str]:
    """The page's two verdicts, built from the claims of :func:`page_claims`."""
    return {"distill_verdict": distillation_text(distill, student_share(table)),
            "auroc_span_verdict": against_original_text(variants)}
