"""Data-parallel training: shards, equivalence with one process, and resuming after a kill.

The DDP tests start two real gloo processes with torchrun on a crafted PneumoniaMNIST-like
file, as a user would launch them (through :func:`medlib.efficiency.launch.run_torchrun`, as
chapter ``scaling`` does).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from medlib.efficiency.distributed import (
    CHECKPOINT,
    LOSSES,
    SUMMARY,
    RunConfig,
    batch_rows,
    check_resumable,
    load_resume_state,
    main,
    reference_steps,
    shard_indices,
)
from medlib.efficiency.launch import LaunchError, run_torchrun

from conftest import list_in_manifest, write_medmnist_like

STEPS, GLOBAL_BATCH, CHECKPOINT_EVERY = 6, 32, 2


def test_ranks_read_disjoint_equal_shards_that_change_with_the_epoch():
    shards = [shard_indices(103, 2, rank, epoch=0, seed=1) for rank in (0, 1)]
    assert len(shards[0]) == len(shards[1]) == 51
    assert not set(shards[0]) & set(shards[1])
    assert not np.array_equal(shard_indices(103, 2, 0, epoch=1, seed=1), shards[0])


def test_a_batch_larger_than_a_shard_is_refused_with_the_fix():
    with pytest.raises(ValueError, match="lower --global-batch"):
        batch_rows(10, 2, 0, step=0, per_rank=8, seed=0)


def test_resuming_with_other_settings_is_refused():
    state = {"config": {**vars(RunConfig()), "steps": 5}}
    with pytest.raises(ValueError, match="other settings"):
        check_resumable(state, RunConfig(), Path("run/checkpoint.pt"))


class _Payload:
    """Any Python object: unpickling it from a run folder could run code."""


def test_a_resume_state_carrying_a_pickled_object_is_refused(tmp_path):
    plain = {"config": vars(RunConfig()), "step": 2, "losses": [0.7, 0.6],
             "model": {"w": torch.ones(2)}}
    torch.save(plain, tmp_path / CHECKPOINT)
    assert load_resume_state(tmp_path / CHECKPOINT)["step"] == 2
    torch.save({**plain, "extra": _Payload()}, tmp_path / CHECKPOINT)
    with pytest.raises(ValueError, match="refused.*did not unpickle"):
        load_resume_state(tmp_path / CHECKPOINT)


def test_the_entry_point_says_how_to_launch_it(monkeypatch, tmp_path, capsys):
    monkeypatch.delenv("RANK", raising=False)
    with pytest.raises(SystemExit):
        main(["--run-dir", str(tmp_path)])
    assert "torchrun" in capsys.readouterr().err


@pytest.fixture
def crafted_pneumonia(isolated_data_dirs):
    data_dir, _ = isolated_data_dirs
    path = write_medmnist_like(data_dir / "pneumoniamnist.npz", {"train": 96, "val": 8, "test": 8})
    list_in_manifest(data_dir, path)
    return data_dir


def _torchrun(run_dir: Path, **options: object) -> dict:
    return run_torchrun(run_dir, 2, timeout=300, steps=STEPS, global_batch=GLOBAL_BATCH,
                        checkpoint_every=CHECKPOINT_EVERY, **options)


def _reference_losses() -> list[float]:
    from medlib.data import load_medmnist
    from medlib.data.convert import to_tensor

    data = load_medmnist("pneumoniamnist", 28)
    config = RunConfig(steps=STEPS, global_batch=GLOBAL_BATCH, checkpoint_every=CHECKPOINT_EVERY)
    torch.set_num_threads(1)
    return reference_steps(to_tensor(data.images["train"]).contiguous(),
                           data.labels["train"][:, 0], config, world_size=2)


def test_two_gloo_processes_equal_one_process_with_the_same_global_batch(
    crafted_pneumonia, tmp_path
):
    summary = _torchrun(tmp_path / "run")
    ddp_losses = json.loads((tmp_path / "run" / LOSSES).read_text())
    assert summary["world_size"] == 2 and summary["backend"] == "gloo"
    np.testing.assert_allclose(ddp_losses, _reference_losses(), rtol=1e-5, atol=1e-6)


def test_a_killed_run_resumes_from_its_last_checkpoint_and_ends_where_an_unbroken_one_does(
    crafted_pneumonia, tmp_path
):
    run_dir = tmp_path / "run"
    with pytest.raises(LaunchError):
        _torchrun(run_dir, fail_at_step=3)
    assert torch.load(run_dir / CHECKPOINT, weights_only=False)["step"] == 2
    assert not (run_dir / SUMMARY).exists()
    summary = _torchrun(run_dir)
    assert summary["resumed_from_step"] == 2 and summary["steps_run"] == STEPS - 2
    np.testing.assert_allclose(json.loads((run_dir / LOSSES).read_text()), _reference_losses(),
                               rtol=1e-5, atol=1e-6)
