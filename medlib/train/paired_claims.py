"""Paired claims recorded as a chapter makes them: one call per comparison.

The labelling and pretraining chapters compare many pairs of trained arms on the same
test images (fine-tuned against scratch at each label share, GCE against cross-entropy
at each noise setting). Each comparison is a seed-mean paired difference
(:func:`medlib.train.beyond_report.paired_claim`) whose difference is recorded as a
metric and whose claim names it (:func:`medlib.train.beyond_report.recorded`);
:class:`PairedClaims` holds what the comparisons share (the test labels, the bootstrap,
the list the chapter writes to ``extras["claims"]``) so that each one is a single call.
Chapters: ``labelling``, ``pretraining``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from medlib.claims.verdicts import Claim
from medlib.train.beyond_report import paired_claim, recorded


class PairedClaims:
    """Makes, records and collects paired claims on one test set."""

    def __init__(self, claims: list[dict | Claim], add_metric: Callable[..., str],
                 y_true: np.ndarray, n_bootstrap: int, seed: int) -> None:
        self.claims = claims
        self.add_metric = add_metric
        self.y_true = y_true
        self.n_bootstrap = n_bootstrap
        self.seed = seed

    def __call__(self, subject: str, reference: str, scores_subject: Sequence[np.ndarray],
                 scores_reference: Sequence[np.ndarray], metric_name: str | tuple[str, ...],
                 **options: object) -> Claim:
        """``subject`` against ``reference`` (one score array per seed on each side): the
        claim, recorded with its metric ``metric_name`` and appended to ``claims``."""
        claim = paired_claim(subject, reference, self.y_true, scores_subject, scores_reference,
                             self.n_bootstrap, self.seed, **options)
        self.claims.append(recorded(claim, self.add_metric, metric_name))
        return self.claims[-1]
