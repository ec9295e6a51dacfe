"""Paired differences between two models scored on the same test cases.

Two models' intervals that overlap say little about their difference: both are scored
on the same cases, so what they share (which cases are hard) cancels in the difference.
The functions here resample the cases once for both sides and take the percentile
interval of the difference, for one model per side (:func:`paired_bootstrap_difference`)
or the mean over training seeds per side (:func:`seed_mean_difference`, on the resamples
:func:`medlib.metrics.seeds.seed_mean_bootstrap` draws). Their intervals are bootstrap
95% intervals over test cases, the ``difference`` claims of :mod:`medlib.claims` rest on
them. Chapters: ``labelling``, ``pretraining``, ``cnn_beyond``, ``robustness``,
``interpretability``, ``efficiency``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from medlib.metrics.binary import batched_auroc, batched_draws, stratified_bootstrap_indices


def paired_bootstrap_difference(
    y_true: np.ndarray,
    subject_scores: np.ndarray,
    reference_scores: np.ndarray,
    n_resamples: int = 2000,
    seed: int = 0,
    level: float = 0.95,
    batched_metric: Callable[[np.ndarray, np.ndarray], np.ndarray] = batched_auroc,
) -> tuple[float, float, float]:
    """``(estimate, low, high)``: a metric of ``subject_scores`` minus the same metric of
    ``reference_scores``, both scored on the same cases ``y_true``, with the percentile
    interval of that difference over a stratified bootstrap of the cases.

    The bootstrap is *paired*: each resample draws the same cases for both score arrays
    (:func:`stratified_bootstrap_indices`, the resamples :func:`bootstrap_ci` draws with the
    same ``seed``), so what the two share, such as which cases are hard, cancels in the
    difference instead of widening its interval. The metric is AUROC by default; any batched
    metric ``(y_2d, scores_2d) -> one value per row`` may be given.
    """
    y_true = np.ravel(y_true)
    subject = np.ravel(np.asarray(subject_scores, dtype=float))
    reference = np.ravel(np.asarray(reference_scores, dtype=float))
    if not subject.shape == reference.shape == y_true.shape:
        raise ValueError(f"{y_true.size} labels, {subject.size} and {reference.size} scores: "
                         "score both models on the same cases")
    pair = np.stack([subject, reference], axis=1)
    if not np.all(np.isfinite(pair)):
        raise ValueError("scores must be finite: pass only the cases both models scored")
    if not 0 < level < 1:
        raise ValueError(f"level must lie between 0 and 1 (got {level})")

    def difference(y_2d: np.ndarray, pair_3d: np.ndarray) -> dict[str, np.ndarray]:
        return {"difference": batched_metric(y_2d, pair_3d[..., 0])
                - batched_metric(y_2d, pair_3d[..., 1])}

    estimate = float(difference(y_true[None], pair[None])["difference"][0])
    indices = stratified_bootstrap_indices(y_true, n_resamples, seed)
    draws = batched_draws(difference, y_true, pair, indices)["difference"]
    if not (np.isfinite(estimate) and np.all(np.isfinite(draws))):
        raise ValueError("the metric is undefined on these cases or on some resample "
                         "(AUROC needs both classes)")
    tail = (1 - level) / 2
    low, high = np.quantile(draws, [tail, 1 - tail])
    return estimate, float(low), float(high)


def seed_mean_difference(
    y_true: np.ndarray,
    scores_a: Sequence[np.ndarray],
    scores_b: Sequence[np.ndarray],
    n_resamples: int = 2000,
    seed: int = 0,
    level: float = 0.95,
    batched_metric: Callable[[np.ndarray, np.ndarray], np.ndarray] = batched_auroc,
) -> tuple[float, float, float]:
    """``(estimate, low, high)``: the mean over seeds of a metric on side ``a`` minus its
    mean over seeds on side ``b``, with the percentile interval of that difference over a
    stratified bootstrap of the test cases in which every model of both sides is scored on
    the same resample.

    The seed-averaged twin of :func:`paired_bootstrap_difference`:
    both sides' means are the ones :func:`seed_mean_bootstrap` reports, on its resamples
    (same ``n_resamples`` and ``seed``), so the difference is paired over the cases and what
    the two sides share cancels in it, which two separate, overlapping intervals cannot
    show. ``scores_a`` and ``scores_b`` hold one flat score array per trained model (seed),
    one score per case of ``y_true``; the sides may have different numbers of seeds. The
    metric is AUROC by default; any batched metric ``(y_2d, scores_2d) -> one value per
    row`` may be given (e.g. :func:`medlib.metrics.multiclass.batched_accuracy`).
    """
    y_true = np.ravel(y_true)
    sides = []
    for name, scores in (("scores_a", scores_a), ("scores_b", scores_b)):
        runs = [np.ravel(np.asarray(s)) for s in scores]
        if not runs:
            raise ValueError(f"{name} is empty: pass one score array per trained seed")
        if any(s.shape != y_true.shape for s in runs):
            raise ValueError(f"every array of {name} needs one score per case of y_true")
        if not all(np.all(np.isfinite(s)) for s in runs):
            raise ValueError(f"{name} holds a score that is not finite")
        sides.append(runs)
    if not 0 < level < 1:
        raise ValueError(f"level must lie between 0 and 1 (got {level})")

    def twin(y_2d: np.ndarray, scores_2d: np.ndarray) -> dict[str, np.ndarray]:
        return {"metric": np.asarray(batched_metric(y_2d, scores_2d), dtype=float)}

    def difference(indices: np.ndarray) -> np.ndarray:
        a, b = ([batched_draws(twin, y_true, s, indices)["metric"] for s in runs]
                for runs in sides)
        return np.mean(a, axis=0) - np.mean(b, axis=0)

    estimate = float(difference(np.arange(y_true.size)[None, :])[0])
    draws = difference(stratified_bootstrap_indices(y_true, n_resamples, seed))
    if not (np.isfinite(estimate) and np.all(np.isfinite(draws))):
        raise ValueError("the metric is undefined on these cases or on some resample "
                         "(AUROC needs both classes)")
    tail = (1 - level) / 2
    low, high = np.quantile(draws, [tail, 1 - tail])
    return estimate, float(low), float(high)
