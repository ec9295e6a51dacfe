"""The alpha-beta cost of a ring all-reduce, and the data-parallel speed-up it implies
(chapter ``scaling``).

A ring all-reduce of ``n`` bytes over ``p`` workers is a reduce-scatter and an all-gather,
each ``p - 1`` rounds in which every worker sends ``n / p`` bytes to its neighbour, so it
costs ``2 (p - 1) alpha + 2 (p - 1) / p * n * beta`` (Thakur et al., 2005; Patarasuk &
Yuan, 2009): the bandwidth term barely grows with ``p``, the latency term does. The
speed-up model charges this time on top of each worker's computation (no overlap), which
is what a step costs when backward cannot hide communication.

The tables of the chapter are built here too: the measured throughputs of its configurations
(:func:`throughput_table`), the projection over cluster sizes (:func:`projection_table`), and
the rule by which one run per configuration calls one faster than another
(:func:`beyond_noise`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

#: Latency alpha (s) and inverse bandwidth beta (s/byte) of three stated networks: typical
#: figures for MPI-level messages, assumptions of the projection rather than measurements.
NETWORKS: dict[str, tuple[float, float]] = {
    "1 Gb/s Ethernet": (50e-6, 1 / 0.125e9),
    "10 Gb/s Ethernet": (20e-6, 1 / 1.25e9),
    "100 Gb/s InfiniBand": (2e-6, 1 / 12.5e9),
}


def ring_allreduce_seconds(workers: int, n_bytes: float, alpha: float, beta: float) -> float:
    """Time of one ring all-reduce of ``n_bytes`` over ``workers`` (0 for one worker)."""
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    p = workers
    return 2 * (p - 1) * alpha + 2 * (p - 1) / p * n_bytes * beta


def projected_speedup(
    workers: int, compute_seconds: float, n_bytes: float, alpha: float, beta: float
) -> float:
    """Throughput of ``workers`` data-parallel workers relative to one, each computing for
    ``compute_seconds`` per step and then all-reducing ``n_bytes`` (weak scaling)."""
    if compute_seconds <= 0:
        raise ValueError("compute_seconds must be positive: measure one step first")
    step = compute_seconds + ring_allreduce_seconds(workers, n_bytes, alpha, beta)
    return workers * compute_seconds / step


def worker_counts(max_workers: int) -> np.ndarray:
    """1 and the powers of two up to ``max_workers``: the cluster sizes the chapter projects."""
    if max_workers < 1:
        raise ValueError(f"max_workers must be at least 1, got {max_workers}")
    return np.unique(np.r_[1, 2 ** np.arange(1, int(np.log2(max_workers)) + 1)])


def throughput_table(summaries: Mapping[tuple[int, int], Mapping[str, float]]) -> pd.DataFrame:
    """One row per measured configuration, from the trainer's run summaries keyed by
    (processes, threads per process); the first configuration is the unit of scaling.

    ``speed-up vs 1 x 1`` is throughput over the first row's, ``scaling efficiency`` that
    speed-up per core used (1: every core as productive as the single one), ``all-reduce
    share`` the profiled all-reduce span over the profiled step (an upper bound on what
    communication costs, since DDP overlaps it with backward).
    """
    table = pd.DataFrame([
        {"processes": p, "threads per process": t, "cores": p * t,
         "images / s": run["images_per_second"],
         "seconds / step": run["seconds_per_step"],
         "all-reduce seconds / step": run["allreduce_seconds_per_step"],
         "buffer broadcast seconds / step": run["broadcast_seconds_per_step"],
         "final loss": run["final_loss"]}
        for (p, t), run in summaries.items()])
    table["all-reduce share"] = table["all-reduce seconds / step"] / table["seconds / step"]
    table["speed-up vs 1 x 1"] = table["images / s"] / table.iloc[0]["images / s"]
    table["scaling efficiency"] = table["speed-up vs 1 x 1"] / table["cores"]
    return table


def projection_table(
    workers: Sequence[int],
    gradient_bytes: Mapping[str, float],
    compute_seconds: float,
    networks: Mapping[str, tuple[float, float]] = NETWORKS,
) -> pd.DataFrame:
    """Projected all-reduce time (ms) and speed-up of every model (name: bytes of gradients)
    on every network (name: alpha, beta) for every number of workers, each worker computing
    for ``compute_seconds`` per step (:func:`projected_speedup`)."""
    rows = []
    for model_name, n_bytes in gradient_bytes.items():
        for network, (alpha, beta) in networks.items():
            for p in workers:
                rows.append({
                    "model": model_name, "network": network, "workers": int(p),
                    "all-reduce (ms)": 1e3 * ring_allreduce_seconds(p, n_bytes, alpha, beta),
                    "speed-up": projected_speedup(p, compute_seconds, n_bytes, alpha, beta)})
    return pd.DataFrame(rows)


#: How far apart two throughputs measured in single runs must be before the chapter calls
#: one configuration faster. Two book-profile runs of chapter ``scaling`` (commits b39bfe7
#: and e6b9ff6, both on two-core machines) put two processes at 1.008 and 1.080 times the
#: throughput of one process with two threads: the ratio itself moved by 7% from one run to
#: the next. 10% is that, rounded up; one run per configuration cannot resolve less.
SINGLE_RUN_NOISE = 0.10


def relative_gap(a: float, b: float) -> float:
    """How much faster ``a`` is than ``b``, as a share of ``b`` (negative when slower)."""
    if b <= 0:
        raise ValueError(f"the reference throughput must be positive, got {b}")
    return a / b - 1


def beyond_noise(a: float, b: float, noise: float = SINGLE_RUN_NOISE) -> bool:
    """Whether throughputs ``a`` and ``b``, one run each, differ by more than ``noise``
    (relative to the slower one), in either direction."""
    return abs(relative_gap(max(a, b), min(a, b))) > noise
