"""The ring all-reduce cost model against its closed form and its limits, and the chapter's
tables of measured and projected throughput."""

from __future__ import annotations

import numpy as np
import pytest

from medlib.efficiency.scaling import (
    NETWORKS,
    SINGLE_RUN_NOISE,
    beyond_noise,
    projected_speedup,
    projection_table,
    relative_gap,
    ring_allreduce_seconds,
    throughput_table,
    worker_counts,
)


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


def test_worker_counts_are_one_and_the_powers_of_two_up_to_the_largest():
    assert worker_counts(64).tolist() == [1, 2, 4, 8, 16, 32, 64]
    assert worker_counts(48).tolist() == [1, 2, 4, 8, 16, 32]
    assert worker_counts(1).tolist() == [1]
    with pytest.raises(ValueError, match="at least 1"):
        worker_counts(0)


def _summary(images_per_second, seconds_per_step, allreduce):
    return {"images_per_second": images_per_second, "seconds_per_step": seconds_per_step,
            "allreduce_seconds_per_step": allreduce, "broadcast_seconds_per_step": 0.001,
            "final_loss": 0.5}


def test_throughput_table_scales_against_the_first_configuration_per_core():
    table = throughput_table({(1, 1): _summary(800.0, 0.16, 0.0),
                              (2, 1): _summary(1200.0, 0.2, 0.05),
                              (1, 2): _summary(1000.0, 0.13, 0.0)})
    assert table["cores"].tolist() == [1, 2, 2]
    # 1200 / 800 = 1.5 times one core, on two cores: 75% efficiency
    assert table["speed-up vs 1 x 1"].tolist() == pytest.approx([1.0, 1.5, 1.25])
    assert table["scaling efficiency"].tolist() == pytest.approx([1.0, 0.75, 0.625])
    assert table["all-reduce share"].tolist() == pytest.approx([0.0, 0.25, 0.0])


def test_projection_table_has_every_model_network_and_size_with_the_formulas_values():
    workers = worker_counts(8)
    table = projection_table(workers, {"small": 1e5, "large": 1e8}, 0.1)
    assert len(table) == 2 * len(NETWORKS) * len(workers)
    row = table[(table["model"] == "large") & (table["network"] == "10 Gb/s Ethernet")
                & (table["workers"] == 4)].iloc[0]
    alpha, beta = NETWORKS["10 Gb/s Ethernet"]
    # 6 latencies and 1.5 gradients over the link: 1.2e-4 s + 0.12 s
    assert row["all-reduce (ms)"] == pytest.approx(1e3 * (6 * alpha + 1.5 * 1e8 * beta))
    assert row["speed-up"] == pytest.approx(4 * 0.1 / (0.1 + 6 * alpha + 1.5 * 1e8 * beta))
    assert np.all(table.loc[table["workers"] == 1, "speed-up"] == 1)


def test_single_runs_call_a_configuration_faster_only_beyond_the_noise():
    assert relative_gap(1100.0, 1000.0) == pytest.approx(0.1)
    assert relative_gap(900.0, 1000.0) == pytest.approx(-0.1)
    # the two published runs of the chapter: two processes against two threads
    assert not beyond_noise(2392.5, 2374.0) and not beyond_noise(1548.7, 1434.4)
    assert beyond_noise(1300.0, 1000.0) and beyond_noise(1000.0, 1300.0)
    assert beyond_noise(1080.0, 1000.0, noise=0.05) and SINGLE_RUN_NOISE == 0.10
    with pytest.raises(ValueError, match="positive"):
        relative_gap(1.0, 0.0)
