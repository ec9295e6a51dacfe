"""Where a model's inference time goes, operator by operator (chapter ``efficiency``).

A latency number says how slow a model is, not why. torch's profiler records the CPU time
each operator spends in its own code ("self" time, excluding the operators it calls); the
operators with the largest share show whether convolutions dominate (then narrower
channels and int8 arithmetic move latency) or per-operator overheads do (then batching
moves throughput more than a smaller model does).
"""

from __future__ import annotations

import pandas as pd
import torch
from torch.profiler import ProfilerActivity, profile


def operator_shares(events: list, n: int = 6) -> pd.DataFrame:
    """The ``n`` profiler ``events`` (``key_averages()``) with the most self CPU time:
    ``operator``, ``calls`` and ``share of time`` (of all events' self time), largest first.
    """
    ranked = sorted(events, key=lambda e: e.self_cpu_time_total, reverse=True)
    total = sum(e.self_cpu_time_total for e in ranked)
    return pd.DataFrame(
        [
            {"operator": e.key, "calls": e.count, "share of time": e.self_cpu_time_total / total}
            for e in ranked[:n]
        ],
        columns=["operator", "calls", "share of time"],
    )


def top_operators(model: torch.nn.Module, batch: torch.Tensor, n: int = 6) -> pd.DataFrame:
    """Profile one forward pass of ``batch`` on the CPU, after one unprofiled warm-up pass,
    in inference mode, and return :func:`operator_shares` of its ``n`` costliest operators.
    """
    with torch.no_grad():
        model(batch)
        with profile(activities=[ProfilerActivity.CPU]) as prof:
            model(batch)
    return operator_shares(list(prof.key_averages()), n)
