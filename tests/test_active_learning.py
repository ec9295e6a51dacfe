"""Active learning: the acquisition rounds of both strategies and the labels-needed summary,
against hand-computed cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from medlib.trust.active_learning import (
    acquisition_rounds,
    labels_needed_summary,
    labels_needed_view,
)


class Recorder:
    """A stand-in for training: the "model" is the number of the training call."""

    def __init__(self):
        self.calls = []

    def train(self, rows, labels, seed):
        self.calls.append((rows.copy(), labels.copy(), seed))
        return len(self.calls)


def pool_probabilities(model, pool):
    # a fixed probability per case: case i is least certain when i % 10 == 5
    return np.abs((pool % 10) - 5) / 10 + 0.5


def test_random_rounds_draw_from_the_pool_with_the_seeded_generator():
    labels = np.arange(40) % 2
    start, recorder = np.array([0, 1, 2, 3]), Recorder()
    rounds = list(acquisition_rounds("random", start, "first", [4, 8, 16], labels, 7,
                                     recorder.train, pool_probabilities))
    rng = np.random.default_rng(7)
    pool = np.setdiff1d(np.arange(40), start)
    after_one = np.sort(np.r_[start, rng.choice(pool, 4, replace=False)])
    pool = np.setdiff1d(np.arange(40), after_one)
    after_two = np.sort(np.r_[after_one, rng.choice(pool, 8, replace=False)])
    assert [len(labelled) for labelled, _ in rounds] == [4, 8, 16]
    assert rounds[0][0].tolist() == [0, 1, 2, 3] and rounds[0][1] == "first"
    assert rounds[1][0].tolist() == after_one.tolist() and rounds[1][1] == 1
    assert rounds[2][0].tolist() == after_two.tolist() and rounds[2][1] == 2
    rows, given, seed = recorder.calls[1]
    assert rows.tolist() == after_two.tolist() and given.tolist() == labels[after_two].tolist()
    assert seed == 7


def test_uncertainty_rounds_ask_for_the_cases_nearest_one_half():
    labels = np.zeros(30, int)
    start, recorder = np.array([0, 1]), Recorder()
    rounds = list(acquisition_rounds("uncertainty", start, "first", [2, 5], labels, 0,
                                     recorder.train, pool_probabilities))
    # probabilities nearest 0.5: cases 5, 15, 25 (then 4, 6, ...)
    assert rounds[1][0].tolist() == [0, 1, 5, 15, 25]
    assert len(recorder.calls) == 1


def test_a_round_the_start_already_reaches_trains_nothing():
    recorder = Recorder()
    rounds = list(acquisition_rounds("random", np.arange(6), "first", [4, 6, 12],
                                     np.zeros(20, int), 0, recorder.train, pool_probabilities))
    assert [model for _, model in rounds] == ["first", "first", 1]
    with pytest.raises(ValueError, match="strategy"):
        next(acquisition_rounds("margin", np.arange(2), None, [2], np.zeros(4), 0,
                                recorder.train, pool_probabilities))


def _curves():
    rows = []
    aurocs = {(1, "random"): [0.5, 0.8, 0.9], (1, "uncertainty"): [0.5, 0.7, 0.95],
              (2, "random"): [0.5, 0.6, 0.7], (2, "uncertainty"): [0.5, 0.9, 0.95]}
    for (seed, strategy), values in aurocs.items():
        for n, value in zip([4, 8, 16], values, strict=True):
            rows.append({"seed": seed, "strategy": strategy, "labels": n, "auroc": value})
    return pd.DataFrame(rows)


def test_labels_needed_summary_by_hand():
    needed, summary = labels_needed_summary(_curves(), [0.8, 0.9], reference=1.0)
    assert len(needed) == 8
    # 80%: seed 1 random 8, uncertainty 8 + 8 * 0.1 / 0.25 = 11.2; seed 2 random never,
    # uncertainty 4 + 4 * 0.3 / 0.4 = 7
    random, uncertainty = summary.loc[("80% of full", "random")], summary.loc[
        ("80% of full", "uncertainty")]
    assert random["mean"] == pytest.approx(8) and random["seeds reaching it"] == 1
    assert uncertainty["mean"] == pytest.approx(9.1)
    assert (uncertainty["min"], uncertainty["max"]) == pytest.approx((7, 11.2))
    assert uncertainty["seeds reaching it"] == 2 and uncertainty["seeds"] == 2
    # only seed 1 reached 80% with both; random needed fewer there
    assert random["both reached"] == uncertainty["both reached"] == 1
    assert (random["fewer than the other"], uncertainty["fewer than the other"]) == (1, 0)
    # 90%: seed 1 random 16, uncertainty 8 + 8 * 0.2 / 0.25 = 14.4 (fewer); seed 2 uncertainty 8
    top = summary.loc["90% of full"]
    assert top.loc["uncertainty", "mean"] == pytest.approx((14.4 + 8) / 2)
    assert top.loc["uncertainty", "fewer than the other"] == 1
    assert top.loc["random", "fewer than the other"] == 0


def test_labels_needed_view_names_its_spreads():
    _, summary = labels_needed_summary(_curves(), [0.8, 0.99], reference=1.0)
    view = labels_needed_view(summary)
    assert view.loc[("80% of full", "uncertainty"), "range over seeds (min–max)"] == "7–11"
    assert view.loc[("99% of full", "random"), "range over seeds (min–max)"] == "—"
    assert view.loc[("80% of full", "random"), "seeds reaching it"] == "1 of 2"
    assert (view.loc[("80% of full", "random"), "fewer labels than the other strategy"]
            == "on 1 of the 1 seeds where both reached it")
