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
import pandas as pd

from medlib.claims.verdicts import AHEAD, BEHIND, TIED, Claim, compare_difference, compare_value
from medlib.metrics.binary import stratified_bootstrap_indices
from medlib.trust.attributions import METHODS, failing_methods
from medlib.trust.faithfulness import RANDOM_MAP, FaithfulnessCurves

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


# --- The page's facts: what the notebook glues, one dictionary per section ----------------------

#: The glue-key slug of every map the page names.
KEYS = {"Grad-CAM": "gradcam", "Integrated Gradients": "ig", "Occlusion": "occlusion",
        RANDOM_MAP: "random"}


def explained_facts(n_explained: int, shown: np.ndarray, n_right: int) -> dict[str, str]:
    """How many images were explained, and how many correct and wrong calls the figure shows
    (``shown``: positions among the explained images, the first ``n_right`` correct)."""
    return {"n_explained": f"{n_explained}",
            "n_shown_right": f"{int((shown < n_right).sum())}",
            "n_shown_wrong": f"{int((shown >= n_right).sum())}"}


def location_facts(location: pd.DataFrame, even_middle: float) -> dict[str, str]:
    """Each method's share of attribution in the middle third (correct and wrong calls) and
    in the edge frame, from the chapter's location table; ``even_middle``: the middle
    third's share of pixels."""
    facts = {}
    for name in METHODS:
        row, key = location.loc[name], KEYS[name]
        facts[f"mid_right_{key}"] = f"{row['middle third, correct calls']:.2f}"
        facts[f"mid_wrong_{key}"] = f"{row['middle third, wrong calls']:.2f}"
        facts[f"frame_{key}"] = f"{row['edge frame, all']:.2f}"
    return {**facts, "mid_even": f"{even_middle:.2f}"}


def cascade_facts(cascade: pd.DataFrame, layers: Sequence[str]) -> dict[str, str]:
    """Each method's rank correlation with the trained maps after the first and second
    randomisation steps and at its lowest (:func:`medlib.trust.attributions.
    cascade_similarity`), and with every layer random."""
    by_layer = cascade.set_index(["method", "randomised up to"])["spearman"]
    facts = {}
    for name in METHODS:
        facts[f"cascade_{KEYS[name]}"] = f"{by_layer[(name, layers[-1])]:.2f}"
        facts[f"casc_head_{KEYS[name]}"] = f"{by_layer[(name, layers[0])]:.2f}"
        facts[f"casc_b2_{KEYS[name]}"] = f"{by_layer[(name, layers[1])]:.2f}"
        facts[f"casc_min_{KEYS[name]}"] = f"{by_layer[name].min():.2f}"
    return facts


def shuffled_label_facts(full_random: pd.DataFrame, label_check: pd.DataFrame,
                         memorised: float, majority: float, n_images: int,
                         test_auroc: float) -> dict[str, str]:
    """The shuffled-label model (its memorisation, majority share and test AUROC), each
    method's rank correlation with it, and the methods failing either sanity check."""
    facts = {f"label_{KEYS[name]}": f"{label_check.loc[name, 'spearman']:.2f}"
             for name in METHODS}
    return {**facts, "memorised": f"{memorised:.2f}", "majority": f"{majority:.2f}",
            "random_label_images": f"{n_images}", "random_test_auroc": f"{test_auroc:.2f}",
            "failing_methods": ", ".join(failing_methods(full_random, label_check)) or "none"}


def curve_facts(curves: Mapping[str, FaithfulnessCurves], faithfulness: pd.DataFrame,
                labels: Sequence[str]) -> dict[str, str]:
    """The deletion and insertion curves as the page reads them: where each mean deletion
    curve bottoms out, every map's areas, the curves' shared ends, and the random order's
    deletion area per called class ("n/a" for a class no explained image was called; left
    out for a class whose name cannot be part of a glue key, such as one with spaces)."""
    facts = {}
    for label in labels:
        column = f"deletion AUC, called {label}"
        if f"random_del_{label}".isidentifier():
            facts[f"random_del_{label}"] = (f"{faithfulness.loc[RANDOM_MAP, column]:.3f}"
                                            if column in faithfulness else "n/a")
    for name, c in curves.items():
        mean_deletion = c.deletion.mean(axis=0)
        facts[f"del_min_{KEYS[name]}"] = f"{mean_deletion.min():.2f}"
        facts[f"del_min_at_{KEYS[name]}"] = f"{c.fraction[mean_deletion.argmin()]:.0%}"
        facts[f"del_auc_{KEYS[name]}"] = f"{faithfulness.loc[name, 'deletion AUC']:.3f}"
        facts[f"ins_auc_{KEYS[name]}"] = f"{faithfulness.loc[name, 'insertion AUC']:.3f}"
    reference = curves["Grad-CAM"]
    return {**facts, "del_start": f"{reference.deletion[:, 0].mean():.2f}",
            "del_end": f"{reference.deletion[:, -1].mean():.2f}",
            "ins_start": f"{reference.insertion[:, 0].mean():.2f}"}


#: Glue key of each line of :func:`medlib.trust.visit_attributions.agreement_summary` shown.
ATTENTION_KEYS = {"att_rho": "mean Spearman (attention vs gradients)",
                  "att_top": "same top visit", "att_chance": "same top visit by chance",
                  "att_last": "attention on the last visit",
                  "grad_last": "gradient share of the last visit"}


def attention_facts(summary: pd.Series, n_heat: int) -> dict[str, str]:
    """Attention against gradients on the progression model, from its agreement summary;
    ``n_heat``: the patients the heat maps show. The chance of the same top visit is the
    mean of 1/visits, so it is also the share an even spread gives the last visit."""
    facts = {key: f"{summary[label]:.2f}" for key, label in ATTENTION_KEYS.items()}
    return {**facts, "att_n": f"{int(summary['test patients with >= 3 visits'])}",
            "att_uniform": f"{summary['same top visit by chance']:.2f}",
            "n_heat": f"{n_heat}"}


def page_claims(curves: Mapping[str, FaithfulnessCurves], in_middle: Mapping[str, np.ndarray],
                in_frame: Mapping[str, np.ndarray], even_frame: float, wrong: np.ndarray,
                seed: int) -> tuple[list[Claim], list[Claim], list[Claim]]:
    """Every comparison of the page, in the order the chapter makes them: faithfulness
    against the random map, wrong calls against correct ones, edge frame against an even
    spread."""
    faithful = faithfulness_claims({name: c.per_image_areas() for name, c in curves.items()},
                                   list(METHODS), RANDOM_MAP, wrong, seed=seed)
    wrong_right = wrong_vs_right_claims(in_middle, wrong, seed=seed)
    frame = edge_frame_claims(in_frame, even_frame, wrong, seed=seed)
    return faithful, wrong_right, frame


def claim_facts(faithful: Sequence[Claim], wrong_right: Sequence[Claim],
                frame: Sequence[Claim]) -> dict[str, str]:
    """The page's verdicts, built from the claims of :func:`page_claims`."""
    return {**{f"beats_{kind}": faithfulness_text(faithful, kind) for kind in KINDS},
            "wrong_vs_right": wrong_vs_right_text(wrong_right),
            "frame_verdict": edge_frame_text(frame)}


def claim_records(faithful: Sequence[Claim], wrong_right: Sequence[Claim],
                  frame: Sequence[Claim]) -> list[dict]:
    """The claims of :func:`page_claims` as the results file keeps them (frame first)."""
    return [c.record() for c in (*frame, *wrong_right, *faithful)]
