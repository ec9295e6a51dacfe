"""The sentences of the benchmark chapter, computed from its tables.

Every comparison the chapter states in words (who leads, by how much, whether the
interval says anything) is built here from the numbers, so that the prose cannot claim
more than the run measured, and the notebook keeps only the calls. Texts are returned by
name, ready for ``myst_nb.glue``. Chapter: ``progression_benchmarks``.
"""

from __future__ import annotations

import pandas as pd

from medlib.survival.benchmark_tables import gap_to_published

C = "time-dependent C"


def task_texts(summary: pd.DataFrame, published: pd.DataFrame, model: str) -> dict[str, str]:
    """How this book's models stand against the published learners of one task: the best
    of each side, ``model``'s mean, its gap to the best published mean with the corrected
    interval, the rank it would take among the published learners, and the published
    neural network's score."""
    ours = summary.set_index("model")
    theirs = published.set_index("learner")
    best_published = str(theirs[C].idxmax())
    ours_best = str(ours[C].idxmax())
    gap = gap_to_published(summary, model, float(theirs.loc[best_published, C]))
    return {
        "best_published": best_published,
        "best_published_c": f"{theirs.loc[best_published, C]:.3f}",
        "best_published_ipa": f"{theirs['IPA'].max():.3f}",
        "best_published_ipa_learner": str(theirs["IPA"].idxmax()),
        "ours_best": ours_best,
        "ours_best_c": f"{ours.loc[ours_best, C]:.3f}",
        "network_c": f"{ours.loc[model, C]:.3f}",
        "network_ipa": f"{ours.loc[model, 'IPA']:.3f}",
        "network_gap": f"{gap['gap']:+.3f} ({gap['low']:+.3f} to {gap['high']:+.3f})",
        "rank_network": str(int((theirs[C] > ours.loc[model, C]).sum()) + 1),
        "n_published": str(len(theirs)),
        "nn_cox": f"{theirs.loc['nn-cox', C]:.3f}",
    }


def paired_text(paired: pd.DataFrame, task: str, comparison: str, score: str = C) -> str:
    """"+0.004 (−0.003 to +0.010), ahead in 3 of 4 splits" for one row of the paired
    table."""
    row = paired[(paired["task"] == task) & (paired["comparison"] == comparison)
                 & (paired["score"] == score)].iloc[0]
    return (f"{row['mean difference']:+.3f} ({row['low']:+.3f} to {row['high']:+.3f}), "
            f"ahead in {row['splits first ahead']} of {row['splits']} splits")


def verdict(summary: pd.DataFrame, published: pd.DataFrame, paired: pd.DataFrame, task: str,
            label: str, model: str) -> str:
    """One sentence: ``model`` against this book's best baseline on the task (the pair
    with the lowest mean difference), and against the best published mean."""
    best = float(published[C].max())
    gap = gap_to_published(summary, model, best)
    if gap["low"] > 0:
        against_published = "above the benchmark's best published row"
    elif gap["high"] < 0:
        against_published = (f"below the benchmark's best published row by {-gap['gap']:.3f} "
                             f"(interval {-gap['high']:.3f} to {-gap['low']:.3f})")
    else:
        against_published = "not distinguishable from the benchmark's best published row"
    rows = paired[(paired["task"] == task) & (paired["score"] == C)
                  & paired["comparison"].str.startswith(f"{model} − ")]
    closest = rows.loc[rows["mean difference"].idxmin()]
    baseline = closest["comparison"].split(" − ")[1]
    if closest["low"] > 0:
        against_baseline = f"ahead of the best baseline ({baseline})"
    elif closest["high"] < 0:
        against_baseline = f"behind the best baseline ({baseline})"
    else:
        against_baseline = f"level with the best baseline ({baseline}) within the interval"
    return f"On {label} the tuned network is {against_baseline}, and {against_published}."


def top_setting_text(won: pd.DataFrame) -> str:
    """The setting the search chose most often, with how often and its median epochs."""
    top = won.iloc[0]
    return (f"{int(top['hidden'])} units, dropout {top['dropout']:g}, learning rate "
            f"{top['learning_rate']:g} ({int(top['splits'])} of {int(won['splits'].sum())} "
            f"splits, median {top['median_epochs']:g} epochs)")


def window_texts(per_fold: pd.DataFrame, summary: pd.DataFrame,
                 deep_models: tuple[str, ...]) -> dict[str, str]:
    """The JMbayes2-setting facts: patients and events of one round of folds, the range of
    events and of AUC per fold, the best model, and the best deep model against the
    best baseline round by round."""
    one_round = per_fold[per_fold["repeat"] == 0].drop_duplicates("fold")
    events = per_fold.drop_duplicates(["repeat", "fold"])["events in window"]
    best = str(summary["AUC"].idxmax())
    deep = [m for m in summary.index if m in deep_models]
    base = [m for m in summary.index if m not in deep_models]
    best_deep, best_base = summary.loc[deep, "AUC"].idxmax(), summary.loc[base, "AUC"].idxmax()
    by_round = per_fold.groupby(["repeat", "model"], sort=False)["AUC"].mean().unstack()
    gain = by_round[best_deep] - by_round[best_base]
    ending = ("the deep model does not earn its place on these patients." if gain.max() < 0
              else "the deep model leads in every round." if gain.min() > 0
              else "the rounds disagree on which is better.")
    return {
        "window_people": str(int(one_round["test people"].sum())),
        "window_events": str(int(one_round["events in window"].sum())),
        "window_events_range": f"{events.min()}–{events.max()}",
        "window_fold_range": f"{per_fold['AUC'].min():.2f}–{per_fold['AUC'].max():.2f}",
        "window_best": best,
        "window_best_auc": f"{summary.loc[best, 'AUC']:.3f}",
        "window_best_brier": f"{summary.loc[best, 'integrated Brier, Simpson']:.3f}",
        "window_verdict": (
            f"The best deep model ({best_deep}) minus the best baseline ({best_base}) is "
            f"{gain.mean():+.3f} in AUC, from {gain.min():+.3f} to {gain.max():+.3f} over the "
            f"{len(gain)} rounds of cross-validation: {ending}"),
    }
