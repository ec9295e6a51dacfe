"""medlib.plots: each figure draws without a display and has the panels it promises."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from medlib import plots

RNG = np.random.default_rng(0)
Y = np.arange(100) % 2
S = np.clip(0.4 * Y + 0.6 * RNG.random(100), 0, 1)


@pytest.fixture(autouse=True)
def close_figures():
    plots.use_book_style()
    yield
    plt.close("all")


def test_learning_curves_mark_the_kept_epoch():
    history = pd.DataFrame(
        {
            "epoch": [1, 2, 3],
            "train_loss": [0.7, 0.5, 0.4],
            "val_loss": [0.7, 0.6, 0.65],
            "val_auroc": [0.7, 0.8, 0.75],
            "selected": [False, True, False],
        }
    )
    fig = plots.learning_curves(history)
    assert len(fig.axes) == 2
    assert any(line.get_xdata()[0] == 2 for line in fig.axes[1].get_lines())


def test_roc_pr_has_chance_lines():
    fig = plots.roc_pr_curves(Y, {"model": S})
    roc, pr = fig.axes
    assert [t.get_text() for t in roc.get_legend().get_texts()] == ["model", "chance"]
    assert "prevalence 0.50" in pr.get_legend().get_texts()[-1].get_text()


def test_confusion_matrices_one_panel_per_threshold():
    fig = plots.confusion_matrices(Y, {"a": S > 0.5, "b": S > 0.3}, ["normal", "pneumonia"])
    assert len(fig.axes) == 2
    assert sorted(int(t.get_text()) for t in fig.axes[0].texts) == sorted(
        np.bincount(2 * Y + (S > 0.5), minlength=4).tolist()
    )


def test_reliability_diagram_and_image_grid():
    assert len(plots.reliability_diagram(Y, S).axes) == 2
    two = plots.reliability_diagram(Y, {"before": S, "after": np.sqrt(S)})
    assert [line.get_label() for line in two.axes[0].lines][1:] == ["before", "after"]
    fig = plots.image_grid(RNG.integers(0, 255, (7, 28, 28)), [str(i) for i in range(7)], n_cols=4)
    assert sum(ax.get_title() != "" for ax in fig.axes) == 7


def test_attribution_grid_has_a_column_per_method_and_a_row_per_image():
    images = RNG.integers(0, 256, (3, 28, 28))
    maps = {"a": RNG.random((3, 28, 28)), "b": np.zeros((3, 28, 28))}
    fig = plots.attribution_grid(images, maps, ["x", "y", "z"])
    assert len(fig.axes) == 3 * 3
    plt.close(fig)


def test_learning_rate_heatmap_labels_every_diverged_cell():
    grid = pd.DataFrame(
        [[0.5, 1e-20, np.inf], [0.9, np.inf, np.inf]],
        index=["GD", "Adam"],
        columns=["1e-01", "1e+00", "1e+01"],
    )
    fig = plots.learning_rate_heatmap(grid, "title")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts.count("div.") == 3
    assert sorted(t for t in texts if t != "div.") == ["-16", "0", "0"]  # no "-0"
    assert fig.axes[0].get_title() == "title"
