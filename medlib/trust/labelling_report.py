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

:func:`chapter_claims` makes every claim the page states, in the order the results file
keeps them; :func:`efficiency_facts`, :func:`active_learning_facts`, :func:`noise_facts`,
:func:`verdict_facts` and :func:`run_facts` turn the chapter's tables into the texts its
Markdown glues (:func:`medlib.chapter.glue_facts.glue_facts`), so that the notebook's
hidden glue cell is a few calls and every sentence it shows is tested here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from medlib.claims.verdicts import AHEAD, BEHIND, TIED, Claim, compare_difference, verb
from medlib.metrics.multiclass import batched_accuracy
from medlib.train.beyond_report import difference_text, listing
from medlib.trust.active_learning import STRATEGIES, labels_needed_view

if TYPE_CHECKING:
    import torch

    from medlib.train.paired_claims import PairedClaims

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


#: The loss every label-noise comparison is made against.
CROSS_ENTROPY = "cross-entropy"
#: How :func:`refit_verdict <verdict_facts>` names the threshold the re-fitted one is compared with.
DEFAULT_THRESHOLD = "the default threshold of 0.5"
#: The threshold argument of :func:`noise_scores` for each run's validation-fitted threshold.
REFITTED = "re-fitted"
#: The column of a label-noise run that holds its threshold fitted on validation.
THRESHOLD_COLUMN = "threshold (validation, Youden)"


def noise_scores(noise_runs: Sequence[Mapping], columns: Mapping[str, Mapping[str, np.ndarray]],
                 setting: str, loss: str, threshold: float | str | None = None
                 ) -> list[np.ndarray]:
    """Test scores of every seed of one label-noise row (``noise_runs`` as
    :func:`medlib.trust.label_noise.label_noise_table` returns them, ``columns`` the
    predictions of :class:`medlib.trust.label_runs.LabelRuns`). With a ``threshold``, the
    decisions instead: at each run's own re-fitted threshold (:data:`REFITTED`) or at a fixed
    one, so that a paired accuracy at 0.5 compares the two thresholds on the same images."""
    rows = [run for run in noise_runs if run["labels"] == setting and run["loss"] == loss]
    scores = [columns[run["predictions_column"]]["test"] for run in rows]
    if threshold is None:
        return scores
    return thresholded(scores, [run[THRESHOLD_COLUMN] if threshold == REFITTED else threshold
                                for run in rows])


@dataclass(frozen=True)
class LabellingClaims:
    """Every claim the page states: all the labels against the smallest budget, uncertainty
    against random sampling per target (None where no seed informs it), and per label
    setting GCE against cross-entropy and the re-fitted threshold against 0.5, plus the cost
    of the hardest noise to cross-entropy."""

    efficiency: Claim
    needed: dict[str, Claim | None]
    gce: list[Claim]
    noise: Claim
    refit: list[Claim]


def chapter_claims(paired: PairedClaims, efficiency: pd.DataFrame,
                   scores_at: Mapping[float, Sequence[np.ndarray]], needed: pd.DataFrame,
                   last_round: int, noise_runs: Sequence[Mapping],
                   columns: Mapping[str, Mapping[str, np.ndarray]], settings: Sequence[str],
                   hardest: str, gce_name: str) -> LabellingClaims:
    """Makes the chapter's claims in the order its results file keeps them (each paired one
    recorded as a metric by ``paired``, the active-learning ones appended to
    ``paired.claims`` between them): label efficiency (``efficiency`` indexed by share of
    labels, ``scores_at`` the test scores per share and seed), active learning
    (:func:`labels_needed_claims`), then label noise."""
    smallest, largest = efficiency.index[0], efficiency.index[-1]
    shares = list(scores_at)
    efficiency_claim = paired(f"{largest} of labels", f"{smallest} of labels",
                              scores_at[shares[-1]], scores_at[shares[0]],
                              ("AUROC difference", f"{largest} − {smallest} of labels"))
    needed_claims = labels_needed_claims(needed, last_round)
    paired.claims.extend(claim for claim in needed_claims.values() if claim is not None)

    def scores(setting: str, loss: str, threshold: float | str | None = None) -> list[np.ndarray]:
        return noise_scores(noise_runs, columns, setting, loss, threshold)

    gce_claims = [paired(f"GCE, {setting}", f"{CROSS_ENTROPY}, {setting}",
                         scores(setting, gce_name), scores(setting, CROSS_ENTROPY),
                         ("AUROC difference", setting, f"GCE − {CROSS_ENTROPY}"))
                  for setting in settings]
    noise_claim = paired(f"{CROSS_ENTROPY}, {hardest}", f"{CROSS_ENTROPY}, clean",
                         scores(hardest, CROSS_ENTROPY), scores("clean", CROSS_ENTROPY),
                         ("AUROC difference", f"{hardest} − clean", CROSS_ENTROPY))
    refit_claims = [paired(f"threshold re-fitted on validation, {CROSS_ENTROPY}, {setting}",
                           f"threshold 0.5, {CROSS_ENTROPY}, {setting}",
                           scores(setting, CROSS_ENTROPY, REFITTED),
                           scores(setting, CROSS_ENTROPY, 0.5),
                           ("accuracy difference", setting,
                            f"{CROSS_ENTROPY}, re-fitted threshold − 0.5"),
                           batched_metric=batched_accuracy)
                    for setting in settings]
    return LabellingClaims(efficiency_claim, needed_claims, gce_claims, noise_claim, refit_claims)


def verdict_facts(claims: LabellingClaims, smallest: str, settings: Sequence[str],
                  hardest: str) -> dict[str, str]:
    """The verdict sentences of the page, one per glue key, from :func:`chapter_claims`."""
    settings = list(settings)
    return {
        "al_verdict": labels_needed_text(claims.needed),
        "gce_verdict": gce_text(claims.gce[settings.index(hardest)]),
        "gain_verdict": efficiency_text(claims.efficiency, smallest),
        "noise_cost_verdict": noise_cost_text(claims.noise),
        "gce_settings_verdict": setting_text(claims.gce, settings, CROSS_ENTROPY),
        "refit_verdict": setting_text(claims.refit, settings, DEFAULT_THRESHOLD),
    }


def _auroc_facts(name: str, row: pd.Series) -> dict[str, str]:
    """One table row's AUROC and its 95% CI, and its labels (a label-efficiency row) or its
    accuracies at 0.5 and at the re-fitted threshold (a label-noise row)."""
    facts = {f"auroc_{name}": f"{row['test AUROC']:.3f}",
             f"auroc_{name}_ci": f"{row['95% CI low']:.3f}–{row['95% CI high']:.3f}"}
    if "labels" in row:
        facts[f"labels_{name}"] = f"{int(row['labels']):,}"
    else:
        facts[f"acc_{name}"] = f"{row['accuracy at 0.5']:.3f}"
        facts[f"acc_{name}_refit"] = f"{row['accuracy, threshold re-fitted']:.3f}"
    return facts


def efficiency_facts(efficiency: pd.DataFrame, per_seed: pd.DataFrame,
                     targets: Sequence[float], full_auroc: float) -> dict[str, str]:
    """The label-efficiency texts: the smallest and the full budget (``efficiency``, one row
    per share of labels, smallest first), the range over seeds at the smallest
    (``per_seed``), the targets (shares of ``full_auroc``) and the first budget whose mean
    reaches each ("no budget" where none does)."""
    first, last = efficiency.iloc[0], efficiency.iloc[-1]
    smallest_share = per_seed["share"].iloc[0]
    small_aurocs = per_seed.loc[per_seed["share"] == smallest_share, "auroc"]
    facts = {
        "share_small": efficiency.index[0],
        "extra_labels": f"{int(last['labels'] - first['labels']):,}",
        "small_share_of_full": f"{first['test AUROC'] / full_auroc:.1%}",
        "auroc_gain": f"{last['test AUROC'] - first['test AUROC']:.3f}",
        "target_names": " and ".join(f"{t:.0%}" for t in targets),
        "top_target": f"{targets[-1]:.0%}", "low_target": f"{targets[0]:.0%}",
        "seed_spread_small": f"{small_aurocs.max() - small_aurocs.min():.3f}",
        **_auroc_facts("small", first), **_auroc_facts("full", last),
    }
    for name, share_of_full in (("low", targets[0]), ("top", targets[-1])):
        reached = efficiency[efficiency["test AUROC"] >= share_of_full * full_auroc]
        facts[f"reach_{name}_labels"] = (f"{int(reached['labels'].iloc[0]):,}" if len(reached)
                                         else "no budget")
    return facts


def compare_note(both: int, fewer: Mapping[str, int]) -> str:
    """What the seed-by-seed comparison at the highest target can say, from the seeds on
    which ``both`` strategies reached it and on how many each needed ``fewer`` labels."""
    if both == 0:
        return "at that target the two strategies cannot be compared seed by seed"
    if both == 1:
        winner = next((f"{s} sampling" for s, k in fewer.items() if k), "neither strategy")
        return (f"on that one seed {winner} needed fewer labels, and one seed is no "
                "evidence that either strategy is consistently cheaper")
    return (f"on {fewer[UNCERTAINTY]} of those {both} seeds uncertainty "
            f"sampling needed fewer labels, on {fewer[RANDOM]} random sampling")


def _top_target_facts(top: pd.DataFrame, last_round: int) -> dict[str, str]:
    """Per strategy, the labels needed for the highest target (``top``: the
    labels-needed summary at that target, one row per strategy): mean, range, seeds."""
    facts = {}
    for strategy in STRATEGIES:
        mean = top.loc[strategy, "mean"]
        low, high = top.loc[strategy, "min"], top.loc[strategy, "max"]
        reached = np.isfinite(mean)
        facts[f"top_{strategy}"] = f"{mean:.0f}" if reached else f"more than {last_round}"
        facts[f"top_{strategy}_range"] = f"{low:.0f}–{high:.0f}" if reached else "—"
        facts[f"top_{strategy}_reached"] = f"{top.loc[strategy, 'seeds reaching it']}"
        facts[f"top_{strategy}_span"] = ("none" if not reached
                                         else f"{low:.0f} labels" if round(low) == round(high)
                                         else f"{low:.0f}–{high:.0f} labels")
    return facts


def active_learning_facts(needed_summary: pd.DataFrame, curves: pd.DataFrame,
                          al_table: pd.DataFrame, sizes: Sequence[int],
                          targets: Sequence[float], start_labels: int,
                          n_seeds: int) -> dict[str, str]:
    """The active-learning texts, from the labels-needed summary (per target and strategy),
    the ``curves`` (one row per seed, strategy and round), ``al_table`` (mean test AUROC
    per round and strategy, the shared start first) and the round ``sizes``."""
    uncertainty = needed_summary.xs(UNCERTAINTY, level="strategy")
    top = needed_summary.loc[f"{targets[-1]:.0%} of full"]
    after_start = al_table.iloc[1:]
    below = after_start[f"test AUROC, {UNCERTAINTY}"] < after_start[f"test AUROC, {RANDOM}"]
    seed_ranges = curves[curves["labels"] > curves["labels"].min()].groupby(
        ["strategy", "labels"])["auroc"].agg(lambda auc: auc.max() - auc.min())
    class_mix = curves.groupby(["labels", "strategy"])["pneumonia share"].mean().unstack()
    top_both = int(top.loc[UNCERTAINTY, "both reached"])
    top_fewer = {strategy: int(top.loc[strategy, "fewer than the other"])
                 for strategy in STRATEGIES}
    return {
        "al_start": f"{start_labels}", "n_seeds": f"{n_seeds}", "al_max_labels": f"{sizes[-1]}",
        "al_fewer": f"{uncertainty['fewer than the other'].sum()}",
        "al_both": f"{uncertainty['both reached'].sum()}",
        **_top_target_facts(top, sizes[-1]),
        "al_below": f"{int(below.sum())}",
        "al_n_rounds": f"{len(after_start)}",
        **{f"al_spread_{strategy}": f"{seed_ranges[strategy].mean():.3f}"
           for strategy in STRATEGIES},
        "share_random_last": f"{class_mix[RANDOM].iloc[-1]:.0%}",
        "share_unc_last": f"{class_mix[UNCERTAINTY].iloc[-1]:.0%}",
        "share_unc_min": f"{class_mix[UNCERTAINTY].iloc[1:].min():.0%}",
        "share_unc_max": f"{class_mix[UNCERTAINTY].iloc[1:].max():.0%}",
        "top_both": f"{top_both}", "top_compare_note": compare_note(top_both, top_fewer),
    }


def noise_facts(noise_table: pd.DataFrame, hardest: str, missed: str, gce_name: str,
                best_q: float, missed_rate: float, false_rate: float,
                n_noise_seeds: int) -> dict[str, str]:
    """The label-noise texts, from ``noise_table`` (indexed by label setting and loss): the
    rows the prose names (clean, the ``hardest`` symmetric noise, the ``missed`` pneumonia
    of class-dependent noise), the rates, the chosen GCE exponent, and what re-fitting the
    threshold changes on clean labels."""
    ce_rows = noise_table.xs(CROSS_ENTROPY, level="loss")
    refit_gain = ce_rows["accuracy, threshold re-fitted"] - ce_rows["accuracy at 0.5"]
    facts = {"missed_rate": f"{missed_rate:.0%}", "false_rate": f"{false_rate:.0%}",
             "n_noise_seeds": f"{n_noise_seeds}", "hardest": hardest, "best_q": f"{best_q:g}",
             "hardest_rate": hardest.removeprefix("symmetric "),
             "refit_clean_change": f"{refit_gain['clean']:+.3f}".replace("-", "−")}
    rows = {"clean": ("clean", CROSS_ENTROPY), "clean_gce": ("clean", gce_name),
            "hard_ce": (hardest, CROSS_ENTROPY), "hard_gce": (hardest, gce_name),
            "missed": (missed, CROSS_ENTROPY)}
    for name, (setting, loss) in rows.items():
        facts.update(_auroc_facts(name, noise_table.loc[(setting, loss)]))
    return facts


def run_facts(n_runs: int, model: torch.nn.Module, y_train: np.ndarray,
              n_val: int) -> dict[str, str]:
    """What the opening states of the runs: how many, the network's weights, the pneumonia
    share of the training labels and the validation images a small-budget team lacks."""
    return {"n_runs": f"{n_runs}", "n_params": f"{sum(p.numel() for p in model.parameters()):,}",
            "pool_share": f"{y_train.mean():.0%}", "n_val": f"{n_val}"}


def labels_needed_table(needed_summary: pd.DataFrame) -> pd.DataFrame:
    """The labels-needed table of the page: per target and strategy the mean over the seeds
    that reached it ("—" where none did), its range, how many seeds reached it, and the
    seed-by-seed comparison as two counts (:func:`medlib.trust.active_learning.labels_needed_view`
    under headers that say the spread is in labels)."""
    view = labels_needed_view(needed_summary).iloc[:, 1:3].set_axis(
        ["labels needed: min–max over seeds", "seeds that reached it"], axis=1)
    view.insert(0, "labels needed: mean over seeds that reached it",
                [f"{mean:.0f}" if np.isfinite(mean) else "—" for mean in needed_summary["mean"]])
    view["seeds where both strategies reached it"] = needed_summary["both reached"]
    view["of those, seeds where this one needed fewer labels"] = (
        needed_summary["fewer than the other"])
    return view
