"""Discrete-time survival: targets, the likelihood, and survival curves from hazards.

Every deep progression model of the book predicts, for each of J intervals after the
landmark, the hazard h_j = P(death in interval j | alive at its start). The negative log
likelihood of a person followed into interval j(i) is

    -sum_{j < j(i)} log(1 - h_j)  -  [event] log h_{j(i)}  -  [censored] log(1 - h_{j(i)}),

a masked binary cross-entropy over intervals (Gensheimer & Narasimhan, 2019). It handles
censoring exactly, needs no proportional-hazards assumption, and yields a full survival
curve, which the time-dependent metrics and the calibration check need. (A person censored
inside an interval is counted as surviving it, the usual convention.) Chapter: ``progression``.
"""

from __future__ import annotations

import numpy as np


def interval_edges(horizon_years: float, n_intervals: int) -> np.ndarray:
    """``n_intervals + 1`` equally spaced edges from 0 to ``horizon_years``."""
    return np.linspace(0.0, horizon_years, n_intervals + 1)


def discrete_targets(time: np.ndarray, event: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """``(n, 2J)`` array: event indicators per interval, then at-risk weights per interval.

    Interval j is ``[edges[j], edges[j+1])``; follow-up beyond the last edge counts as
    surviving every interval.
    """
    time, event = np.asarray(time, float), np.asarray(event, bool)
    starts, ends = edges[:-1], edges[1:]
    at_risk = (time[:, None] >= starts[None, :]).astype(np.float32)
    in_interval = (time[:, None] >= starts[None, :]) & (time[:, None] < ends[None, :])
    events = (in_interval & event[:, None]).astype(np.float32)
    return np.concatenate([events, at_risk], axis=1)


def nll_numpy(logits: np.ndarray, targets: np.ndarray) -> float:
    """Mean negative log likelihood per person (the reference the framework losses are
    tested against)."""
    j = logits.shape[1]
    events, at_risk = targets[:, :j], targets[:, j:]
    log_h = -np.logaddexp(0, -logits)
    log_1mh = -np.logaddexp(0, logits)
    return float(np.mean(-np.sum(at_risk * (events * log_h + (1 - events) * log_1mh), axis=1)))


def torch_nll(logits, targets):
    """The likelihood for torch models, mean over people."""
    from torch.nn import functional

    j = logits.shape[-1]
    events, at_risk = targets[:, :j], targets[:, j:]
    return (
        functional.binary_cross_entropy_with_logits(
            logits, events, weight=at_risk, reduction="none"
        ).sum(-1)
    ).mean()


def survival_curve(hazards: np.ndarray) -> np.ndarray:
    """S at each interval's end: cumulative products of (1 - h)."""
    return np.cumprod(1.0 - np.asarray(hazards), axis=1)


def survival_at(times: np.ndarray, edges: np.ndarray, survival: np.ndarray) -> np.ndarray:
    """Step-function survival at arbitrary ``times`` (``(n, len(times))``): S(t) is the
    survival at the end of the last interval completed by t (1 before the first ends)."""
    completed = np.searchsorted(edges[1:], np.asarray(times), side="right")
    padded = np.concatenate([np.ones((survival.shape[0], 1)), survival], axis=1)
    return padded[:, completed]
