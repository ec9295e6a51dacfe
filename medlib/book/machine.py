"""The machine and environment a chapter ran on, for its run record.

Every chapter's results carry the record of the run that published it (``run`` in its
results file): platform (which names the machine type, e.g. ``...-fc-v595-...``), CPU,
Python and package versions. The book's rule is that every chapter is published on the
same machine type and environment (:func:`environment_key`), each with its own record, so
that a page's timings come from its own run and numbers compare like with like.
"""

from __future__ import annotations

import os
import platform
from importlib import metadata
from pathlib import Path

VERSIONED_PACKAGES = (
    "numpy", "pandas", "scikit-learn", "scikit-survival", "tensorflow-cpu", "keras", "torch",
    "seaborn", "papermill", "medlib",
)


def cpu_model() -> str:
    """The CPU's model name (Linux), else what ``platform`` knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def environment_versions() -> dict[str, str]:
    """Python, platform, CPU and package versions."""
    versions = {"python": platform.python_version(), "platform": platform.platform(terse=True),
                "machine": platform.machine(), "cpu_model": cpu_model(),
                "cpu_count": str(os.cpu_count())}
    for package in VERSIONED_PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    return versions


def environment_key(versions: dict[str, str]) -> dict[str, str]:
    """What must be equal for two runs to count as the same machine type and environment:
    everything recorded (platform with the machine type, CPU model and count, Python,
    package versions)."""
    return dict(sorted(versions.items()))
