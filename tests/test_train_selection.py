"""medlib.train.selection.BestEpoch: the one best-epoch rule of every training loop."""

from __future__ import annotations

import math

import pytest

from medlib.train.selection import BestEpoch


def run(selection: BestEpoch, scores, force_last: bool = False):
    """Feed ``scores`` epoch by epoch; return the epoch at which it said stop (or None)
    and how often a snapshot was taken."""
    taken = []
    for epoch, score in enumerate(scores):
        selection.update(
            score,
            lambda epoch=epoch: taken.append(epoch) or f"weights of epoch {epoch}",
            force=force_last and epoch == len(scores) - 1,
        )
        if selection.should_stop:
            return epoch, taken
    return None, taken


def test_auroc_rule_needs_a_strictly_higher_score_so_a_tie_keeps_the_earlier_epoch():
    selection = BestEpoch(higher_is_better=True)
    stopped, taken = run(selection, [0.5, 0.7, 0.7, 0.6, 0.69])
    assert stopped is None  # no patience: never stops
    assert (selection.best, selection.best_epoch) == (0.7, 1)
    assert selection.best_state == "weights of epoch 1"
    assert taken == [0, 1]  # a snapshot only when the epoch is kept


def test_nan_score_is_never_an_improvement():
    selection = BestEpoch(higher_is_better=True)
    run(selection, [math.nan, 0.6, math.nan])
    assert (selection.best_epoch, selection.best) == (1, 0.6)
    empty = BestEpoch(higher_is_better=True)
    run(empty, [math.nan])
    assert empty.best_epoch == -1 and empty.best_state is None


def test_force_keeps_the_last_epoch_whatever_its_score():
    selection = BestEpoch(higher_is_better=True)
    run(selection, [0.9, 0.6, 0.5], force_last=True)
    assert (selection.best_epoch, selection.best) == (2, 0.5)
    assert selection.best_state == "weights of epoch 2"


def test_loss_rule_waits_patience_epochs_and_keeps_the_lowest_loss():
    selection = BestEpoch(higher_is_better=False, min_delta=1e-4, patience=2)
    stopped, _ = run(selection, [1.0, 0.5, 0.6, 0.55, 0.4])
    assert stopped == 3  # two epochs without improving on 0.5
    assert selection.best_state == "weights of epoch 1"


def test_an_improvement_smaller_than_min_delta_does_not_count():
    selection = BestEpoch(higher_is_better=False, min_delta=1e-4, patience=2)
    stopped, taken = run(selection, [0.5, 0.49995, 0.49991, 0.3])
    assert stopped == 2 and taken == [0]
    assert selection.best == 0.5
    higher = BestEpoch(higher_is_better=True, min_delta=0.01)
    run(higher, [0.8, 0.805, 0.82])
    assert (higher.best_epoch, higher.best) == (2, 0.82)


def test_an_improvement_resets_the_patience_count():
    selection = BestEpoch(higher_is_better=False, patience=2)
    stopped, _ = run(selection, [1.0, 1.1, 0.9, 1.0, 0.8, 0.85, 0.9])
    assert stopped == 6 and selection.best_epoch == 4


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="patience"):
        BestEpoch(higher_is_better=False, patience=0)
    with pytest.raises(ValueError, match="min_delta"):
        BestEpoch(higher_is_better=True, min_delta=-1.0)
