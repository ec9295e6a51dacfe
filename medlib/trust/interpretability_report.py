"""The verdicts of the interpretability chapter, computed from its per-image numbers.

The chapter explains a handful of test images, half of them correct calls and half wrong
ones, and states three kinds of comparison about the maps; each is a
:class:`medlib.claims.verdicts.Claim` made here, with an interval from a bootstrap over the
explained images that keeps the numbers of correct and wrong calls fixed
(:func:`medlib.metrics.binary.stratified_bootstrap_indices` with the call as the stratum),
and the words are chosen from the claims:

- each method's share of attribution in the edge frame against the share an even spread
  would give (the frame's share of pixels);
- each method's middle-third share on the wrong calls against that on the correct calls;
- each method's deletion and insertion areas against those of a random map, paired on the
  same images (deletion: lower is better; insertion: higher is better).

The sanity checks' verdicts (:func:`medlib.trust.attributions.verdicts`) compare a mean rank
correlation with a fixed threshold, without an interval, and stay as they are.
Chapter: ``interpretability``.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

import numpy as np

from medlib.claims.verdicts import AHEAD, BEHIND, TIED, Claim, compare_difference, compare_value
from medlib.metrics.binary import stratified_bootstrap_indices

BOOTSTRAP = "bootstrap_95"
#: Resamples of the explained images (a few dozen at most: cheap).
N_RESAMPLES = 2000
EVEN_SPREAD = "an even spread: the edge frame's share of pixels"
METHOD = "95% CIs from a bootstrap over the explained images"


def _of(what: str) -> str:
    return f"95% CIs of {what}, from a bootstrap over the explained images"


def _join(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


@contextmanager
def _quiet() -> Iterator[None]:
    """Silences NumPy's "mean of empty slice" warning; an undefined mean raises instead."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def _interval(draws: np.ndarray, estimate: float, level: float) -> tuple[float, float, float]:
    if not (np.isfinite(estimate) and np.all(np.isfinite(draws))):
        raise ValueError("a mean is undefined: every image of a group (or of a resample) has "
                         "no value; explain more images")
    tail = (1 - level) / 2
    low, high = np.quantile(draws, [tail, 1 - tail])
    return float(estimate), float(low), float(high)


def mean_interval(values: np.ndarray, strata: np.ndarray, n_resamples: int = N_RESAMPLES,
                  seed: int = 0, level: float = 0.95) -> tuple[float, float, float]:
    """``(mean, low, high)``: the mean of per-image ``values`` (NaN: no value, left out) and
    its percentile interval over a bootstrap of the images stratified by ``strata``."""
    values = np.asarray(values, dtype=float)
    indices = stratified_bootstrap_indices(np.asarray(strata), n_resamples, seed)
    with _quiet():
        return _interval(np.nanmean(values[indices], axis=1), np.nanmean(values), level)


def group_difference_interval(values: np.ndarray, group: np.ndarray,
                              n_resamples: int = N_RESAMPLES, seed: int = 0,
                              level: float = 0.95) -> tuple[float, float, float]:
    """``(difference, low, high)``: the mean of ``values`` over the images where ``group`` is
    true minus that over the others, with its interval over a bootstrap that resamples each
    group on its own (NaN values are left out)."""
    values, group = np.asarray(values, dtype=float), np.asarray(group, dtype=bool)
    indices = stratified_bootstrap_indices(group.astype(int), n_resamples, seed)
    resampled, in_group = values[indices], group[indices]
    with _quiet():
        draws = (np.nanmean(np.where(in_group, resampled, np.nan), axis=1)
                 - np.nanmean(np.where(in_group, np.nan, resampled), axis=1))
        estimate = np.nanmean(values[group]) - np.nanmean(values[~group])
    return _interval(draws, estimate, level)


# --- Where the maps put their weight -----------------------------------------------------------

def edge_frame_claims(frame_shares: Mapping[str, np.ndarray], even: float, wrong: np.ndarray,
                      n_resamples: int = N_RESAMPLES, seed: int = 0) -> list[Claim]:
    """Per method, its mean share of |attribution| in the edge frame (``frame_shares``: one
    value per explained image) against ``even``, the frame's share of pixels. Less is
    better: a map that leans on the edges points at markers and labels."""
    claims = []
    for name, shares in frame_shares.items():
        mean, low, high = mean_interval(shares, wrong, n_resamples, seed)
        claims.append(compare_value(f"{name}: share of |attribution| in the edge frame",
                                    EVEN_SPREAD, even, mean, low, high, BOOTSTRAP,
                                    higher_is_better=False))
    return claims


def _method(claim: Claim) -> str:
    return claim.subject.split(": ")[0]


def edge_frame_text(claims: Sequence[Claim]) -> str:
    """The edge-frame shares against an even spread, in words (follows the shares)."""
    if not claims:
        raise ValueError("no method to compare with an even spread")
    even = claims[0].numbers["reference_value"]
    if all(c.outcome == AHEAD for c in claims):
        return (f"each below the {even:.2f} an even spread would give, its whole 95% CI "
                "included (a bootstrap over the explained images): the maps do not point at "
                "the image's edges, where markers and labels sit")
    words = {AHEAD: "lies below it", BEHIND: "lies above it", TIED: "cannot be told apart from it"}
    parts = [f"{_possessive(_method(c))} share {words[c.outcome]}" for c in claims]
    ending = ("at least one method puts more than that on the image's edges, where markers and "
              "labels sit" if any(c.outcome == BEHIND for c in claims) else
              "no method puts measurably more than that on the image's edges, where markers and "
              "labels sit")
    return f"against {even:.2f} for an even spread: {_join(parts)} ({METHOD}); {ending}"


def wrong_vs_right_claims(middle_shares: Mapping[str, np.ndarray], wrong: np.ndarray,
                          n_resamples: int = N_RESAMPLES, seed: int = 0) -> list[Claim]:
    """Per method, its mean middle-third share on the wrong calls against that on the
    correct calls (``wrong``: which explained images the model called wrongly)."""
    claims = []
    for name, shares in middle_shares.items():
        difference, low, high = group_difference_interval(shares, wrong, n_resamples, seed)
        claims.append(compare_difference(f"{name}: middle-third share on wrong calls",
                                          f"{name}: middle-third share on correct calls",
                                          difference, low, high, BOOTSTRAP))
    return claims


def wrong_vs_right_text(claims: Sequence[Claim]) -> str:
    """Whether the maps of wrong calls put their weight elsewhere than those of correct
    calls, in words that follow "their middle-third shares (…)"."""
    if not claims:
        raise ValueError("no method to compare")
    outcomes = {c.outcome for c in claims}
    if outcomes == {TIED}:
        return (f"cannot be told apart from those of the correct calls for any method "
                f"({_of('the differences')}): nothing in a map marks the call as wrong")
    ending = ("the maps of wrong calls differ on average in where they put their weight, a "
              "difference of averages over the explained images, not a mark on any one map")
    if outcomes in ({AHEAD}, {BEHIND}):
        direction = "higher" if outcomes == {AHEAD} else "lower"
        return (f"are {direction} than those of the correct calls for every method "
                f"({_of('the differences')}): {ending}")
    words = {AHEAD: "is higher", BEHIND: "is lower", TIED: "cannot be told apart"}
    parts = [f"{_possessive(_method(c))} {words[c.outcome]}" for c in claims]
    return (f"compare with those of the correct calls as follows: {_join(parts)} "
            f"({_of('the differences')}): {ending}")


# --- Faithfulness ------------------------------------------------------------------------------

KINDS = ("deletion", "insertion")


def faithfulness_claims(areas: Mapping[str, np.ndarray], methods: Sequence[str], baseline: str,
                        wrong: np.ndarray, n_resamples: int = N_RESAMPLES,
                        seed: int = 0) -> list[Claim]:
    """Per method and curve, its area against ``baseline``'s (a random map), paired on the
    same images: the mean of the per-image differences with its bootstrap interval.
    ``areas`` maps every map to its ``(n_images, 2)`` deletion and insertion areas
    (:meth:`medlib.trust.faithfulness.FaithfulnessCurves.per_image_areas`). *Ahead* is
    better: a lower deletion area, a higher insertion area."""
    claims = []
    for column, kind in enumerate(KINDS):
        for name in methods:
            difference = np.asarray(areas[name])[:, column] - np.asarray(areas[baseline])[:, column]
            mean, low, high = mean_interval(difference, wrong, n_resamples, seed)
            claims.append(compare_difference(f"{name}: {kind} area", f"{baseline}: {kind} area",
                                              mean, low, high, BOOTSTRAP,
                                              higher_is_better=kind == "insertion"))
    return claims


def faithfulness_text(claims: Sequence[Claim], kind: str) -> str:
    """The ``kind`` ("deletion" or "insertion") claims in words: each method against the
    random order."""
    chosen = [c for c in claims if c.subject.endswith(f": {kind} area")]
    if not chosen:
        raise ValueError(f"no {kind} claim")
    parts = [f"{_method(c)} {c.verb} {'the random order' if i == 0 else 'it'}"
             for i, c in enumerate(chosen)]
    return f"{_join(parts)} ({_of('the paired differences in area')})"
