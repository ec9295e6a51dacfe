"""Two figures of chapter interpretability, drawn from the results the notebook computed.

The notebook keeps the code that explains, randomises and scores in view; these functions
only draw: the similarity of each method's maps to the trained model's along the
randomisation cascade, and attention against gradient attribution over the visits of the
patients with the most visits.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from medlib.survival.landmark import LandmarkSet
from medlib.trust.attributions import SANITY_THRESHOLD

#: Patients in the attention heat maps: those with the most visits.
HEATMAP_PATIENTS = 8


def cascade_figure(cascade: pd.DataFrame) -> Figure:
    """Spearman (left, with the failing threshold dashed) and SSIM (right) of each method's
    maps against the trained model's, layer by layer (:func:`medlib.trust.attributions.
    cascade_similarity`)."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), sharex=True)
    low = min(-0.2, cascade[["spearman", "ssim"]].min().min() - 0.05)  # show every point
    for ax, metric in zip(axes, ("spearman", "ssim"), strict=True):
        sns.lineplot(data=cascade, x="randomised up to", y=metric, hue="method", marker="o", ax=ax)
        ax.axhline(0, color="0.6", linewidth=0.8)
        ax.set(ylabel=f"similarity to trained ({metric})", xlabel="layers randomised, output first",
               ylim=(low, 1.05))
    axes[0].axhline(SANITY_THRESHOLD, color="0.3", linewidth=0.8, linestyle="--")
    axes[1].get_legend().remove()
    fig.tight_layout()
    return fig


def most_visits(test: LandmarkSet) -> np.ndarray:
    """The rows of the :data:`HEATMAP_PATIENTS` test patients with the most visits (ties in
    row order)."""
    lengths = test.mask.sum(axis=1)
    return np.argsort(-lengths, kind="stable")[:HEATMAP_PATIENTS]


def attention_heatmaps(attention: np.ndarray, gradients: np.ndarray, test: LandmarkSet,
                       people: Sequence[int]) -> Figure:
    """Each of ``people``'s visits' share of the last visit's attention (left) and of
    |Integrated Gradients| (right), every row summing to 1; blank: no such visit."""
    people = np.asarray(people)
    width = int(test.mask.sum(axis=1)[people].max())
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.6), sharey=True)
    for ax, (title, values) in zip(axes, (("attention of the last visit", attention),
                                          ("share of |Integrated Gradients|", gradients)),
                                   strict=True):
        table = values[people, :width] / values[people, :width].sum(axis=1, keepdims=True)
        sns.heatmap(np.where(test.mask[people, :width], table, np.nan), cmap="mako_r",
                    ax=ax, vmin=0, vmax=1, cbar=ax is axes[1],
                    yticklabels=[f"patient {test.ids[i]}" for i in people])
        ax.set(title=title, xlabel="visit (oldest first)")
    fig.tight_layout()
    return fig
