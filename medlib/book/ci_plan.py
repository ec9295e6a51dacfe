"""Which chapters CI re-executes: the unverified ones, and a sample of the rest.

A chapter whose current stamp has no passing verification record must be re-executed and
compared (it changed, or nobody has checked it since). The others were checked at their
stamp; re-executing a sample of them on every CI run, chosen from the commit hash, keeps
checking that they still reproduce on CI's machine, and over successive commits reaches
every chapter. The sample fills a fixed time slice, measured by the chapters' published
runtimes; its first chapter is always taken, however long, so that no chapter is too long
to ever be sampled.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Plan:
    """The chapters to re-execute: ``unverified`` (required) and ``sample`` (rotating)."""

    unverified: list[str]
    sample: list[str]

    @property
    def chapters(self) -> list[str]:
        return [*self.unverified, *self.sample]


def sample_start(commit: str, count: int) -> int:
    """Where in the chapter list the commit's sample starts (a hash, so that successive
    commits start at unrelated places)."""
    return int(hashlib.sha256(commit.encode()).hexdigest(), 16) % count


def plan_reexecution(
    chapters: list[str], verified: set[str], runtimes: dict[str, float], commit: str,
    slice_s: float,
) -> Plan:
    """Chapters of ``chapters`` (in their order) not in ``verified`` must run; from the
    verified ones, starting at the commit's place and going round, the first always joins
    the sample and each next one while the sample's runtime stays within ``slice_s``."""
    unverified = [c for c in chapters if c not in verified]
    pool = sorted(c for c in chapters if c in verified)
    sample: list[str] = []
    if pool:
        start, used = sample_start(commit, len(pool)), 0.0
        for offset in range(len(pool)):
            name = pool[(start + offset) % len(pool)]
            cost = runtimes.get(name, 0.0)
            if sample and used + cost > slice_s:
                break
            sample.append(name)
            used += cost
    return Plan(unverified, [c for c in chapters if c in sample])
