"""The benchmark chapter's table and figure beside the published learners.

This book's models and the aorsf benchmark's published learners (Jaeger et al. 2024) in
one table, best time-dependent C first, with this book's rows in bold, and the same rows
as a dot plot of mean ± SD over splits: the spread of one learner over splits is what a
reader needs to see next to the small differences between learners.
Chapter: ``progression_benchmarks``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from pandas.io.formats.style import Styler

from medlib.data.published import AORSF_SOURCE
from medlib.survival.benchmark_tables import beside_published

OURS = "this book"


def published_table(summary: pd.DataFrame, published: pd.DataFrame, n_splits: int
                    ) -> pd.DataFrame:
    """:func:`~medlib.survival.benchmark_tables.beside_published` with both sources named
    and their numbers of splits (ours ``n_splits``, the benchmark's 25)."""
    return beside_published(summary, published, our_source=f"{OURS} ({n_splits} splits)",
                            published_source=f"{AORSF_SOURCE} (25 splits)")


def styled_published_table(summary: pd.DataFrame, published: pd.DataFrame,
                           n_splits: int) -> Styler:
    """The table of :func:`published_table` by learner, this book's rows in bold."""
    table = published_table(summary, published, n_splits).set_index("learner")
    ours = table["source"].str.startswith(OURS)
    return (table.style.format(precision=3, na_rep="—")
            .apply(lambda column: ["font-weight: bold" if o else "" for o in ours], axis=0)
            .set_table_attributes('class="dataframe"')
            .set_table_styles([{"selector": "td, th", "props": "padding: 0.2em 0.6em"}]))


def plot_beside_published(summary: pd.DataFrame, published: pd.DataFrame,
                          n_splits: int) -> None:
    """Time-dependent C and IPA of every learner, mean ± SD over splits, this book's
    models in red."""
    table = published_table(summary, published, n_splits)
    ours = table["source"].str.startswith(OURS)
    fig, axes = plt.subplots(1, 2, figsize=(10, 0.28 * len(table) + 1.2), sharey=True)
    for ax, (score, sd) in zip(axes, (("time-dependent C", "C SD"), ("IPA", "IPA SD")),
                               strict=True):
        shown = table.dropna(subset=[score])
        for is_ours, colour in ((False, "0.55"), (True, "tab:red")):
            part = shown[ours[shown.index] == is_ours]
            ax.errorbar(part[score], part["learner"], xerr=part[sd], fmt="o", color=colour,
                        capsize=2, label=OURS if is_ours else AORSF_SOURCE)
        ax.set(xlabel=f"{score}, mean ± SD over splits")
    axes[0].invert_yaxis()
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, frameon=False, fontsize=8, loc="upper center", ncol=2)
    sns.despine()
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    plt.show()
