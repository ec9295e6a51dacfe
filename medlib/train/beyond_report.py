"""The verdicts of chapter ``cnn_beyond``, and the comparisons that chapters ``labelling``
and ``pretraining`` make the same way.

Every comparative sentence of these chapters ("meets the target", "is ahead of the
published row", "cannot be told apart from") is a :class:`medlib.claims.verdicts.Claim`,
computed from a number and its interval; the words glued into the page are chosen here from
the claim, and the chapter records the claims in its results file (``extras["claims"]``)
for the claims check to re-derive.

- :func:`target_claim`: a mean over seeds with its 95% CI (bootstrap over test cases)
  against a target the chapter declares as a parameter. It *meets* the target only when the
  whole interval lies above it, *misses* it when the whole interval lies below, and
  otherwise cannot be told apart from it (:func:`target_text`).
- :func:`published_claims`: the same against published numbers, which come without an
  interval (:func:`position_text`, :func:`published_side_text`).
- :func:`paired_claim`: two sets of models (seeds) scored on the same test images, the
  difference of their mean metrics with the 95% CI of a bootstrap over test cases that
  scores both on the same resamples (:func:`medlib.metrics.paired.seed_mean_difference`).
  Whether two separate intervals overlap is not such a test, and no sentence rests on it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

import numpy as np

from medlib.claims.verdicts import (
    AHEAD,
    BEHIND,
    TIED,
    Claim,
    compare_difference,
    compare_value,
    verb,
)
from medlib.metrics.binary import batched_auroc
from medlib.metrics.paired import seed_mean_difference

#: The interval of every claim built here: the 95% CI, bootstrap over test cases.
BOOTSTRAP = "bootstrap_95"
#: How the sentences name an interval of each kind.
INTERVAL_WORDS = {BOOTSTRAP: "95% CI", "seeds_min_max": "range over seeds"}
#: Subject of chapter ``cnn_beyond``'s claims: the full recipe, mean over seeds.
IMPROVED = "improved CNN, full recipe"


def signed(value: float, digits: int = 3) -> str:
    """``+0.012`` or ``−0.004`` (a true minus sign); ``0.000`` without a sign when the
    value rounds to zero."""
    text = f"{value:+.{digits}f}"
    if float(text) == 0:
        return f"{0:.{digits}f}"
    return text.replace("-", "−")


def listing(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    items = list(items)
    if not items:
        raise ValueError("nothing to list")
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def difference_text(claim: Claim, digits: int = 3) -> str:
    """``+0.004, 95% CI +0.001 to +0.006``: a difference claim's estimate and interval."""
    n = claim.numbers
    words = INTERVAL_WORDS.get(claim.interval or "", claim.interval)
    return (f"{signed(n['estimate'], digits)}, {words} {signed(n['low'], digits)} to "
            f"{signed(n['high'], digits)}")


def paired_claim(
    subject: str, reference: str, y_true: np.ndarray, scores_subject: Sequence[np.ndarray],
    scores_reference: Sequence[np.ndarray], n_bootstrap: int, seed: int,
    batched_metric: Callable[[np.ndarray, np.ndarray], np.ndarray] = batched_auroc,
    metric: str | None = None,
) -> Claim:
    """``subject`` against ``reference`` from the mean over seeds of a metric (AUROC unless
    ``batched_metric`` says otherwise) of each one's test scores, one array per seed: the
    difference with its 95% CI, bootstrap over test cases, both sides scored on the same
    resamples (those of :func:`medlib.metrics.seeds.seed_mean_bootstrap` for the same
    ``n_bootstrap`` and ``seed``)."""
    estimate, low, high = seed_mean_difference(y_true, scores_subject, scores_reference,
                                               n_bootstrap, seed, batched_metric=batched_metric)
    return compare_difference(subject, reference, estimate, low, high, BOOTSTRAP, metric=metric)


def recorded(claim: Claim, add_metric: Callable[..., str], name: str | tuple[str, ...]) -> Claim:
    """The claim, naming the metric it rests on, after that metric is recorded with
    ``add_metric`` (a results recorder's): the difference and its interval (plus the
    reference value of a claim against a fixed number), so that the claims check confirms
    that the verdict rests on the published numbers."""
    n = claim.numbers
    shift = n.get("reference_value", 0.0)
    key = add_metric(name, n["estimate"] + shift, n["low"] + shift, n["high"] + shift,
                     interval=claim.interval)
    return replace(claim, metric=key)


def target_claim(subject: str, metric_name: str, value: float, low: float, high: float,
                 target: float, metric: str | None = None) -> Claim:
    """``subject``'s mean test ``metric_name`` (with its 95% CI, bootstrap over test cases)
    against the target the chapter declares for it."""
    return compare_value(f"{subject}: test {metric_name}", f"declared target, test {metric_name}",
                         target, value, low, high, BOOTSTRAP, metric=metric)


def target_text(claim: Claim, digits: int = 3) -> str:
    """"meets the target of 0.975: its 95% CI, 0.977–0.988, lies above it", or "misses"
    (below) or "cannot be told apart from" (the interval includes the target)."""
    n = claim.numbers
    target = n["reference_value"]
    span = f"{n['low'] + target:.{digits}f}–{n['high'] + target:.{digits}f}"
    words = INTERVAL_WORDS.get(claim.interval or "", claim.interval)
    if claim.outcome == AHEAD:
        return f"meets the target of {target:.{digits}f}: its {words}, {span}, lies above it"
    if claim.outcome == BEHIND:
        return f"misses the target of {target:.{digits}f}: its {words}, {span}, lies below it"
    return (f"cannot be told apart from the target of {target:.{digits}f}: its {words}, "
            f"{span}, includes it")


def targets_met(claims: Sequence[Claim]) -> bool:
    """Whether every target is met (each interval above its target)."""
    return bool(claims) and all(c.outcome == AHEAD for c in claims)


def published_claims(subject: str, value: float, low: float, high: float,
                     published: Mapping[str, float], metric_name: str = "AUROC",
                     metric: str | None = None) -> list[Claim]:
    """``subject``'s mean test ``metric_name`` with its 95% CI against each published
    number (``name -> value``; a missing or NaN value is skipped), one claim each, named
    ``"<name> (<value>)"``."""
    return [compare_value(f"{subject}: test {metric_name}", f"{name} ({number:.3f})", number,
                          value, low, high, BOOTSTRAP, metric=metric)
            for name, number in published.items()
            if number is not None and np.isfinite(number)]


def outcomes_text(claims: Sequence[Claim], names: Sequence[str] | None = None) -> str:
    """The claims grouped by outcome, in order of first appearance, each group with its
    verb: "is ahead of A and B, and cannot be told apart from C" (``names`` default to the
    claims' references)."""
    if not claims:
        raise ValueError("no claims to state")
    names = [c.reference for c in claims] if names is None else list(names)
    groups: dict[str, list[str]] = {}
    for claim, name in zip(claims, names, strict=True):
        groups.setdefault(claim.outcome, []).append(name)
    return listing([f"{verb(outcome)} {listing(members)}" for outcome, members in groups.items()])


#: Where a published number lies against our interval, and what that makes it, by the
#: outcome of our claim against it (ours behind: the published number lies above).
_POSITION = {BEHIND: ("above", "ahead of it"), AHEAD: ("below", "behind it"),
             TIED: ("inside", "the two cannot be told apart")}
_POSITION_PLURAL = {BEHIND: "ahead of it", AHEAD: "behind it",
                    TIED: "none can be told apart from it"}


def position_text(claim: Claim, whose: str = "our") -> str:
    """Where the published number of a :func:`published_claims` claim lies, said of the
    published number: "lies above our 95% CI of test AUROC (ahead of it)"."""
    where, relation = _POSITION[claim.outcome]
    return f"lies {where} {whose} {_interval_of(claim)} ({relation})"


def published_side_text(claims: Sequence[Claim], names: Sequence[str], whose: str) -> str:
    """Several published numbers against one interval, said of the published models:
    "both lie above the ensemble's 95% CI of test AUROC (ahead of it)" when they agree,
    otherwise one clause per model ("VGG16 lies inside …; AlexNet lies below …")."""
    if not claims or len(claims) != len(names):
        raise ValueError("give one name per claim, and at least one claim")
    outcomes = {c.outcome for c in claims}
    if len(claims) > 1 and len(outcomes) == 1:
        outcome = claims[0].outcome
        who = "both" if len(claims) == 2 else "all"
        return (f"{who} lie {_POSITION[outcome][0]} {whose} {_interval_of(claims[0])} "
                f"({_POSITION_PLURAL[outcome]})")
    return "; ".join(f"{name} {position_text(c, whose)}" for c, name in zip(claims, names,
                                                                              strict=True))


def _interval_of(claim: Claim) -> str:
    words = INTERVAL_WORDS.get(claim.interval or "", claim.interval)
    return f"{words} of {claim.subject.rsplit(': ', 1)[-1]}"
