"""The progression chapters' figures of the first split's test people.

Survival by thirds of predicted risk, 5-year calibration, one person's risk after each
visit, and where the attention model's last visit looks: each figure reads fitted
predictions (:class:`medlib.survival.progression.FittedPrediction`) and computes nothing
that the page's numbers depend on. Chapters: ``progression_pbc``, ``progression_nafld``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from sksurv.nonparametric import kaplan_meier_estimator

from medlib.survival.landmark import LandmarkSet
from medlib.survival.progression import FittedPrediction
from medlib.survival.progression_report import longest_records


def plot_risk_thirds(test: LandmarkSet, predictions: dict[str, FittedPrediction],
                     models: tuple[str, str]) -> None:
    """Kaplan–Meier survival of the test people in thirds of each model's predicted risk,
    one panel per model."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
    for ax, model in zip(axes, models, strict=True):
        groups = pd.qcut(predictions[model].risk, 3, labels=["low", "middle", "high"])
        for group in ("low", "middle", "high"):
            members = np.asarray(groups == group)
            km_t, km_s = kaplan_meier_estimator(test.event[members], test.time[members])
            ax.step(km_t, km_s, where="post", label=f"{group} predicted risk (n={members.sum()})")
        ax.set(title=model, xlabel="years after the landmark", ylabel="survival (Kaplan–Meier)")
        ax.legend(fontsize=8)
    fig.tight_layout()
    plt.show()


def plot_calibration(calibration: pd.DataFrame) -> None:
    """Predicted against observed 5-year survival in fifths of risk, one colour per model
    (the table of :func:`medlib.survival.progression_report.calibration_5y`)."""
    _, ax = plt.subplots(figsize=(4.8, 4.5))
    sns.scatterplot(data=calibration, x="predicted", y="observed (Kaplan-Meier)", hue="model",
                    style="model", s=70, ax=ax)
    ax.plot([0, 1], [0, 1], ":", color="0.5")
    lo = min(calibration["predicted"].min(), calibration["observed (Kaplan-Meier)"].min()) - 0.05
    ax.set(xlim=(lo, 1.01), ylim=(lo, 1.01), title="5-year survival, fifths of risk (split 1)",
           xlabel="predicted 5-year survival (mean of the fifth)",
           ylabel="observed 5-year survival (Kaplan–Meier)")
    plt.show()


def plot_risk_trajectory(test: LandmarkSet, patient: int, trajectories: dict[str, list],
                         at_landmark: dict[str, float], landmark_years: float) -> None:
    """One test person's predicted 5-year risk after each visit (lines) and the other
    models' risk at the landmark (markers)."""
    n_seen = int(test.mask[patient].sum())
    seen_times = test.visit_times[patient, :n_seen] + landmark_years
    _, ax = plt.subplots(figsize=(7.5, 3.8))
    for kind, risks in trajectories.items():
        ax.plot(seen_times, risks, marker="o", label=kind)
    for (model, risk), marker in zip(at_landmark.items(), ("^", "s", "D"), strict=True):
        ax.scatter([landmark_years], [risk], marker=marker, s=60, zorder=3,
                   label=f"{model} (at landmark)")
    ax.axvline(landmark_years, ls="--", color="0.5")
    ax.set(xlabel="time of the last visit seen (years since entry)",
           ylabel="predicted 5-year risk of death",
           title=f"Test patient {test.ids[patient]}: "
                 f"{'died' if test.event[patient] else 'censored'} "
                 f"{test.time[patient]:.1f} years after the landmark")
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
    plt.show()


def plot_last_visit_attention(weights: np.ndarray, test: LandmarkSet) -> None:
    """The attention weights of the last visit over the earlier visits, for the ten test
    people with the longest records (padding masked)."""
    lengths = test.mask.sum(axis=1)
    chosen = longest_records(test.mask)
    width = int(lengths[chosen].max())
    last_row = np.stack([weights[i, lengths[i] - 1] for i in chosen])[:, :width]
    padding = np.arange(width)[None, :] >= lengths[chosen][:, None]
    _, ax = plt.subplots(figsize=(8, 3.8))
    sns.heatmap(last_row, mask=padding, vmin=0, cmap="mako_r", ax=ax,
                yticklabels=[f"patient {test.ids[i]}" for i in chosen],
                cbar_kws={"label": "attention weight"})
    ax.set(xlabel="visit (oldest first)", title="Attention of the last visit")
    plt.show()
