"""Figures shared by the chapters (seaborn on matplotlib).

Each function draws one kind of figure onto new axes and returns the figure, so that a
notebook shows it and a test can check it without a display.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from sklearn.calibration import calibration_curve
from sklearn.metrics import confusion_matrix, precision_recall_curve, roc_curve


def use_book_style() -> None:
    """The one plotting style of the book: seaborn's whitegrid, readable font sizes."""
    sns.set_theme(style="whitegrid", context="notebook", palette="colorblind")
    plt.rcParams.update({"figure.dpi": 110, "savefig.bbox": "tight"})


def learning_curves(history: pd.DataFrame) -> Figure:
    """Training and validation loss, and validation AUROC, per epoch; the kept epoch dashed."""
    fig, (ax_loss, ax_auc) = plt.subplots(1, 2, figsize=(11, 3.8))
    losses = history.melt(
        id_vars="epoch", value_vars=["train_loss", "val_loss"], var_name="split", value_name="loss"
    )
    losses["split"] = losses["split"].map({"train_loss": "training", "val_loss": "validation"})
    sns.lineplot(data=losses, x="epoch", y="loss", hue="split", ax=ax_loss)
    ax_loss.set(title="Binary cross-entropy", yscale="log")
    sns.lineplot(data=history, x="epoch", y="val_auroc", ax=ax_auc, color="C2")
    ax_auc.set(title="Validation AUROC", ylabel="AUROC")
    for ax in (ax_loss, ax_auc):
        for epoch in history.loc[history["selected"], "epoch"]:
            ax.axvline(epoch, color="0.3", linestyle="--", linewidth=1, label="kept epoch")
    ax_auc.legend(loc="lower right")
    fig.tight_layout()
    return fig


def roc_pr_curves(y_true: np.ndarray, scores: Mapping[str, np.ndarray]) -> Figure:
    """ROC and precision-recall curves of one or more score vectors, with chance lines
    (the diagonal for ROC, the prevalence for precision-recall)."""
    y_true = np.ravel(y_true)
    fig, (ax_roc, ax_pr) = plt.subplots(1, 2, figsize=(11, 4.6))
    for name, score in scores.items():
        fpr, tpr, _ = roc_curve(y_true, score)
        ax_roc.plot(fpr, tpr, label=name)
        precision, recall, _ = precision_recall_curve(y_true, score)
        ax_pr.plot(recall, precision, label=name)
    ax_roc.plot([0, 1], [0, 1], color="0.5", linestyle=":", label="chance")
    ax_roc.set(xlabel="1 - specificity", ylabel="sensitivity", title="ROC curve")
    prevalence = y_true.mean()
    ax_pr.axhline(
        prevalence, color="0.5", linestyle=":", label=f"chance (prevalence {prevalence:.2f})"
    )
    ax_pr.set(
        xlabel="recall (sensitivity)",
        ylabel="precision (PPV)",
        title="Precision-recall curve",
        ylim=(0, 1.02),
    )
    for ax in (ax_roc, ax_pr):
        ax.set_aspect("equal")
        ax.legend(loc="lower right" if ax is ax_roc else "lower left")
    fig.tight_layout()
    return fig


def confusion_matrices(
    y_true: np.ndarray, predictions: Mapping[str, np.ndarray], labels: Sequence[str]
) -> Figure:
    """One confusion-matrix heat map per named set of hard predictions, counts annotated."""
    fig, axes = plt.subplots(1, len(predictions), figsize=(4.4 * len(predictions), 3.8))
    for ax, (name, predicted) in zip(np.atleast_1d(axes), predictions.items(), strict=True):
        matrix = confusion_matrix(np.ravel(y_true), np.ravel(predicted), labels=range(len(labels)))
        sns.heatmap(
            matrix,
            annot=True,
            fmt="d",
            cbar=False,
            cmap="Blues",
            ax=ax,
            xticklabels=labels,
            yticklabels=labels,
        )
        ax.set(xlabel="predicted", ylabel="true", title=name)
    fig.tight_layout()
    return fig


def reliability_diagram(
    y_true: np.ndarray, scores: np.ndarray | Mapping[str, np.ndarray], n_bins: int = 10
) -> Figure:
    """Observed frequency against mean predicted probability in quantile bins, with the
    ideal diagonal, over a histogram of the predicted probabilities.

    ``scores`` is one binary score array or a mapping of names to arrays, drawn as one
    curve each (for example before and after recalibration).
    """
    named = {"model": scores} if isinstance(scores, np.ndarray) else dict(scores)
    fig, (ax_cal, ax_hist) = plt.subplots(
        2, 1, figsize=(5.2, 6), sharex=True, gridspec_kw={"height_ratios": [3, 1]}
    )
    ax_cal.plot([0, 1], [0, 1], color="0.5", linestyle=":", label="perfect calibration")
    for index, (name, values) in enumerate(named.items()):
        observed, predicted = calibration_curve(
            np.ravel(y_true), np.ravel(values), n_bins=n_bins, strategy="quantile"
        )
        ax_cal.plot(predicted, observed, marker="o", label=name, color=f"C{index}")
        sns.histplot(
            x=np.ravel(values),
            bins=20,
            ax=ax_hist,
            color=f"C{index}",
            alpha=0.5,
            element="step",
        )
    ax_cal.set(
        ylabel="observed fraction positive",
        title="Reliability diagram (test)",
        xlim=(0, 1),
        ylim=(0, 1),
    )
    ax_cal.legend(loc="upper left")
    ax_hist.set(xlabel="predicted probability", ylabel="cases")
    fig.tight_layout()
    return fig


def image_grid(
    images: np.ndarray, titles: Sequence[str], n_cols: int = 6, cmap: str = "gray"
) -> Figure:
    """A grid of images with a title each (for example true label, score, prediction)."""
    n_rows = int(np.ceil(len(images) / n_cols))
    fig, axes = plt.subplots(n_rows, n_cols, figsize=(1.9 * n_cols, 2.2 * n_rows), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for ax, image, title in zip(axes.ravel(), images, titles, strict=False):
        ax.imshow(np.squeeze(image), cmap=cmap, vmin=0, vmax=255)
        ax.set_title(title, fontsize=8)
    fig.tight_layout()
    return fig


def attribution_grid(
    images: np.ndarray, maps: Mapping[str, np.ndarray], row_titles: Sequence[str]
) -> Figure:
    """One row per image: the image, then each method's map over it (chapter
    ``interpretability``). Maps are shown as |attribution| scaled per image to its own
    maximum, so that the colour says where a method looks, not how strongly."""
    n, names = len(images), list(maps)
    fig, axes = plt.subplots(
        n, 1 + len(names), figsize=(1.9 * (1 + len(names)), 2.0 * n), squeeze=False
    )
    for row in range(n):
        image = images[row] if images[row].ndim == 2 else images[row].mean(axis=-1)
        axes[row, 0].imshow(image, cmap="gray")
        axes[row, 0].set_ylabel(row_titles[row], fontsize=8)
        for col, name in enumerate(names, start=1):
            heat = np.abs(maps[name][row])
            heat = heat / heat.max() if heat.max() > 0 else heat
            axes[row, col].imshow(image, cmap="gray")
            axes[row, col].imshow(heat, cmap="inferno", alpha=0.55, vmin=0, vmax=1)
            if row == 0:
                axes[row, col].set_title(name, fontsize=9)
        if row == 0:
            axes[row, 0].set_title("image", fontsize=9)
    for ax in axes.ravel():
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    return fig


def learning_rate_heatmap(
    grid: pd.DataFrame,
    title: str,
    colorbar_label: str = "log10(f - f*) after the run",
    floor: float = 1e-16,
    diverged_label: str = "div.",
) -> Figure:
    """Heat map of log10 of a positive quantity (suboptimality), one row per rule and one
    column per learning rate (chapter ``optimizers``). Each cell is annotated with its
    rounded log10; values below ``floor`` (round-off) are drawn at ``floor``. Infinite
    cells, runs that diverged, are drawn light grey and labelled ``diverged_label``."""
    values = grid.astype(float)
    diverged = np.isinf(values.to_numpy())
    log = np.log10(values.clip(lower=floor)).mask(diverged)
    annotations = log.map(lambda v: "" if np.isnan(v) else f"{np.round(v) + 0.0:.0f}")  # no "-0"
    fig, ax = plt.subplots(figsize=(11, 0.45 * len(values) + 0.8))
    sns.heatmap(
        log,
        ax=ax,
        cmap="viridis_r",
        annot=annotations,
        fmt="",
        annot_kws={"fontsize": 7},
        cbar_kws={"label": colorbar_label},
    )
    ax.grid(False)
    for row, col in zip(*np.nonzero(diverged), strict=True):
        ax.add_patch(Rectangle((col, row), 1, 1, facecolor="0.88", edgecolor="white"))
        ax.text(
            col + 0.5, row + 0.5, diverged_label, ha="center", va="center", fontsize=7, color="0.15"
        )
    ax.set(xlabel="learning rate", ylabel="", title=title)
    fig.tight_layout()
    return fig
