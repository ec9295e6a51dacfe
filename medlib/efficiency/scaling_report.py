"""The facts and verdicts of the scaling chapter's conclusion (chapter ``scaling``).

The chapter measures three configurations on one machine (one process, two processes, one
process with two threads) and projects data parallelism beyond it with the ring all-reduce
model of :mod:`medlib.efficiency.scaling`. Its conclusion says three things in words: whether
processes or threads used the two cores better (only when the gap is beyond the noise of
single runs, :data:`~medlib.efficiency.scaling.SINGLE_RUN_NOISE`), whether the network limits
each projected model, and what the first cluster on the slowest network would buy. Those
words are decided here, from the tables the notebook shows, so that each branch is tested.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from medlib.efficiency import scaling

CNN_MODEL = "improved CNN"
RESNET_MODEL = "ResNet-50-sized"

#: Share of the ideal speed-up (the number of workers) above which the improved CNN's
#: projection says that the network does not limit it.
NEAR_IDEAL = 0.8
#: The ResNet-50-sized projection says the network sets the limit when its slowest network
#: reaches less than this share of its fastest network's speed-up.
NETWORK_BOUND = 0.5


def process_thread_verdict(processes_images_s: float, threads_images_s: float) -> str:
    """Which of two processes and two threads used the two cores better, or that one run
    of each cannot tell (a gap within :data:`~medlib.efficiency.scaling.SINGLE_RUN_NOISE`)."""
    if not scaling.beyond_noise(processes_images_s, threads_images_s):
        return ("within that noise, so this measurement cannot say whether processes or "
                "threads use two cores better")
    if processes_images_s > threads_images_s:
        return "beyond that noise: on this small machine, processes used the two cores better"
    return ("beyond that noise: on this small machine, threads used the two cores better, and "
            "data parallelism pays across machines, not inside a two-core one")


def cnn_network_verdict(slowest_speedup: float, max_workers: int) -> str:
    """What the network costs the improved CNN at ``max_workers`` workers, from its lowest
    projected speed-up over the networks (after "Its … kB of gradients")."""
    if slowest_speedup >= NEAR_IDEAL * max_workers:
        return ("cost little even on the slowest network, so the network is not what limits "
                "it: a faster interconnect would barely help")
    return "cost a visible share of each step on the slower networks"


def resnet_network_verdict(slowest_speedup: float, fastest_speedup: float) -> str:
    """Whether the network sets the limit for a ResNet-50-sized gradient, from its lowest
    and highest projected speed-ups over the networks at the largest cluster."""
    if slowest_speedup < NETWORK_BOUND * fastest_speedup:
        return "there the network sets the limit, which is why GPU clusters use 100 Gb/s fabrics"
    return "the network matters, but less than the compute per step"


def first_cluster_verdict(speedup: float) -> str:
    """What the smallest cluster on the slowest network buys over one worker."""
    if speedup < 1:
        return "slower than a single worker, because every step now waits for the all-reduce"
    return "a gain well short of the ideal"


def speedups_text(at_max: pd.DataFrame) -> str:
    """"64× on 1 Gb/s Ethernet, 64× on …": one model's speed-up on every network
    (``at_max`` indexed by network, with a ``speed-up`` column)."""
    return ", ".join(f"{row['speed-up']:.0f}× on {network}" for network, row in at_max.iterrows())


def measured_facts(measured: pd.DataFrame, steps: int, global_batch: int) -> dict[str, str]:
    """The measured section's facts: throughput and speed-up of two processes and of two
    threads, the all-reduce share, and the verdict on processes against threads."""
    by_config = measured.set_index(["processes", "threads per process"])
    two, threads = by_config.loc[(2, 1)], by_config.loc[(1, 2)]
    facts = {"steps": f"{steps}", "per_rank": f"{global_batch // 2}",
             "global_batch": f"{global_batch}"}
    for name, config in (("two", two), ("threads", threads)):
        facts[f"{name}_images_s"] = f"{config['images / s']:,.0f}"
        facts[f"{name}_speedup"] = f"{config['speed-up vs 1 x 1']:.2f}"
    gap = scaling.relative_gap(two["images / s"], threads["images / s"])
    facts.update({
        "two_efficiency": f"{two['scaling efficiency']:.0%}",
        "two_allreduce_share": f"{two['all-reduce share']:.0%}",
        "single_run_noise": f"{scaling.SINGLE_RUN_NOISE:.0%}",
        "process_thread_gap": f"{abs(gap):.1%}",
        "process_thread_verdict": process_thread_verdict(two["images / s"],
                                                         threads["images / s"]),
    })
    return facts


def projection_facts(projection: pd.DataFrame, workers: Sequence[int],
                     gradient_bytes: float) -> dict[str, str]:
    """The projected section's facts: each model's speed-ups at the largest cluster with
    the network verdicts, and the smallest cluster on the slowest network."""
    at_max = projection[projection["workers"] == workers[-1]].set_index(["model", "network"])
    cnn, resnet = at_max.xs(CNN_MODEL), at_max.xs(RESNET_MODEL)
    slowest = next(iter(scaling.NETWORKS))
    first = projection[(projection["model"] == RESNET_MODEL) & (projection["network"] == slowest)
                       & (projection["workers"] == workers[1])].iloc[0]
    return {
        "max_workers": f"{workers[-1]}",
        "gradient_kb": f"{gradient_bytes / 1e3:,.0f}",
        "cnn_speedups": speedups_text(cnn),
        "resnet_speedups": speedups_text(resnet),
        "cnn_network_verdict": cnn_network_verdict(cnn["speed-up"].min(), workers[-1]),
        "resnet_network_verdict": resnet_network_verdict(resnet["speed-up"].min(),
                                                         resnet["speed-up"].max()),
        "slowest_network": slowest,
        "resnet_first_workers": f"{workers[1]}",
        "resnet_first_speedup": f"{first['speed-up']:.2f}",
        "resnet_first_verdict": first_cluster_verdict(first["speed-up"]),
    }


def page_facts(measured: pd.DataFrame, projection: pd.DataFrame, workers: Sequence[int],
               gradient_bytes: float, steps: int, global_batch: int) -> dict[str, str]:
    """Every text the chapter's Markdown glues, by glue key."""
    return {**measured_facts(measured, steps, global_batch),
            **projection_facts(projection, workers, gradient_bytes)}
