"""medlib.chapter.opening: one call seeds, sets the plot style and gives the recorder."""

import matplotlib as mpl
import numpy as np
import torch

from medlib.chapter.opening import open_chapter
from medlib.chapter.results import ResultsRecorder


def test_open_chapter_seeds_every_generator_and_returns_the_recorder(monkeypatch):
    monkeypatch.delenv("MEDLIB_CHAPTER", raising=False)
    mpl.rcdefaults()
    results = open_chapter("toy", seed=7)
    first = (np.random.random(), torch.rand(1).item())
    assert isinstance(results, ResultsRecorder) and results.notebook == "toy"
    assert mpl.rcParams["figure.dpi"] == 110  # the book's style
    open_chapter("toy", seed=7)
    assert (np.random.random(), torch.rand(1).item()) == first
