"""medlib.efficiency.scaling_report: every verdict of the scaling chapter's conclusion, each
branch on small tables, and the facts the page glues."""

import pandas as pd
import pytest

from medlib.efficiency import scaling
from medlib.efficiency import scaling_report as report


def test_process_thread_verdict_within_noise_and_either_way_beyond_it():
    assert report.process_thread_verdict(105, 100).startswith("within that noise")
    assert report.process_thread_verdict(100, 105).startswith("within that noise")
    assert report.process_thread_verdict(120, 100).endswith("processes used the two cores better")
    beyond_for_threads = report.process_thread_verdict(100, 120)
    assert "threads used the two cores better" in beyond_for_threads
    assert beyond_for_threads.endswith("not inside a two-core one")


def test_cnn_network_verdict_at_and_below_the_near_ideal_share():
    assert report.cnn_network_verdict(0.8 * 64, 64).startswith("cost little even on the slowest")
    assert report.cnn_network_verdict(0.79 * 64, 64) == (
        "cost a visible share of each step on the slower networks")


def test_resnet_network_verdict_when_the_network_does_and_does_not_set_the_limit():
    assert report.resnet_network_verdict(10, 30).startswith("there the network sets the limit")
    assert report.resnet_network_verdict(15, 30) == (
        "the network matters, but less than the compute per step")


def test_first_cluster_verdict_below_and_above_one_worker():
    assert report.first_cluster_verdict(0.9).startswith("slower than a single worker")
    assert report.first_cluster_verdict(1.0) == "a gain well short of the ideal"


def measured_table(two_images_s: float, threads_images_s: float) -> pd.DataFrame:
    unit = {"images_per_second": 100.0, "seconds_per_step": 1.28,
            "allreduce_seconds_per_step": 0.0, "broadcast_seconds_per_step": 0.0,
            "final_loss": 0.5}
    return scaling.throughput_table({
        (1, 1): unit,
        (2, 1): {**unit, "images_per_second": two_images_s, "seconds_per_step": 0.8,
                 "allreduce_seconds_per_step": 0.2},
        (1, 2): {**unit, "images_per_second": threads_images_s}})


def test_measured_facts_format_the_two_configurations_and_their_gap():
    facts = report.measured_facts(measured_table(160.0, 150.0), steps=4, global_batch=128)
    assert facts == {
        "steps": "4", "per_rank": "64", "global_batch": "128",
        "two_images_s": "160", "two_speedup": "1.60",
        "threads_images_s": "150", "threads_speedup": "1.50",
        "two_efficiency": "80%", "two_allreduce_share": "25%",
        "single_run_noise": "10%", "process_thread_gap": "6.7%",
        "process_thread_verdict": report.process_thread_verdict(160.0, 150.0)}


def test_projection_facts_read_the_largest_and_the_first_cluster():
    workers = scaling.worker_counts(8)
    projection = scaling.projection_table(
        workers, {report.CNN_MODEL: 4e5, report.RESNET_MODEL: 25.6e6 * 4}, 0.1)
    facts = report.projection_facts(projection, workers, 4e5)
    slowest = next(iter(scaling.NETWORKS))
    assert facts["max_workers"] == "8" and facts["resnet_first_workers"] == "2"
    assert facts["gradient_kb"] == "400" and facts["slowest_network"] == slowest
    assert facts["cnn_speedups"] == ", ".join(f"8× on {n}" for n in scaling.NETWORKS)
    first = scaling.projected_speedup(2, 0.1, 25.6e6 * 4, *scaling.NETWORKS[slowest])
    assert facts["resnet_first_speedup"] == f"{first:.2f}"
    assert facts["resnet_first_verdict"] == report.first_cluster_verdict(first)
    assert facts["cnn_network_verdict"].startswith("cost little")
    assert facts["resnet_network_verdict"].startswith("there the network sets the limit")


def test_page_facts_are_both_sections_together():
    workers = scaling.worker_counts(4)
    projection = scaling.projection_table(
        workers, {report.CNN_MODEL: 4e5, report.RESNET_MODEL: 1e8}, 0.1)
    facts = report.page_facts(measured_table(120.0, 100.0), projection, workers, 4e5,
                              steps=2, global_batch=64)
    assert facts["per_rank"] == "32" and facts["max_workers"] == "4"
    assert all(isinstance(v, str) and k.isidentifier() for k, v in facts.items())
    with pytest.raises(KeyError):
        report.projection_facts(projection[projection["model"] == report.CNN_MODEL], workers, 1)
