"""The verdicts of chapter ``labelling``, computed from its numbers.

Each comparative sentence of the chapter is a :class:`medlib.claims.verdicts.Claim`, which
the chapter records in its results file; the words glued into the page are chosen here from
the claims.

- Label efficiency, label noise and the re-fitted threshold compare models scored on the
  same test images: the difference of their means over seeds, with the 95% CI of a
  bootstrap over test cases that scores both sides on the same resamples
  (:func:`medlib.train.beyond_report.paired_claim`). Two intervals that overlap are not
  such a test.
- Active learning compares the labels each strategy needed to reach a target, seed by
  seed (:func:`labels_needed_claims`): the interval is the range over seeds of uncertainty
  minus random sampling, so a strategy is ahead only when it needed fewer labels on every
  seed, and a target on which the seeds disagree cannot be told apart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from medlib.claims.verdicts import AHEAD, BEHIND, TIED, Claim, compare_difference, verb
from medlib.train.beyond_report import difference_text, listing

#: The interval of the active-learning claims: the range over seeds of the difference.
SEEDS = "seeds_min_max"
UNCERTAINTY, RANDOM = "uncertainty", "random"


def labels_needed_claims(needed: pd.DataFrame, last_round: int) -> dict[str, Claim | None]:
    """Per target, uncertainty sampling against random sampling in the labels each needed
    (lower is better), from ``needed``: one row per target, strategy and seed, with
    ``labels needed`` NaN where that seed's curve never reached the target (as
    :func:`medlib.trust.active_learning.labels_needed_summary` returns it).

    On each seed the difference is uncertainty minus random. A strategy that never reached
    the target within the last round (``last_round`` labels) is counted at ``last_round``,
    the fewest it could have needed, which can only understate how far it fell short; a
    seed on which neither reached the target says nothing and is left out. The claim's
    estimate is the mean of the seeds' differences and its interval their range over
    seeds; its numbers also say on how many ``seeds`` it rests and on how many of them one
    strategy's count is such a bound (``seeds_bounded``). A target that no seed informs
    gets None.
    """
    reached = needed["labels needed"].dropna()
    if (reached > last_round + 1e-9).any():
        raise ValueError(f"a strategy needed more than the last round's {last_round} labels: "
                         "last_round must be the labels of the last round")
    claims: dict[str, Claim | None] = {}
    for target, rows in needed.groupby("target", sort=False):
        wide = rows.pivot(index="seed", columns="strategy", values="labels needed")
        uncertainty, random = wide[UNCERTAINTY], wide[RANDOM]
        informed = uncertainty.notna() | random.notna()
        if not informed.any():
            claims[target] = None
            continue
        bounded = int((uncertainty.isna() ^ random.isna()).sum())
        difference = (uncertainty.fillna(last_round) - random.fillna(last_round))[informed]
        claim = compare_difference(
            f"uncertainty sampling, labels needed for {target}",
            f"random sampling, labels needed for {target}",
            float(difference.mean()), float(difference.min()), float(difference.max()),
            SEEDS, higher_is_better=False)
        claims[target] = replace(claim, numbers={**claim.numbers,
                                                 "seeds": float(len(difference)),
                                                 "seeds_bounded": float(bounded)})
    return claims


_SAVES = {
    AHEAD: "needed fewer labels than random sampling on every seed",
    BEHIND: "needed more labels than random sampling on every seed",
    TIED: "cannot be told apart from random sampling (neither needed fewer labels on every "
          "seed)",
}
_NO_SEED = "could not be compared with random sampling (neither reached it on any seed)"


def _labels(value: float) -> str:
    rounded = round(value)
    return f"{rounded:+d}".replace("-", "−") if rounded else "0"


def _labels_detail(claim: Claim) -> str:
    n = claim.numbers
    return (f"uncertainty minus random {_labels(n['estimate'])} labels, range over "
            f"{int(n['seeds'])} seeds {_labels(n['low'])} to {_labels(n['high'])}")


def labels_needed_text(claims: Mapping[str, Claim | None]) -> str:
    """What the active-learning claims say of uncertainty sampling, target by target (or
    at every target when they agree), with each difference and its range over seeds:
    "cannot be told apart from random sampling (…) at every target (95% of full: …)"."""
    if not claims:
        raise ValueError("no targets")
    phrases = {t: _SAVES[c.outcome] if c is not None else _NO_SEED for t, c in claims.items()}
    details = {t: _labels_detail(c) for t, c in claims.items() if c is not None}
    if len(set(phrases.values())) == 1:
        phrase = next(iter(phrases.values()))
        if not details:
            return f"{phrase} at any target"
        return f"{phrase} at every target ({'; '.join(f'{t}: {d}' for t, d in details.items())})"
    return "; ".join(f"at {t}, {phrases[t]}" + (f" ({details[t]})" if t in details else "")
                     for t in claims)


def efficiency_text(claim: Claim, smallest: str) -> str:
    """All the labels against the smallest budget: "the network trained on all the labels
    is ahead of the one trained on 1% of them (+0.019, 95% CI +0.011 to +0.028)"."""
    return (f"the network trained on all the labels {claim.verb} the one trained on "
            f"{smallest} of them ({difference_text(claim)})")


def noise_cost_text(claim: Claim) -> str:
    """Cross-entropy on noisy labels against clean labels, in AUROC."""
    if claim.outcome == BEHIND:
        lead = "the models trained on noisy labels are behind those trained on clean ones"
    elif claim.outcome == AHEAD:
        lead = "the models trained on noisy labels are ahead of those trained on clean ones"
    else:
        lead = "the models trained on noisy and on clean labels cannot be told apart"
    return f"{lead} (paired difference {difference_text(claim)})"


def setting_text(claims: Sequence[Claim], settings: Sequence[str], reference: str) -> str:
    """Claims of one comparison across label settings, grouped by outcome: "is ahead of
    cross-entropy with symmetric 40% labels, and cannot be told apart from it with clean
    and symmetric 20% labels"."""
    if len(claims) != len(settings) or not claims:
        raise ValueError("give one label setting per claim, and at least one claim")
    groups: dict[str, list[str]] = {}
    for claim, setting in zip(claims, settings, strict=True):
        groups.setdefault(claim.outcome, []).append(setting)
    return listing([f"{verb(outcome)} {reference if index == 0 else 'it'} with "
                    f"{listing(members)} labels"
                    for index, (outcome, members) in enumerate(groups.items())])


def gce_text(claim: Claim) -> str:
    """GCE against cross-entropy at the hardest noise, with the paired difference."""
    return (f"GCE {claim.verb} cross-entropy on the same test images (paired difference "
            f"{difference_text(claim)}, bootstrap over test cases)")


def thresholded(scores: Sequence[np.ndarray], thresholds: Sequence[float]) -> list[np.ndarray]:
    """Each model's decisions (1 where its score reaches its own threshold, compared as
    :func:`medlib.metrics.multiclass.predicted_class` compares them), as scores whose
    accuracy at 0.5 is the model's accuracy at its threshold."""
    if len(scores) != len(thresholds):
        raise ValueError("give one threshold per model")
    return [(np.asarray(s) >= t).astype(float) for s, t in zip(scores, thresholds, strict=True)]
