"""Which smaller variants of a model are worth shipping (chapter ``efficiency``).

A compressed variant is judged against the model it came from on two axes at once: how
many times smaller it is on disk, and how much test AUROC it gave up. The chapter's target
is a variant at least four times smaller whose AUROC is within 0.005 of the original; the
smallest such variant is its headline.
"""

from __future__ import annotations

import pandas as pd

SIZE, SCORE = "size (kB)", "test AUROC"


def against_baseline(table: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """``table`` (one row per variant, with ``size (kB)`` and ``test AUROC``) with two
    columns added: ``smaller by`` (the baseline's size over the variant's) and ``Δ AUROC``
    (the variant's test AUROC minus the baseline's)."""
    out = table.copy()
    base = table.loc[baseline]
    out["smaller by"] = base[SIZE] / out[SIZE]
    out["Δ AUROC"] = out[SCORE] - base[SCORE]
    return out


def meeting_target(
    table: pd.DataFrame, min_factor: float = 4.0, max_auroc_drop: float = 0.005
) -> pd.DataFrame:
    """The rows of :func:`against_baseline`'s table at least ``min_factor`` times smaller
    whose AUROC is at most ``max_auroc_drop`` below the baseline's (bounds included)."""
    return table[(table["smaller by"] >= min_factor) & (table["Δ AUROC"] >= -max_auroc_drop)]


def headline_variant(meets: pd.DataFrame, fallback: str) -> str:
    """The smallest variant of ``meets`` (:func:`meeting_target`), or ``fallback`` when
    none meets the target."""
    return str(meets[SIZE].idxmin()) if len(meets) else fallback
