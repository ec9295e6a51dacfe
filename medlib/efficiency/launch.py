"""Launching the data-parallel trainer with torchrun, from Python (chapter ``scaling``).

The chapter times the trainer of :mod:`medlib.efficiency.distributed` in several
configurations, and ``tests/test_distributed.py`` launches it to check DDP against one
process and to kill and resume a run. Both start it exactly as a reader would from a shell,
``torchrun --standalone --nproc-per-node N -m medlib.efficiency.distributed ...``, spelled
``python -m torch.distributed.run`` so that it runs under the current interpreter.
:func:`torchrun_command` builds that command once for both; :func:`run_torchrun` runs it and,
when it fails, raises :class:`LaunchError` with the end of what the processes wrote to
stderr (a traceback in a worker is otherwise lost in a subprocess).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from medlib.efficiency.distributed import SUMMARY

#: The module torchrun starts in every process.
TRAINER = "medlib.efficiency.distributed"


class LaunchError(RuntimeError):
    """torchrun exited with an error; the message ends with the tail of its stderr."""


def torchrun_command(
    run_dir: str | Path, processes: int, python: str = sys.executable, **options: object
) -> list[str]:
    """The command that starts ``processes`` ranks of the trainer on this machine, writing to
    ``run_dir``; each keyword of ``options`` becomes a trainer flag (``global_batch=128`` ->
    ``--global-batch 128``), in the order given."""
    if processes < 1:
        raise ValueError(f"processes must be at least 1, got {processes}")
    command = [python, "-m", "torch.distributed.run", "--standalone",
               "--nproc-per-node", str(processes), "-m", TRAINER, "--run-dir", str(run_dir)]
    for name, value in options.items():
        command += [f"--{name.replace('_', '-')}", str(value)]
    return command


def run_torchrun(
    run_dir: str | Path,
    processes: int,
    threads_per_process: int = 1,
    timeout: float | None = None,
    stderr_tail: int = 3000,
    **options: object,
) -> dict:
    """Run the trainer with ``processes`` ranks of ``threads_per_process`` threads each
    (``OMP_NUM_THREADS`` and ``--threads-per-process``) and return rank 0's summary.

    Raises :class:`LaunchError`, quoting the last ``stderr_tail`` characters of stderr, when
    torchrun fails (a rank raised or was killed), and ``subprocess.TimeoutExpired`` after
    ``timeout`` seconds.
    """
    command = torchrun_command(run_dir, processes, threads_per_process=threads_per_process,
                               **options)
    env = {**os.environ, "OMP_NUM_THREADS": str(threads_per_process)}
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout)
    if done.returncode:
        raise LaunchError(
            f"torchrun with {processes} process(es) exited with code {done.returncode}; "
            f"the end of its stderr:\n{done.stderr[-stderr_tail:]}"
        )
    return json.loads((Path(run_dir) / SUMMARY).read_text())
