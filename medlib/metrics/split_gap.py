"""Where a model's validation and test results part, and which test errors are systematic
(chapter ``cnn_beyond``).

MedMNIST's validation images come from the training pool, its test images were collected
apart. A fall in test AUROC says the test images differ; a fall in accuracy alone may only
mean the classes are mixed differently. :func:`validation_test_gap` separates the two: per
class, its share of each split and how often the model is right on it (for a binary task,
class 1's rate is sensitivity, class 0's specificity). :func:`seed_averaged_errors` finds
the test errors of the model averaged over seeds, most confident first, and those every
seed makes: errors that training noise does not explain.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from medlib.metrics.multiclass import auroc, predicted_class

#: The row of :func:`validation_test_gap` that holds each split's AUROC.
AUROC_ROW = "AUROC"


def validation_test_gap(
    y: Mapping[str, np.ndarray],
    scores_by_seed: Sequence[Mapping[str, np.ndarray]],
    class_names: Sequence[str],
    splits: Sequence[str] = ("val", "test"),
) -> pd.DataFrame:
    """Per class, its ``share of split`` and the share of its cases predicted as it
    (``correct in class``, NaN for a class absent from the split), and a last row ``AUROC``
    with each split's AUROC (share 1): the mean over seeds. ``scores_by_seed`` holds one
    mapping split -> probabilities per seed. Columns: (quantity, split)."""
    rows = []
    for scores in scores_by_seed:
        for split in splits:
            decided = predicted_class(scores[split])
            for k, name in enumerate(class_names):
                members = y[split] == k
                rows.append({
                    "split": split, "class": name, "share of split": members.mean(),
                    "correct in class": (float(np.mean(decided[members] == k))
                                         if members.any() else np.nan),
                })
            rows.append({"split": split, "class": AUROC_ROW, "share of split": 1.0,
                         "correct in class": auroc(y[split], scores[split])})
    return (pd.DataFrame(rows).groupby(["class", "split"], sort=False)
            [["share of split", "correct in class"]].mean().unstack("split"))


@dataclass
class SeedAveragedErrors:
    """``decided``: the class of the seed-averaged probabilities for every case; ``errors``:
    the indices it gets wrong, ascending; ``most_confident``: the same errors, the most
    confident first; ``wrong_every_seed``: per case, whether every seed's model is wrong."""

    decided: np.ndarray
    errors: np.ndarray
    most_confident: np.ndarray
    wrong_every_seed: np.ndarray


def seed_averaged_errors(
    y_true: np.ndarray, scores_by_seed: Sequence[np.ndarray]
) -> SeedAveragedErrors:
    """The errors of the mean over seeds of ``scores_by_seed`` (flat P(class 1) for binary,
    ``(n, k)`` otherwise). Confidence is the distance of P(class 1) from 0.5 (binary) or the
    largest class probability."""
    y_true = np.ravel(y_true)
    mean_scores = np.mean(scores_by_seed, axis=0)
    decided = predicted_class(mean_scores)
    wrong_every_seed = np.all([predicted_class(s) != y_true for s in scores_by_seed], axis=0)
    errors = np.flatnonzero(decided != y_true)
    if mean_scores.ndim == 1:
        order = np.argsort(-np.abs(mean_scores[errors] - 0.5))
    else:
        order = np.argsort(-mean_scores.max(axis=1)[errors])
    return SeedAveragedErrors(decided, errors, errors[order], wrong_every_seed)
