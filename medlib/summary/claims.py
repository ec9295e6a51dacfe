"""The summary pages' comparative sentences, from the chapters' recorded claims.

The findings and FAQ pages restate the chapters' verdicts. They never re-decide them: a
verdict is read from the claim the chapter recorded (``extras["claims"]``, re-derived
here from its numbers), and a comparison with a published number is made by
:func:`medlib.claims.verdicts.compare_value` from the chapter's interval. So a summary
sentence says "ahead", "behind" or "cannot be told apart" only when the chapter's numbers
do.
"""

from __future__ import annotations

from medlib.chapter.results import format_number
from medlib.claims.difference_text import signed_difference, signed_interval
from medlib.claims.verdicts import Claim, compare_value
from medlib.survival.verdict_edge import on_the_edge

#: The progression chapters' extra that names their declared pair.
PRIMARY_PAIR = "primary_comparison"


def chapter_claims(result: dict) -> list[Claim]:
    """Every claim a chapter recorded, each checked against its numbers."""
    return [Claim.from_record(r) for r in result.get("extras", {}).get("claims", [])]


def find_claim(result: dict, subject: str, reference: str | None = None,
               kind: str | None = None) -> Claim:
    """The one claim of ``result`` about ``subject`` (and ``reference``, ``kind``)."""
    found = [c for c in chapter_claims(result) if c.subject == subject
             and (reference is None or c.reference == reference)
             and (kind is None or c.kind == kind)]
    if len(found) != 1:
        raise KeyError(f"{result.get('notebook')}: {len(found)} claims about {subject!r} "
                       f"against {reference!r}; expected one (re-publish the chapter?)")
    return found[0]


def progression_sentence(result: dict, cohort: str) -> str:
    """"In PBC, the declared deep model (…) cannot be told apart from the declared
    baseline (…): …", from the chapter's claim on its declared pair; a verdict on the edge
    of its interval (:mod:`medlib.survival.verdict_edge`) is said to be one."""
    pair = result["extras"][PRIMARY_PAIR]
    claim = find_claim(result, pair["deep"], pair["baseline"], "difference")
    n, metrics = claim.numbers, result["metrics"]
    deep_c = format_number(metrics[f"C Harrell::{pair['deep']}"]["value"])
    base_c = format_number(metrics[f"C Harrell::{pair['baseline']}"]["value"])
    numbers = (f"the paired difference is {signed_difference(n['estimate'])} (corrected 95% "
               f"CI {signed_interval(n['low'], n['high'])}), the deep model ahead in "
               f"{pair['splits_deep_better']} of {pair['splits']} splits")
    if on_the_edge(claim, pair["splits"]):
        return (f"In {cohort}, the declared deep model ({pair['deep']}, Harrell's C {deep_c}) "
                f"and the declared baseline ({pair['baseline']}, {base_c}) differ by about "
                f"what the splits can resolve: {numbers}; the interval ends within one "
                f"standard error of zero, so its verdict (on this draw, {claim.outcome}) "
                "can change with the seed.")
    return (f"In {cohort}, the declared deep model ({pair['deep']}, Harrell's C {deep_c}) "
            f"{claim.verb} the declared baseline ({pair['baseline']}, {base_c}): {numbers}.")


def against_published(entry: dict, subject: str, label: str, value: float,
                      higher_is_better: bool = True) -> Claim:
    """A chapter's number with its interval (``entry``: value, low, high, interval)
    against a published number without one."""
    if entry.get("low") is None:
        raise ValueError(f"{subject}: no interval, so no verdict against {label}")
    return compare_value(subject, f"{label} ({format_number(value)})", value, entry["value"],
                         entry["low"], entry["high"], entry["interval"], higher_is_better)


def published_phrase(claim: Claim) -> str:
    """"is behind Google AutoML Vision (0.991)": the verb and the published number."""
    return f"{claim.verb} {claim.reference}"
