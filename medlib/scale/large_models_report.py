"""The facts the large-models chapter states about its two ladders (chapter ``large_models``).

The chapter trains a CNN ladder and a transformer ladder at several sizes, fits a saturating
power law to each (:func:`medlib.scale.curves.law_rows`) and prices every size
(:mod:`medlib.scale.cost`). Its prose then reads those tables: where each curve starts and
ends, where the CNN's law stops (the knee), how the two families compare at about the same
number of weights, what the largest networks would cost at 224 pixels, and how the ladder
compares with :doc:`cnn_beyond`'s longer-trained network. Those readings are built here, so
that each of them (and each fallback wording) is tested on small tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

import numpy as np
import pandas as pd
from scipy import stats

from medlib.claims.verdicts import TIED, Claim
from medlib.scale.ladders import CNN, VIT
from medlib.scale.law_bootstrap import LawInterval, NextSizeCheck
from medlib.scale.plateau import Plateau
from medlib.survival.verdict_edge import nearest_end
from medlib.train.beyond_report import difference_text
from medlib.train.paired_claims import PairedClaims
from medlib.train.seed_runs import SeedRuns

#: Weights of a ViT-B/16 (Dosovitskiy et al., 2021), the foundation-model scale the chapter
#: sets its largest transformer against.
VIT_B16_WEIGHTS = 86e6
#: The two networks of a pair, one of each family, are "about as many weights" when their
#: weights differ by at most this factor.
PAIR_FACTOR = 2
#: Length of the MedMNIST v2 protocol's training (Yang et al., 2023), in epochs.
PROTOCOL_EPOCHS = 100


def two_digits(x: float) -> str:
    """``1747.3 -> "1,700"``: a fitted crossover is known to two significant digits at best."""
    return f"{float(f'{x:.2g}'):,.0f}"


#: A law whose crossover lies beyond this many times the ladder's largest size does not
#: stop in any sense a reader can use (the rule of :func:`medlib.scale.curves.law_rows`).
NEVER_FACTOR = 1e6


def stop_text(stops_near: float, smallest: float) -> str:
    """Where a fitted law stops, completing "the law stops …": near a size to two digits,
    before the ladder's ``smallest`` size, or at no size when its floor is about zero
    (NaN, as :func:`medlib.scale.curves.law_rows` gives it)."""
    if not np.isfinite(stops_near):
        return "at no size: its floor is about zero"
    if stops_near < smallest:
        return "before its smallest size: the law is flat across the ladder"
    return f"near {two_digits(stops_near)} weights"


def family_rows(curve: pd.DataFrame, family: str) -> pd.DataFrame:
    """The size curve's rows of one family, smallest network first."""
    return curve[curve["family"] == family].sort_values("weights")


def family_facts(curve: pd.DataFrame, law: pd.Series, key: str, family: str) -> dict[str, str]:
    """One family's smallest and largest network, and its fitted law (``law``: its row of
    :func:`medlib.scale.curves.law_rows`), with glue keys prefixed by ``key``."""
    part = family_rows(curve, family)
    first, last = part.iloc[0], part.iloc[-1]
    return {f"{key}_first_auroc": f"{first['test AUROC']:.3f}",
            f"{key}_first_weights": f"{first['weights']:,}",
            f"{key}_last_auroc": f"{last['test AUROC']:.3f}",
            f"{key}_last_weights": f"{last['weights']:,}",
            f"{key}_last_ci": f"{last['ci_low']:.3f}–{last['ci_high']:.3f}",
            f"{key}_last_seed_range": f"{last['seed_min']:.3f}–{last['seed_max']:.3f}",
            f"{key}_b": f"{law['exponent b']:.2f}",
            f"{key}_floor": f"{law['floor c']:.3f}",
            f"{key}_stop": stop_text(law["law stops near"], first["weights"]),
            f"{key}_r2": f"{law['R² (log error)']:.2f}",
            f"{key}_law_last": f"{law['law at largest']:.3f}",
            f"{key}_measured_last": f"{law['measured at largest']:.3f}"}


def knee_text(cnn_part: pd.DataFrame, stops_near: float) -> str:
    """What the CNN ladder adds past its knee, the first size at or past where its law
    stops, as a sentence; or that no size of the ladder is past it."""
    past_stop = cnn_part[cnn_part["weights"] >= np.nan_to_num(stops_near, nan=np.inf)]
    if len(past_stop) < 2:
        return "No size of the ladder lies past a knee where the law levels off."
    knee, last = past_stop.iloc[0], cnn_part.iloc[-1]
    return (f"Past its knee at {knee['weights']:,} weights (test AUROC "
            f"{knee['test AUROC']:.3f}), {last['weights'] / knee['weights']:.0f} times more "
            f"weights added {last['test AUROC'] - knee['test AUROC']:+.3f}.")


def size_pairs(cnn_part: pd.DataFrame, vit_part: pd.DataFrame) -> list[tuple[pd.Series, pd.Series]]:
    """Every CNN with the transformer nearest to it in weights (on a log scale), kept when
    the two are within :data:`PAIR_FACTOR` of each other."""
    pairs = []
    for _, cnn_row in cnn_part.iterrows():
        nearest = vit_part.iloc[(np.log(vit_part["weights"])
                                 - np.log(cnn_row["weights"])).abs().argmin()]
        if 1 / PAIR_FACTOR <= nearest["weights"] / cnn_row["weights"] <= PAIR_FACTOR:
            pairs.append((cnn_row, nearest))
    return pairs


def pairs_text(cnn_part: pd.DataFrame, vit_part: pd.DataFrame) -> str:
    """The pairs of :func:`size_pairs` as "0.951 against 0.902 near 1,234 weights; …", or a
    sentence saying that no such pair exists."""
    pairs = [f"{cnn_row['test AUROC']:.3f} against {vit_row['test AUROC']:.3f} "
             f"near {cnn_row['weights']:,.0f} weights"
             for cnn_row, vit_row in size_pairs(cnn_part, vit_part)]
    return "; ".join(pairs) or "no pair of sizes within a factor of two"


def pairs_verdict(cnn_part: pd.DataFrame, vit_part: pd.DataFrame) -> str:
    """Which family leads at about the same size, read from the seeds rather than the means:
    a lead is "in every seed" when the leader's worst seed beats the other's best
    (``seed_min`` and ``seed_max`` of the size curve), so that the verdict is one another
    set of seeds is unlikely to flip."""
    pairs = size_pairs(cnn_part, vit_part)
    if not pairs:
        return "no two sizes of the two families are close enough in weights to compare"
    cnn_ahead = [c["test AUROC"] > v["test AUROC"] for c, v in pairs]
    clear = [ahead and c["seed_min"] > v["seed_max"]
             for ahead, (c, v) in zip(cnn_ahead, pairs, strict=True)]
    n = len(pairs)
    if all(clear):
        return (f"the CNN is ahead at all {n} pairs, and each of its seeds beats every seed "
                f"of the transformer beside it")
    if all(cnn_ahead):
        return (f"the CNN is ahead on average at all {n} pairs, but at {n - sum(clear)} of "
                f"them some transformer seed reaches one of the CNN's seeds")
    return (f"the CNN is ahead on average at {sum(cnn_ahead)} of {n} pairs and the "
            f"transformer at {n - sum(cnn_ahead)}: neither family leads at every size")


def cost_facts(cost_table: pd.DataFrame, curve: pd.DataFrame, n_train: int, size: int,
               large_size: int) -> dict[str, str]:
    """What size costs: the largest CNN against the smallest in operations and time at the
    data's resolution, and the largest CNN and transformer projected at ``large_size``."""
    cost_by = cost_table.set_index("model")
    cnn_part = family_rows(curve, CNN)
    big_cnn, small_cnn = cnn_part["model"].iloc[-1], cnn_part["model"].iloc[0]
    big_vit = family_rows(curve, VIT)["model"].iloc[-1]
    ms_large = f"training ms / image at {large_size} px"
    hours = f"projected hours, {PROTOCOL_EPOCHS} epochs at {large_size} px"
    big_vit_weights = curve.set_index("model").loc[big_vit, "weights"]
    flops, ms = cost_by["MFLOPs / image"], cost_by["training ms / image"]
    return {
        "cnn_flops_factor": f"{flops.loc[big_cnn] / flops.loc[small_cnn]:,.0f}",
        "cnn_ms_factor": f"{ms.loc[big_cnn] / ms.loc[small_cnn]:.0f}",
        "pixels_factor": f"{(large_size / size) ** 2:.0f}",
        "cnn_224_epoch_min": f"{cost_by.loc[big_cnn, ms_large] * n_train / 60000:.0f}",
        "cnn_224_hours": f"{cost_by.loc[big_cnn, hours]:.0f}",
        "vit_224_hours": f"{cost_by.loc[big_vit, hours]:.1f}",
        "vitb_factor": f"{VIT_B16_WEIGHTS / big_vit_weights:,.0f}",
    }


def page_facts(curve: pd.DataFrame, laws: pd.DataFrame, cost_table: pd.DataFrame,
               span: Mapping[str, float], beyond: dict, *, n_seeds: int, named_seeds: int,
               n_runs: int, n_train: int, n_rungs: int, cost_steps: int, size: int,
               large_size: int) -> dict[str, str]:
    """Every text the chapter's Markdown glues, by glue key.

    ``curve``, ``laws`` and ``cost_table`` are the chapter's size curve, fitted laws (one
    row per family) and cost table; ``span`` each family's largest over smallest weights;
    ``beyond`` the published results of ``cnn_beyond``."""
    cnn_part = family_rows(curve, CNN)
    texts: dict[str, object] = {
        "n_seeds": n_seeds, "named_seeds": named_seeds, "n_train": f"{n_train:,}",
        "beyond_epochs": beyond["params"]["epochs"],
        "beyond_auroc": f"{beyond['metrics']['test_AUROC']['value']:.3f}",
        "n_runs": n_runs, "n_sizes": n_rungs, "cost_steps": cost_steps,
        "cnn_span": f"{span[CNN]:,.0f}", "vit_span": f"{span[VIT]:,.0f}"}
    for family, key in ((CNN, "cnn"), (VIT, "vit")):
        texts.update(family_facts(curve, laws.loc[family], key, family))
    texts["cnn_knee"] = knee_text(cnn_part, laws.loc[CNN]["law stops near"])
    texts["pairs"] = pairs_text(cnn_part, curve[curve["family"] == VIT])
    texts["pairs_verdict"] = pairs_verdict(cnn_part, curve[curve["family"] == VIT])
    texts.update(cost_facts(cost_table, curve, n_train, size, large_size))
    return {name: str(value) for name, value in texts.items()}


def crossover_range_text(interval: LawInterval, smallest: float, largest: float) -> str:
    """Where the law stops, as a range over the seeds' refits ("1,200 to 3,400 weights"),
    with an end before the ladder's ``smallest`` size or past :data:`NEVER_FACTOR` times its
    ``largest`` (or a refit with no floor) worded as such."""
    never = NEVER_FACTOR * largest
    if not np.isfinite(interval.low) or interval.low >= never:
        return "no size: none of the refits levels off"
    below = interval.low < smallest
    low = "before the smallest size" if below else two_digits(interval.low)
    if not np.isfinite(interval.high) or interval.high >= never:
        unit = "" if below else " weights"
        return (f"from {low}{unit} to never (no floor, or one a million times past the "
                f"largest size, in more than 2.5% of the refits): the seeds do not pin it down")
    if interval.high < smallest:
        return "before the smallest size in 97.5% of the refits or more"
    return f"{low} to {two_digits(interval.high)} weights"


def law_interval_facts(ranges: Mapping[str, Mapping[str, LawInterval]],
                       curve: pd.DataFrame) -> dict[str, str]:
    """Each family's exponent, floor and crossover as ranges over the refits of
    :func:`medlib.scale.law_bootstrap.bootstrap_law` (keys ``cnn_b_range``, ...), the
    crossover read against the family's sizes in ``curve``."""
    facts = {}
    for family, key in ((CNN, "cnn"), (VIT, "vit")):
        weights = family_rows(curve, family)["weights"]
        by_name = ranges[family]
        b, floor = by_name["exponent b"], by_name["floor c"]
        facts[f"{key}_b_range"] = f"{b.low:.2f} to {b.high:.2f}"
        facts[f"{key}_floor_range"] = f"{floor.low:.3f} to {floor.high:.3f}"
        facts[f"{key}_stop_range"] = crossover_range_text(by_name["crossover"], weights.min(),
                                                          weights.max())
    return facts


NEXT_SIZE_READINGS = {
    "inside": "inside that range, as the law predicted",
    "better than": "better than that range: the law, fitted to the smaller sizes, "
                   "underestimated what the next size buys",
    "worse than": "worse than that range: the law, fitted to the smaller sizes, "
                  "overestimated what the next size buys",
}


def next_size_facts(check: NextSizeCheck, label: str, run: pd.Series,
                    plateau: Plateau) -> dict[str, str]:
    """The law's prediction at the size beyond the ladder, in AUROC, against the one run
    trained there (``run``: its row of :func:`medlib.scale.plateau.plateau_log`, how long it
    trained), and where the run fell (:data:`NEXT_SIZE_READINGS`). A run that kept one of
    its first epochs (:func:`kept_early`) tests the stopping rule as much as the law, and
    the reading says so."""
    reading = NEXT_SIZE_READINGS[check.outcome]
    if kept_early(run["kept epoch"], plateau):
        reading += (f"; but the run kept one of its first {plateau.patience} epochs, so it "
                    "tests the stopping rule at this size as much as the law")
    return {"next_label": label, "next_weights": f"{check.size:,.0f}",
            "next_epochs": f"its validation loss was lowest after epoch {run['kept epoch']} "
                           f"of the {run['epochs run']} it ran",
            "next_predicted_auroc": f"{1 - check.predicted:.3f}",
            "next_predicted_range": f"{1 - check.high:.3f} to {1 - check.low:.3f}",
            "next_measured_auroc": f"{1 - check.measured:.3f}",
            "next_reading": reading}


def size_claims(paired: PairedClaims, runs: SeedRuns, curve: pd.DataFrame) -> dict[str, Claim]:
    """The comparisons the chapter declares before its runs: within each family, the largest
    size against the smallest, from the paired difference of their mean test AUROC over
    seeds (``paired``: the chapter's :class:`medlib.train.paired_claims.PairedClaims`;
    ``runs``' binary scores are each test image's probability of disease)."""
    claims = {}
    for family in (CNN, VIT):
        part = family_rows(curve, family)
        largest, smallest = part["model"].iloc[-1], part["model"].iloc[0]
        claims[family] = paired(largest, smallest, runs.final_scores(largest),
                                runs.final_scores(smallest), ("size gain", family))
    return claims


class Recorder(Protocol):
    """What :func:`record_size_claims` needs of a chapter's results recorder
    (:class:`medlib.chapter.results.ResultsRecorder`, a layer above this package)."""

    def add_metric(self, name: str | tuple[str, ...], value: float, *args: float,
                   **options: object) -> str: ...

    def add_extra(self, name: str, value: object) -> None: ...


def record_size_claims(results: Recorder, y_test: np.ndarray, runs: SeedRuns,
                       curve: pd.DataFrame, n_bootstrap: int, seed: int) -> dict[str, Claim]:
    """:func:`size_claims` on the test labels ``y_test``, each difference recorded as a
    metric of ``results`` and every claim under its ``extras["claims"]``, where the book's
    claims check re-derives them."""
    paired = PairedClaims([], results.add_metric, y_test, n_bootstrap, seed)
    claims = size_claims(paired, runs, curve)
    results.add_extra("claims", [claim.record() for claim in paired.claims])
    return claims


def bootstrap_edge(claim: Claim) -> bool:
    """True when a resolved verdict's interval (a 95% bootstrap interval) ends within one
    standard error of zero, the standard error taken as the interval's half-width over
    1.96: another set of seeds moves the interval by about that much and could flip the
    verdict (the rule :mod:`medlib.survival.verdict_edge` applies to split intervals)."""
    if claim.outcome == TIED:
        return False
    n = claim.numbers
    standard_error = (n["high"] - n["low"]) / (2 * stats.norm.ppf(0.975))
    return abs(nearest_end(claim)) < standard_error


def gain_text(claim: Claim) -> str:
    """A size gain with its 95% CI, and a note when its verdict is on the edge."""
    text = difference_text(claim)
    if bootstrap_edge(claim):
        text += ("; on the edge: the end of the interval nearest zero lies within one "
                 "standard error of it, so another set of seeds could change this verdict")
    return text


def size_gain_facts(claims: Mapping[str, Claim]) -> dict[str, str]:
    """Each family's size gain: the verdict's verb and :func:`gain_text`."""
    facts = {}
    for family, key in ((CNN, "cnn"), (VIT, "vit")):
        facts[f"{key}_gain_verb"] = claims[family].verb
        facts[f"{key}_gain"] = gain_text(claims[family])
    return facts


def kept_early(kept_epoch: int, plateau: Plateau) -> bool:
    """A run kept one of its first ``patience`` epochs: its validation loss never went lower
    afterwards, so the stopping rule, not a plateau reached by training, ended it."""
    return kept_epoch <= plateau.patience


def plateau_facts(log: pd.DataFrame, plateau: Plateau) -> dict[str, str]:
    """How long the runs trained (``log``: :func:`medlib.scale.plateau.plateau_log`), how
    many were still improving at the cap (under one in ten, the cap hardly shaped the curve)
    and how many kept one of their first epochs (:func:`kept_early`)."""
    at_cap = int(log["at cap"].sum())
    early = int(sum(kept_early(epoch, plateau) for epoch in log["kept epoch"]))
    reading = ("fewer than one in ten, so the cap hardly shapes the curve"
               if at_cap / len(log) < 0.1 else
               "one in ten or more, so a higher cap could still move the curve")
    return {"max_epochs": str(plateau.max_epochs), "patience": str(plateau.patience),
            "kept_epoch_median": f"{log['kept epoch'].median():.0f}",
            "kept_epoch_range": f"{log['kept epoch'].min()} to {log['kept epoch'].max()}",
            "runs_at_cap": f"{at_cap} of {len(log)}", "cap_reading": reading,
            "runs_early": f"{early} of {len(log)}"}
