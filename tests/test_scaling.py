"""The ring all-reduce cost model against its closed form and its limits."""

from __future__ import annotations

import pytest

from medlib.efficiency.scaling import NETWORKS, projected_speedup, ring_allreduce_seconds


def test_one_worker_communicates_nothing_and_scales_perfectly():
    assert ring_allreduce_seconds(1, 1e6, 1e-5, 1e-9) == 0
    assert projected_speedup(1, 0.1, 1e6, 1e-5, 1e-9) == 1


def test_ring_cost_matches_its_two_terms():
    # 4 workers, 1 MB, 10 us latency, 1 GB/s: 2*3*10us + 2*(3/4)*1e6*1e-9 s
    assert ring_allreduce_seconds(4, 1e6, 1e-5, 1e-9) == pytest.approx(6e-5 + 1.5e-3)


def test_bandwidth_term_saturates_and_speedup_stays_below_ideal():
    alpha, beta = NETWORKS["10 Gb/s Ethernet"]
    big = [ring_allreduce_seconds(p, 1e8, 0.0, beta) for p in (2, 64, 1024)]
    assert big[0] < big[1] < big[2] < 2 * 1e8 * beta
    for p in (2, 8, 64):
        assert 1 < projected_speedup(p, 1.0, 1e8, alpha, beta) < p
    # communication slower than computation: two workers are slower than one
    assert projected_speedup(2, 0.01, 1e8, alpha, beta) < 1


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="at least 1"):
        ring_allreduce_seconds(0, 1.0, 0.0, 0.0)
    with pytest.raises(ValueError, match="measure one step"):
        projected_speedup(2, 0.0, 1.0, 0.0, 0.0)
