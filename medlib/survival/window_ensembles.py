"""Attempts to bring a deep model up to the Cox model in the JMbayes2 setting.

On the trial's visits (landmark 5 years, window 3 years) the book's deep models over the
visit sequence trail a ridge Cox model on the landmark features. With about 250 training
patients and 50 events per fold, one network's predictions vary with its seed as much as
with its design, so the attempts are ensembles, each declared before the run and fitted
on the training folds only:

- the declared deep model averaged over several seeds (still one deep architecture);
- the mean of the three visit-sequence models (still deep only);
- the declared deep model blended with the Cox model (deep and classical: it tells
  whether the deep model adds anything to the Cox model, not whether it replaces it).

Each is scored against the Cox model by the paired difference over the folds of every
round of cross-validation, with the corrected repeated cross-validation t interval
(Nadeau and Bengio's correction with ``n_test / n_train = 1 / (k - 1)``, as Bouckaert
and Frank apply it to repeated k-fold cross-validation). A target counts as reached when
the mean AUC is at or above the Cox model's and the mean integrated Brier score
(Simpson's rule, JMbayes2's own) at or below it. Chapter: ``progression_benchmarks``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from medlib.claims.verdicts import Claim, compare_difference
from medlib.metrics.repeated_splits import CORRECTED_T_INTERVAL, corrected_t_interval

#: How a results file joins a metric's name parts (medlib.chapter.results.METRIC_ID_SEPARATOR,
#: which this layer may not import).
METRIC_SEPARATOR = "::"
#: The mean of the visit-sequence models (deep only).
VISIT_MODELS_MEAN = "mean of the visit-sequence models"
#: The scores a target is set on, and whether higher is better.
TARGET_SCORES = {"AUC": True, "integrated Brier, Simpson": False}
#: How a sentence names them.
SCORE_LABELS = {"AUC": "AUC", "integrated Brier, Simpson": "integrated Brier score"}


def seed_ensemble_name(model: str, n_seeds: int) -> str:
    """How the results name ``model`` averaged over ``n_seeds`` seeds."""
    return f"{model}, mean of {n_seeds} seeds"


def blend_name(deep: str, classical: str) -> str:
    """How the results name the mean of a deep and a classical model."""
    return f"{deep} and {classical}, mean"


def mean_curves(survival: Mapping[str, np.ndarray], members: Sequence[str]) -> np.ndarray:
    """The mean of ``members``' predicted survival curves on one test fold. A mean of
    survival curves is a survival curve (between 0 and 1, not increasing in time), so the
    Brier score can score it."""
    missing = [name for name in members if name not in survival]
    if missing or len(members) < 2:
        raise ValueError(
            f"an ensemble needs at least two of the fold's models; {missing or list(members)} "
            f"given, the fold has {sorted(survival)}: name members from that list")
    return np.mean([survival[name] for name in members], axis=0)


def declared_attempts(deep: str, sequence_models: Sequence[str], deep_seeds: int,
                      blend_with: str) -> dict[str, tuple[str, ...]]:
    """The declared attempts, name -> members (a seed ensemble's members are its seeds,
    listed as the deep model's name): what :func:`window_target_table` reports."""
    attempts = {}
    if deep_seeds > 1:
        attempts[seed_ensemble_name(deep, deep_seeds)] = (deep,) * deep_seeds
    attempts[VISIT_MODELS_MEAN] = tuple(sequence_models)
    attempts[blend_name(deep, blend_with)] = (deep, blend_with)
    return attempts


def mean_ensembles(attempts: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
    """The attempts that are means of distinct models (the seed ensemble is fitted
    inside the cross-validation instead): ``ensembles=`` of
    :func:`~medlib.survival.landmark_window.window_cross_validation`."""
    return {name: tuple(members) for name, members in attempts.items()
            if len(set(members)) > 1}


def paired_over_folds(per_fold: pd.DataFrame, model: str, baseline: str, score: str,
                      n_folds: int) -> tuple[float, float, float]:
    """``(mean, low, high)`` of ``model`` minus ``baseline`` in ``score`` over every fold of
    every round, with the corrected repeated cross-validation t interval (test share
    ``1 / n_folds``)."""
    wide = per_fold.pivot_table(index=["repeat", "fold"], columns="model", values=score)
    for name in (model, baseline):
        if name not in wide.columns:
            raise ValueError(f"{name!r} was not scored; the folds have {list(wide.columns)}")
    return corrected_t_interval(wide[model] - wide[baseline], 1.0 / n_folds)


def window_target_table(per_fold: pd.DataFrame, attempts: Mapping[str, Sequence[str]],
                        baseline: str, n_folds: int, deep_only: Sequence[str]) -> pd.DataFrame:
    """One row per attempt and target score: the attempt's mean, the baseline's, the
    paired difference with its corrected interval, whether the target is reached (mean at
    or above the baseline's AUC, at or below its Brier score), whether the attempt is deep
    only, and its mean seconds of fitting per fold."""
    means = per_fold.groupby("model")[list(TARGET_SCORES)].mean()
    seconds = per_fold.groupby("model")["seconds"].mean()
    rows = []
    for name in attempts:
        for score, higher in TARGET_SCORES.items():
            mean, low, high = paired_over_folds(per_fold, name, baseline, score, n_folds)
            rows.append({
                "attempt": name, "deep only": name in deep_only, "score": score,
                "ours": float(means.loc[name, score]),
                "target": float(means.loc[baseline, score]),
                "difference": mean, "low": low, "high": high,
                "reached": bool(mean >= 0.0 if higher else mean <= 0.0),
                "seconds per fold": float(seconds.loc[name]),
            })
    return pd.DataFrame(rows)


def paired_metric(attempt: str, baseline: str, score: str) -> tuple[str, ...]:
    """The results file's name of an attempt's paired difference from the baseline."""
    return ("paired difference", "JMbayes2 setting", f"{attempt} − {baseline}", score)


def window_target_claims(table: pd.DataFrame, baseline: str) -> list[Claim]:
    """One claim per row of :func:`window_target_table`: ahead of the baseline, behind it,
    or not told apart by the interval of the paired difference (published under
    :func:`paired_metric`, which the claim names)."""
    return [compare_difference(f"{row['attempt']}, JMbayes2 setting, {row['score']}", baseline,
                               row["difference"], row["low"], row["high"],
                               CORRECTED_T_INTERVAL, TARGET_SCORES[row["score"]],
                               METRIC_SEPARATOR.join(
                                   paired_metric(row["attempt"], baseline, row["score"])))
            for row in table.to_dict("records")]


def window_target_sentence(table: pd.DataFrame, baseline: str) -> str:
    """"The self-attention, mean of 5 seeds: AUC 0.823 against the Cox, ridge's 0.834
    (difference -0.011, -0.084 to +0.063: cannot be told apart); integrated Brier score
    ...": one sentence per attempt, both scores with the paired reading."""
    claims = window_target_claims(table, baseline)
    sentences = []
    for attempt, rows in table.assign(outcome=[c.outcome for c in claims]).groupby(
            "attempt", sort=False):
        parts = [f"{SCORE_LABELS[row['score']]} {row['ours']:.3f} against the {baseline}'s "
                 f"{row['target']:.3f} (difference {row['difference']:+.3f}, "
                 f"{row['low']:+.3f} to {row['high']:+.3f}: {row['outcome']})"
                 for row in rows.to_dict("records")]
        sentences.append(f"The {attempt}: " + "; ".join(parts) + ".")
    return " ".join(sentences)


def deep_targets_text(table: pd.DataFrame) -> str:
    """"1 of the 2 targets (AUC and integrated Brier) is reached by a deep-only attempt",
    or that none is: the count over the deep-only attempts' best per score."""
    deep = table[table["deep only"]]
    reached = deep.groupby("score")["reached"].any()
    return (f"{int(reached.sum())} of the {len(reached)} targets (the Cox model's AUC and "
            f"integrated Brier score)")


def deep_only(attempts: Mapping[str, Sequence[str]], classical: str) -> list[str]:
    """The attempts none of whose members is the classical model ``classical``."""
    return [name for name, members in attempts.items() if classical not in members]


def attempt_facts(singles: pd.DataFrame, table: pd.DataFrame, baseline: str,
                  deep_seeds: int, blend_with: str) -> dict[str, str]:
    """The section's glued facts: training patients and events per fold (from the first
    round of the single models' folds, whose test folds partition the patients), the
    folds scored, the declared settings, every attempt's reading, the deep-only count, and
    the range of the AUC intervals' half-widths: the smallest difference from the baseline
    that this many folds could have told from none."""
    one_round = singles[singles["repeat"] == 0].drop_duplicates("fold")
    auc = table[table["score"] == "AUC"]
    half_widths = (auc["high"] - auc["low"]) / 2
    train_people = one_round["test people"].sum() - one_round["test people"]
    train_events = one_round["events in window"].sum() - one_round["events in window"]
    return {
        "window_targets_sentence": window_target_sentence(table, baseline),
        "window_deep_targets": deep_targets_text(table),
        "window_deep_seeds": str(deep_seeds),
        "window_blend_with": blend_with,
        "window_folds_scored": str(len(singles.drop_duplicates(["repeat", "fold"]))),
        "window_train_people": f"{train_people.mean():.0f}",
        "window_train_events": f"{train_events.mean():.0f}",
        "window_auc_half_widths": f"{half_widths.min():.3f} to {half_widths.max():.3f}",
    }
