"""The alpha-beta cost of a ring all-reduce, and the data-parallel speed-up it implies
(chapter ``scaling``).

A ring all-reduce of ``n`` bytes over ``p`` workers is a reduce-scatter and an all-gather,
each ``p - 1`` rounds in which every worker sends ``n / p`` bytes to its neighbour, so it
costs ``2 (p - 1) alpha + 2 (p - 1) / p * n * beta`` (Thakur et al., 2005; Patarasuk &
Yuan, 2009): the bandwidth term barely grows with ``p``, the latency term does. The
speed-up model charges this time on top of each worker's computation (no overlap), which
is what a step costs when backward cannot hide communication.
"""

from __future__ import annotations

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
