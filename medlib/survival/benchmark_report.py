"""The sentences of the benchmark chapter, computed from its tables.

Every comparison the chapter states in words (who leads, by how much, whether the
interval says anything) is built here from the numbers, so that the prose cannot claim
more than the run measured, and the notebook keeps only the calls. Texts are returned by
name, ready for ``myst_nb.glue``. Chapter: ``progression_benchmarks``.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from medlib.claims.verdicts import AHEAD, BEHIND, Claim, compare_difference
from medlib.survival.benchmark import BenchmarkRun
from medlib.survival.benchmark_learners import AORSF_RSF_NODE_SIZE, AORSF_RSF_TREES
from medlib.survival.benchmark_tables import gap_to_published
from medlib.survival.verdict_edge import on_the_edge

C = "time-dependent C"
CORRECTED_T = "corrected_t_95"


def task_texts(summary: pd.DataFrame, published: pd.DataFrame, model: str) -> dict[str, str]:
    """How this book's models stand against the published learners of one task: each of
    our models' mean (no "best" of ours is picked on the test splits), the published best,
    ``model``'s gap to it with the corrected interval, the rank it would take among the
    published learners, and the published neural network's score."""
    ours = summary.set_index("model")
    theirs = published.set_index("learner")
    best_published = str(theirs[C].idxmax())
    gap = gap_to_published(summary, model, float(theirs.loc[best_published, C]))
    return {
        "best_published": best_published,
        "best_published_c": f"{theirs.loc[best_published, C]:.3f}",
        "best_published_ipa": f"{theirs['IPA'].max():.3f}",
        "best_published_ipa_learner": str(theirs["IPA"].idxmax()),
        "ours_c": ", ".join(f"{name} {value:.3f}" for name, value in ours[C].items()),
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


def verdict_claims(summary: pd.DataFrame, published: pd.DataFrame, paired: pd.DataFrame,
                   task: str, model: str, baseline: str) -> tuple[Claim, Claim]:
    """The declared comparisons of one task: ``model`` against the declared ``baseline``
    (paired difference over the splits, corrected interval) and against the benchmark's
    best published mean (our corrected interval shifted by it)."""
    best = published.set_index("learner")[C]
    gap = gap_to_published(summary, model, float(best.max()))
    row = paired[(paired["task"] == task) & (paired["score"] == C)
                 & (paired["comparison"] == f"{model} − {baseline}")].iloc[0]
    subject = f"{model}, {task}"  # one claim per task and pair: the subject names the task
    against_baseline = compare_difference(
        subject, baseline, row["mean difference"], row["low"], row["high"], CORRECTED_T,
        metric=f"paired difference::{task}::{model} − {baseline}::{C}")
    against_published = compare_difference(
        subject, f"{best.idxmax()} (published)", gap["gap"], gap["low"], gap["high"],
        CORRECTED_T)
    splits = {"splits": float(row["splits"])}  # for the edge check (verdict_edge)
    return (replace(against_baseline, numbers={**against_baseline.numbers, **splits}),
            replace(against_published, numbers={**against_published.numbers, **splits}))


def verdict(claims: tuple[Claim, Claim], label: str) -> str:
    """One sentence from :func:`verdict_claims`: the tuned network against the declared
    baseline and against the benchmark's best published row. A verdict whose interval
    ends within one standard error of zero (:mod:`medlib.survival.verdict_edge`) is said
    to be on the edge, since another draw of the splits can change it."""
    against_baseline, against_published = claims
    gap = against_published.numbers
    if against_published.outcome == AHEAD:
        published = "above the benchmark's best published row"
    elif against_published.outcome == BEHIND:
        published = (f"below the benchmark's best published row by {-gap['estimate']:.3f} "
                     f"(interval {-gap['high']:.3f} to {-gap['low']:.3f})")
    else:
        published = "cannot be told apart from the benchmark's best published row"
    base = against_baseline.reference
    if against_baseline.outcome == AHEAD:
        baseline = f"ahead of the declared baseline ({base})"
    elif against_baseline.outcome == BEHIND:
        baseline = f"behind the declared baseline ({base})"
    else:
        baseline = f"cannot be told apart from the declared baseline ({base})"
    return (f"On {label} the tuned network {'' if baseline.startswith('cannot') else 'is '}"
            f"{baseline}{_edge(against_baseline)}, and "
            f"{'' if published.startswith('cannot') else 'is '}{published}"
            f"{_edge(against_published)}.")


def _edge(claim: Claim) -> str:
    """" (on the edge: …)" for a verdict within one standard error of flipping, else ""."""
    splits = claim.numbers.get("splits")
    if splits is None or not on_the_edge(claim, int(splits)):
        return ""
    return (" (on the edge: its interval ends within one standard error of zero, so another "
            "draw of the splits can change this reading)")


def top_setting_text(won: pd.DataFrame) -> str:
    """The setting the search chose most often, with how often and its median epochs."""
    top = won.iloc[0]
    return (f"{int(top['hidden'])} units, dropout {top['dropout']:g}, learning rate "
            f"{top['learning_rate']:g} ({int(top['splits'])} of {int(won['splits'].sum())} "
            f"splits, median {top['median_epochs']:g} epochs)")


def window_claim(per_fold: pd.DataFrame, deep: str, baseline: str) -> Claim:
    """The declared deep model against the declared baseline in the JMbayes2 setting:
    the mean over rounds of cross-validation of the AUC difference, with its range over
    the rounds (a verdict only when every round agrees)."""
    by_round = per_fold.groupby(["repeat", "model"], sort=False)["AUC"].mean().unstack()
    gain = by_round[deep] - by_round[baseline]
    return compare_difference(deep, baseline, float(gain.mean()), float(gain.min()),
                              float(gain.max()), "rounds_min_max")


def window_texts(per_fold: pd.DataFrame, summary: pd.DataFrame, deep: str,
                 baseline: str) -> dict[str, str]:
    """The JMbayes2-setting facts: patients and events of one round of folds, the range of
    events and of AUC per fold, the declared pair's scores, and the declared deep model
    against the declared baseline round by round."""
    one_round = per_fold[per_fold["repeat"] == 0].drop_duplicates("fold")
    events = per_fold.drop_duplicates(["repeat", "fold"])["events in window"]
    claim = window_claim(per_fold, deep, baseline)
    n = claim.numbers
    rounds = per_fold["repeat"].nunique()
    ending = ("the deep model does not earn its place on these patients."
              if claim.outcome == BEHIND else "the deep model leads in every round."
              if claim.outcome == AHEAD else "the rounds disagree on which is better.")
    return {
        "window_people": str(int(one_round["test people"].sum())),
        "window_events": str(int(one_round["events in window"].sum())),
        "window_events_range": f"{events.min()}–{events.max()}",
        "window_fold_range": f"{per_fold['AUC'].min():.2f}–{per_fold['AUC'].max():.2f}",
        "window_deep": deep, "window_base": baseline,
        "window_deep_auc": f"{summary.loc[deep, 'AUC']:.3f}",
        "window_base_auc": f"{summary.loc[baseline, 'AUC']:.3f}",
        "window_base_brier": f"{summary.loc[baseline, 'integrated Brier, Simpson']:.3f}",
        "window_verdict": (
            f"The declared deep model ({deep}) minus the declared baseline ({baseline}) is "
            f"{n['estimate']:+.3f} in AUC, from {n['low']:+.3f} to {n['high']:+.3f} over the "
            f"{rounds} rounds of cross-validation: {ending}"),
    }


def repeated_columns(features: pd.DataFrame) -> tuple[float, float]:
    """Shares of the people (with the second value recorded) whose ``chol`` equals their
    ``hdl`` and whose ``sbp`` equals their ``dbp``: the NAFLD set repeats two of its
    predictors for most people, which the chapter reports."""
    same_chol = float((features["chol"] == features["hdl"])[features["hdl"].notna()].mean())
    same_sbp = float((features["sbp"] == features["dbp"])[features["dbp"].notna()].mean())
    return same_chol, same_sbp


def data_facts(tasks: dict, same_chol: float, same_sbp: float,
               pbc_test_rows: int) -> dict[str, str]:
    """The tasks' sizes, the NAFLD set's repeated predictors and the size of a ``pbc_orsf``
    training half with the deaths of a quarter of it (what one inner fold sees)."""
    facts = {"share_chol_is_hdl": f"{same_chol:.1%}", "share_sbp_is_dbp": f"{same_sbp:.1%}",
             "median_chol": f"{tasks['nafld'].features['chol'].median():.0f}"}
    for name, d in tasks.items():
        facts[f"{name}_rows"] = f"{d.n_rows:,}"
        facts[f"{name}_deaths"] = f"{d.n_events:,}"
    pbc = tasks["pbc_orsf"]
    train_half = pbc.n_rows - pbc_test_rows
    facts["pbc_train_half"] = f"{train_half:,}"
    facts["pbc_quarter_deaths"] = f"{pbc.n_events * train_half / pbc.n_rows / 4:.0f}"
    return facts


def run_facts(nafld_tree_samples: int, pbc_splits: int, nafld_splits: int, grid: dict,
              forest_trees: int, nafld_forest_trees: int, forest_min_leaf: int
              ) -> dict[str, str]:
    """The run's settings as the page quotes them, the forests' sizes and the network's
    search grid included (``grid_hidden``: "32 or 64", ...)."""
    facts = {"nafld_tree_samples": f"{nafld_tree_samples:,}", "pbc_splits": str(pbc_splits),
             "nafld_splits": str(nafld_splits), "forest_trees": str(forest_trees),
             "nafld_forest_trees": str(nafld_forest_trees),
             "forest_min_leaf": str(forest_min_leaf)}
    for name, values in grid.items():
        facts[f"grid_{name}"] = " or ".join(f"{value:g}" for value in values)
    return facts


def prediction_count_facts(run: BenchmarkRun, task: str) -> dict[str, str]:
    """How many predicted survival probabilities ``run`` holds (every split, model, test
    person and evaluation time), as ``TASK_prediction_values``: what publishing them
    would take."""
    values = sum(survival.size for split in run.predictions
                 for survival in split.survival.values())
    text = f"{values / 1e6:.1f} million" if values >= 1_000_000 else f"{values:,}"
    return {f"{task}_prediction_values": text}


def task_facts(task: str, summary: pd.DataFrame, published: pd.DataFrame,
               model: str) -> dict[str, str]:
    """:func:`task_texts` with each key prefixed by the task (``pbc_orsf_network_c``)."""
    return {f"{task}_{key}": text for key, text in task_texts(summary, published, model).items()}



def forest_size_facts(seconds_per_tree: float, n_splits: int, cores: int = 2) -> dict[str, str]:
    """Why the NAFLD forest is smaller than the benchmark's: what growing the benchmark's
    forest (``AORSF_RSF_TREES`` trees, each on every training person) would cost here,
    from ``seconds_per_tree`` measured on one core and the ``cores`` sharing the trees
    at best evenly, per split and for ``n_splits`` splits."""
    minutes = seconds_per_tree * AORSF_RSF_TREES / cores / 60
    return {"benchmark_forest_trees": str(AORSF_RSF_TREES),
            "benchmark_node_size": str(AORSF_RSF_NODE_SIZE),
            "full_tree_seconds": f"{seconds_per_tree:.1f}",
            "full_forest_minutes": f"{minutes:.0f}",
            "full_forest_hours": f"{minutes * n_splits / 60:.1f}"}
