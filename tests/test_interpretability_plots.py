"""The interpretability chapter's cascade and attention figures draw what they are given."""

import numpy as np
import pandas as pd
from matplotlib import pyplot as plt

from medlib.trust import interpretability_plots as plots


def test_cascade_figure_has_both_similarity_panels():
    cascade = pd.DataFrame({"method": ["Grad-CAM", "Grad-CAM", "Occlusion", "Occlusion"],
                            "randomised up to": ["head", "stem"] * 2,
                            "spearman": [0.8, -0.3, 0.9, 0.6], "ssim": [0.7, 0.1, 0.8, 0.5]})
    fig = plots.cascade_figure(cascade)
    left, right = fig.axes
    assert left.get_ylim()[0] < -0.3 and right.get_legend() is None
    plt.close(fig)


def test_heatmaps_show_the_patients_with_the_most_visits():
    mask = np.zeros((10, 6), bool)
    for row, visits in enumerate([3, 6, 2, 5, 4, 3, 6, 3, 3, 4]):
        mask[row, :visits] = True
    test = type("Test", (), {"mask": mask, "ids": np.arange(100, 110)})()
    people = plots.most_visits(test)
    assert list(people) == [1, 6, 3, 4, 9, 0, 5, 7]
    values = np.where(mask, 1.0, 0.0)
    fig = plots.attention_heatmaps(values, values, test, people)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()][:2] == ["patient 101",
                                                                        "patient 106"]
    plt.close(fig)
