"""Active learning against random sampling, from the same start (chapter ``labelling``).

Both strategies start from the same small labelled set and the same first model; every
round enlarges the labelled set to the next size and trains a fresh model on it. *Random*
draws the new images uniformly from the unlabelled pool; *uncertainty* sends the
radiologist the images on which the current model is least sure (highest predictive
entropy, :func:`medlib.trust.labels.most_uncertain`; Settles, 2009). The chapter then asks
how many labels each strategy needed to reach a share of the full-data AUROC
(:func:`labels_needed_summary`), interpolated on each seed's curve.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

import numpy as np
import pandas as pd

from medlib.trust.labels import labels_needed, most_uncertain

STRATEGIES = ("random", "uncertainty")
Model = TypeVar("Model")


def acquisition_rounds(
    strategy: str,
    start: np.ndarray,
    first_model: Model,
    sizes: Sequence[int],
    labels: np.ndarray,
    seed: int,
    train: Callable[[np.ndarray, np.ndarray, int], Model],
    pool_probabilities: Callable[[Model, np.ndarray], np.ndarray],
) -> Iterator[tuple[np.ndarray, Model]]:
    """Yield ``(labelled, model)`` once per entry of ``sizes``: the sorted indices of the
    labelled cases and the model trained on them.

    The first round whose size ``start`` already reaches yields ``start`` and
    ``first_model`` unchanged; every later round adds ``size - len(labelled)`` cases of the
    pool (all cases of ``labels`` not yet labelled), chosen by ``strategy`` ("random":
    uniformly, by a generator seeded with ``seed``; "uncertainty": highest entropy of
    ``pool_probabilities(model, pool)``), and trains a new model with ``train(labelled,
    labels[labelled], seed)``.
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {', '.join(STRATEGIES)}, got {strategy!r}")
    labelled, model = np.sort(np.asarray(start)), first_model
    rng = np.random.default_rng(seed)
    for size in sizes:
        if len(labelled) < size:
            pool = np.setdiff1d(np.arange(len(labels)), labelled)
            k = size - len(labelled)
            if strategy == "random":
                new = rng.choice(pool, k, replace=False)
            else:
                new = most_uncertain(pool_probabilities(model, pool), pool, k)
            labelled = np.sort(np.r_[labelled, new])
            model = train(labelled, labels[labelled], seed)
        yield labelled, model


def labels_needed_summary(
    curves: pd.DataFrame, targets: Sequence[float], reference: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """How many labels each strategy needed to reach each share of ``reference`` (the
    full-data AUROC).

    ``curves`` has one row per seed, strategy and round, with columns ``seed``,
    ``strategy``, ``labels`` and ``auroc``. Returns ``needed``, one row per target, strategy
    and seed (``target`` named like "95% of full", ``labels needed`` NaN where the seed's
    curve never reached it), and ``summary``, indexed by target and strategy: the mean over
    the seeds that reached the target, their range over seeds (``min``, ``max``), how many
    seeds reached it (``seeds reaching it``) out of ``seeds``, and, where both strategies
    reached it on a seed, on how many of those seeds (``both reached``) this strategy
    needed fewer labels than the other (``fewer than the other``).
    """
    needed = pd.DataFrame([
        {"target": f"{share:.0%} of full", "strategy": strategy, "seed": seed,
         "labels needed": labels_needed(group["labels"].to_numpy(), group["auroc"].to_numpy(),
                                        share * reference)}
        for share in targets
        for (strategy, seed), group in curves.groupby(["strategy", "seed"])
    ])
    summary = needed.groupby(["target", "strategy"])["labels needed"].agg(
        ["mean", "min", "max", "count", "size"])
    summary.columns = ["mean", "min", "max", "seeds reaching it", "seeds"]
    wide = needed.pivot(index=["target", "seed"], columns="strategy", values="labels needed")
    both = wide.notna().all(axis=1).groupby(level="target").sum()
    for strategy in wide.columns:
        fewer = wide[strategy].lt(wide.drop(columns=strategy).min(axis=1))
        counts = fewer.groupby(level="target").sum()
        for target in both.index:
            summary.loc[(target, strategy), "both reached"] = both[target]
            summary.loc[(target, strategy), "fewer than the other"] = counts[target]
    return needed, summary.astype({"seeds reaching it": int, "seeds": int, "both reached": int,
                                   "fewer than the other": int})


def labels_needed_view(summary: pd.DataFrame) -> pd.DataFrame:
    """The :func:`labels_needed_summary` table as a reader sees it, each spread under a
    header that says what it is ("—" where no seed reached the target)."""

    def span(low: float, high: float) -> str:
        return f"{low:.0f}–{high:.0f}" if np.isfinite(low) else "—"

    return pd.DataFrame(
        {
            "labels needed, mean over seeds that reached it": summary["mean"].round(0),
            "range over seeds (min–max)": [
                span(lo, hi) for lo, hi in zip(summary["min"], summary["max"], strict=True)
            ],
            "seeds reaching it": [
                f"{k} of {n}" for k, n in zip(summary["seeds reaching it"], summary["seeds"],
                                              strict=True)
            ],
            "fewer labels than the other strategy": [
                f"on {k} of the {n} seeds where both reached it"
                for k, n in zip(summary["fewer than the other"], summary["both reached"],
                                strict=True)
            ],
        },
        index=summary.index,
    )
