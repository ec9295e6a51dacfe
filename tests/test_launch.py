"""The torchrun command of the scaling chapter and of the DDP tests, and its failures.

The successful launches (two gloo ranks against one process, a killed run resumed) are in
``tests/test_distributed.py``; here, the command itself and what a failed launch reports.
"""

from __future__ import annotations

import sys

import pytest

from medlib.efficiency.launch import LaunchError, run_torchrun, torchrun_command


def test_the_command_is_torchrun_under_this_interpreter_with_the_trainer_flags():
    command = torchrun_command("runs/ddp", 2, global_batch=128, threads_per_process=1,
                               fail_at_step=3)
    assert command == [
        sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", "2",
        "-m", "medlib.efficiency.distributed", "--run-dir", "runs/ddp",
        "--global-batch", "128", "--threads-per-process", "1", "--fail-at-step", "3",
    ]


def test_the_command_names_the_chosen_interpreter_and_refuses_zero_processes():
    assert torchrun_command("r", 1, python="/opt/python")[0] == "/opt/python"
    with pytest.raises(ValueError, match="at least 1"):
        torchrun_command("r", 0)


def test_a_failed_launch_raises_with_the_end_of_the_workers_stderr(tmp_path):
    # the worker's argument parser refuses the value: a real failure inside torchrun's child
    with pytest.raises(LaunchError, match="(?s)exited with code.*--steps: invalid int value"):
        run_torchrun(tmp_path, 1, timeout=120, steps="many")


def test_the_quoted_stderr_is_only_its_tail(tmp_path):
    with pytest.raises(LaunchError) as failed:
        run_torchrun(tmp_path, 1, timeout=120, stderr_tail=40, steps="many")
    header, quoted = str(failed.value).split("\n", 1)
    assert "1 process(es)" in header and 0 < len(quoted) <= 40
