"""Labels as a budget and as a source of error (chapter ``labelling``).

Expert labels are the scarce resource of medical imaging. This module draws labelled
subsets (label efficiency), picks the next images to send to a radiologist (active
learning: uncertainty sampling against random sampling; Settles, 2009) and corrupts labels
the way tired or disagreeing readers do (symmetric noise, and class-dependent noise where
one class is missed more often than the other; Frénay & Verleysen, 2014). The chapter's
training run, its acquisition rounds and its label-noise experiment build on these:
:mod:`medlib.trust.label_runs`, :mod:`medlib.trust.active_learning`,
:mod:`medlib.trust.label_noise`.
"""

from __future__ import annotations

import numpy as np


def stratified_subset(labels: np.ndarray, fraction: float, seed: int) -> np.ndarray:
    """Sorted indices of about ``fraction`` of the cases, the same share from every class
    and at least two of each, so that a tiny budget still sees both classes."""
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction must be in (0, 1], got {fraction}")
    rng = np.random.default_rng(seed)
    chosen = []
    for k in np.unique(labels):
        members = np.flatnonzero(labels == k)
        n = min(len(members), max(2, round(fraction * len(members))))
        chosen.append(rng.choice(members, n, replace=False))
    return np.sort(np.concatenate(chosen))


def repeat_to_minimum(indices: np.ndarray, minimum: int, seed: int) -> np.ndarray:
    """``indices`` shuffled and repeated to at least ``minimum`` entries.

    A training epoch over 47 labelled images is a single optimisation step; repeating the
    small set gives every label budget the same number of steps per epoch, so that a small
    budget is not also an under-trained model. Every index appears equally often (give or
    take one)."""
    indices = np.asarray(indices)
    if len(indices) == 0:
        raise ValueError("no labelled cases to train on: the label budget is empty")
    shuffled = np.random.default_rng(seed).permutation(indices)
    return np.resize(shuffled, max(len(indices), minimum))


def symmetric_noise(labels: np.ndarray, rate: float, n_classes: int, seed: int) -> np.ndarray:
    """Each label replaced, with probability ``rate``, by a different class drawn uniformly."""
    return class_dependent_noise(labels, {k: rate for k in range(n_classes)}, n_classes, seed)


def class_dependent_noise(
    labels: np.ndarray, rates: dict[int, float], n_classes: int, seed: int
) -> np.ndarray:
    """Each label of class k replaced, with probability ``rates[k]``, by a different class
    drawn uniformly (for a binary task: flipped)."""
    if any(not 0 <= r < 1 for r in rates.values()):
        raise ValueError(f"noise rates must be in [0, 1), got {rates}")
    rng = np.random.default_rng(seed)
    labels = np.asarray(labels)
    flip = rng.random(len(labels)) < np.array([rates.get(int(k), 0.0) for k in labels])
    shift = rng.integers(1, n_classes, len(labels))  # a different class, uniformly
    return np.where(flip, (labels + shift) % n_classes, labels)


def most_uncertain(pool_probabilities: np.ndarray, pool: np.ndarray, k: int) -> np.ndarray:
    """The ``k`` cases of ``pool`` with the highest predictive entropy (binary: p nearest
    0.5); ``pool_probabilities`` are the model's probabilities for ``pool``, in its order."""
    p = np.asarray(pool_probabilities)
    if len(p) != len(pool):
        raise ValueError(f"{len(p)} probabilities for a pool of {len(pool)} cases")
    p = np.stack([1 - p, p], axis=1) if p.ndim == 1 else p
    entropy = -(p * np.log(np.clip(p, 1e-12, 1))).sum(axis=1)
    return pool[np.argsort(-entropy, kind="stable")[:k]]


def labels_needed(n_labels: np.ndarray, scores: np.ndarray, target: float) -> float:
    """The fewest labels at which a learning curve reaches ``target`` (linear interpolation
    between rounds); NaN if it never does."""
    n_labels, scores = np.asarray(n_labels, float), np.asarray(scores, float)
    above = np.flatnonzero(scores >= target)
    if len(above) == 0:
        return float("nan")
    i = above[0]
    if i == 0:
        return float(n_labels[0])
    x0, x1, y0, y1 = n_labels[i - 1], n_labels[i], scores[i - 1], scores[i]
    return float(x0 + (target - y0) * (x1 - x0) / (y1 - y0))
