"""Tables of the benchmark chapter: this book's models over the splits, beside the
published learners, and paired differences between models.

A model's row reports what the paper reports (mean and SD over splits), and also the
corrected resampled t interval of the mean (:func:`~medlib.metrics.repeated_splits.
corrected_t_interval`), since the splits overlap and their SD says how much one split
moves, not how well the mean is known. Chapter: ``progression_benchmarks``.
"""

from __future__ import annotations

import pandas as pd

from medlib.metrics.repeated_splits import corrected_t_interval, paired_difference

SCORES = ("time-dependent C", "IPA")


def summary_over_splits(per_split: pd.DataFrame, test_share: float = 0.5) -> pd.DataFrame:
    """Per model (in order of first appearance): splits, and for each score its mean, SD
    and the corrected-t 95% interval of the mean."""
    rows = []
    for model, part in per_split.groupby("model", sort=False):
        row = {"model": model, "splits": len(part)}
        for score in SCORES:
            mean, low, high = corrected_t_interval(part[score], test_share)
            row.update({score: mean, f"{score} SD": float(part[score].std(ddof=1)),
                        f"{score} low": low, f"{score} high": high})
        rows.append(row)
    return pd.DataFrame(rows)


def beside_published(summary: pd.DataFrame, published: pd.DataFrame, our_source: str,
                     published_source: str) -> pd.DataFrame:
    """One table, best time-dependent C first: every published learner and every model of
    this book, with mean (SD) of both scores as the paper prints them."""
    ours = pd.DataFrame({
        "learner": summary["model"], "source": our_source,
        "time-dependent C": summary["time-dependent C"],
        "C SD": summary["time-dependent C SD"],
        "IPA": summary["IPA"], "IPA SD": summary["IPA SD"],
    })
    theirs = published.assign(source=published_source)[ours.columns]
    table = pd.concat([theirs, ours], ignore_index=True)
    return table.sort_values("time-dependent C", ascending=False, kind="stable",
                             ignore_index=True)


def paired_table(per_split: pd.DataFrame, pairs: list[tuple[str, str]],
                 test_share: float = 0.5) -> pd.DataFrame:
    """For each (first, second) pair of models and each score: the mean over splits of
    first minus second, its corrected-t 95% interval, and in how many splits first led."""
    rows = []
    for first, second in pairs:
        for score in SCORES:
            difference = paired_difference(per_split, score, first, second, split="split")
            mean, low, high = corrected_t_interval(difference, test_share)
            rows.append({"comparison": f"{first} − {second}", "score": score,
                         "mean difference": mean, "low": low, "high": high,
                         "splits first ahead": int((difference > 0).sum()),
                         "splits": len(difference)})
    return pd.DataFrame(rows)


def gap_to_published(summary: pd.DataFrame, model: str, published_value: float,
                     score: str = "time-dependent C") -> dict[str, float]:
    """How far ``model``'s mean lies from a published mean, with the corrected interval of
    our mean shifted by the published value (the published mean's own uncertainty, from
    other random splits, is not included: the paper gives SDs of splits, not of means)."""
    row = summary.set_index("model").loc[model]
    return {"gap": float(row[score] - published_value),
            "low": float(row[f"{score} low"] - published_value),
            "high": float(row[f"{score} high"] - published_value)}


def settings_won(per_split: pd.DataFrame, model: str,
                 setting_columns: tuple[str, ...] = ("hidden", "dropout", "learning_rate")
                 ) -> pd.DataFrame:
    """How often each setting of the tuned network won its split's inner validation, with
    the median number of epochs it was then trained for."""
    rows = per_split[per_split["model"] == model].astype({"hidden": int, "epochs": int})
    return (rows.groupby(list(setting_columns))
            .agg(splits=("split", "size"), median_epochs=("epochs", "median"))
            .reset_index().sort_values("splits", ascending=False, ignore_index=True))
