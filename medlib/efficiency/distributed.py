"""Data-parallel training of the improved CNN with torch's DistributedDataParallel.

Launched by ``torchrun``, which starts one process per worker and tells each its rank::

    torchrun --standalone --nproc-per-node 2 -m medlib.efficiency.distributed --run-dir runs/ddp

    # two machines, 2 processes each; run the same line on both, node-rank 0 and 1
    torchrun --nnodes 2 --nproc-per-node 2 --node-rank 0 --rdzv-backend c10d \\
        --rdzv-endpoint HOST0:29400 --rdzv-id medlib \
        -m medlib.efficiency.distributed --run-dir runs/ddp

Every rank builds the same model from the same seed, reads its own shard of each epoch's
shuffled training set (:class:`~torch.utils.data.DistributedSampler`) and computes
gradients on ``global_batch / world_size`` images; DDP averages the gradients across ranks
(an all-reduce, backend gloo on CPU, nccl on GPUs) before every optimiser step, so all
ranks hold the same weights. Rank 0 alone writes checkpoints (to a temporary file, then an
atomic rename: a kill mid-write leaves the previous checkpoint intact), and a relaunch with
the same ``--run-dir`` resumes from the last one, mid-epoch included.

One step of DDP on ``W`` ranks equals one step of a single process that splits the same
global batch into ``W`` micro-batches, averages their gradients and steps once
(:func:`reference_steps`; batch-norm statistics are per micro-batch in both, as DDP keeps
them per rank, and dropout masks are seeded per step and rank in both).
``tests/test_distributed.py`` checks that equality with two gloo processes.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
from torch.nn import functional
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DistributedSampler

from medlib.models.cnn_torch import ImprovedCNN

CHECKPOINT = "checkpoint.pt"
SUMMARY = "summary.json"
LOSSES = "losses.json"


@dataclass(frozen=True)
class RunConfig:
    """Everything that defines a run; a resumed run must be given the same values."""

    dataset: str = "pneumoniamnist"
    size: int = 28
    steps: int = 60
    global_batch: int = 128
    learning_rate: float = 1e-3
    seed: int = 2024
    checkpoint_every: int = 20
    threads_per_process: int = 1
    train_limit: int = 0  # use the first n training images (0: all)
    profile_steps: int = 0  # steps traced by torch.profiler after warm-up (0: none)


def shard_indices(n: int, world_size: int, rank: int, epoch: int, seed: int) -> np.ndarray:
    """The training rows rank ``rank`` reads in ``epoch``: DistributedSampler's order
    (shuffled with ``seed + epoch``, the tail dropped so every rank gets the same count)."""
    sampler = DistributedSampler(
        range(n), num_replicas=world_size, rank=rank, shuffle=True, seed=seed, drop_last=True
    )
    sampler.set_epoch(epoch)
    return np.fromiter(sampler, dtype=np.int64)


def batch_rows(n: int, world_size: int, rank: int, step: int, per_rank: int, seed: int):
    """Rows of rank ``rank``'s share of global step ``step`` (epochs follow each other)."""
    per_epoch = (n // world_size) // per_rank
    if per_epoch == 0:
        raise ValueError(
            f"{n} training images cannot fill one batch of {per_rank} on each of {world_size} "
            "ranks: lower --global-batch or use more images"
        )
    epoch, within = divmod(step, per_epoch)
    rows = shard_indices(n, world_size, rank, epoch, seed)
    return rows[within * per_rank : (within + 1) * per_rank]


def build_model(in_channels: int, seed: int) -> ImprovedCNN:
    """The improved CNN with weights drawn from ``seed`` (the same on every rank)."""
    torch.manual_seed(seed)
    return ImprovedCNN(in_channels, 1)


def seed_micro_batch(seed: int, step: int, rank: int) -> None:
    """Seed torch's generator from (seed, step, rank) before a micro-batch's forward pass,
    so that its dropout masks depend on nothing else: the same in DDP and in the
    single-process reference, and the same after a resume (no RNG state to checkpoint)."""
    torch.manual_seed((seed * 1_000_003 + step) * 1_009 + rank)


def _loss(model: torch.nn.Module, images: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    return functional.binary_cross_entropy_with_logits(model(images)[:, 0], labels)


def reference_steps(
    images: torch.Tensor, labels: np.ndarray, config: RunConfig, world_size: int
) -> list[float]:
    """The single-process run that DDP on ``world_size`` ranks must equal: each step
    splits the global batch into the ranks' micro-batches, averages their gradients and
    steps once. Returns the global mean loss of every step."""
    model = build_model(images.shape[1], config.seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.learning_rate)
    targets = torch.as_tensor(np.asarray(labels), dtype=torch.float32)
    per_rank = config.global_batch // world_size
    losses = []
    model.train()
    for step in range(config.steps):
        optimizer.zero_grad(set_to_none=True)
        total = 0.0
        for rank in range(world_size):
            rows = batch_rows(len(images), world_size, rank, step, per_rank, config.seed)
            seed_micro_batch(config.seed, step, rank)
            loss = _loss(model, images[rows], targets[rows]) / world_size
            loss.backward()
            total += loss.item()
        optimizer.step()
        losses.append(total)
    return losses


def check_resumable(state: dict, config: RunConfig, path: Path) -> None:
    """Refuse to resume a checkpoint written with other settings: the result would match
    neither run."""
    if state["config"] != asdict(config):
        raise ValueError(
            f"{path} was written by a run with other settings ({state['config']}); resume "
            "with those, or use a new --run-dir"
        )


def load_resume_state(path: Path, device: torch.device | str = "cpu") -> dict:
    """The resume state in ``path``, read with ``weights_only=True``.

    A run folder is a place others can write to; unpickling an arbitrary object from it
    could execute code, so a checkpoint holding anything but tensors and plain values
    (what :func:`train` writes) is refused with an error that says what to do.
    """
    try:
        return torch.load(path, map_location=device, weights_only=True)
    except Exception as err:  # UnpicklingError, wrapped differently across torch versions
        raise ValueError(
            f"{path.name} in the run folder was refused ({type(err).__name__}): it holds "
            "something other than tensors and plain values, so medlib did not unpickle it. "
            "Delete it to start afresh, or use a new --run-dir"
        ) from None


def _save_atomically(state: dict, path: Path) -> None:
    partial = path.with_suffix(".partial")
    torch.save(state, partial)
    os.replace(partial, path)


def _load_data(config: RunConfig) -> tuple[torch.Tensor, np.ndarray]:
    from medlib.data import load_medmnist
    from medlib.data.convert import to_tensor

    data = load_medmnist(config.dataset, config.size)
    if not data.info.is_binary:
        raise ValueError(f"{data.info.name} is not a binary task; choose pneumoniamnist")
    images, labels = data.images["train"], data.labels["train"][:, 0]
    if config.train_limit:
        images, labels = images[: config.train_limit], labels[: config.train_limit]
    return to_tensor(images).contiguous(), labels


def train(config: RunConfig, run_dir: Path, fail_at_step: int = -1) -> dict:
    """Run (or resume) the data-parallel training of ``config`` in this process, which
    torchrun has started as one of ``WORLD_SIZE`` ranks. Returns rank 0's summary.

    This loop is not the book's shared torch loop
    (:func:`medlib.train.torch_loop.train_epochs`), on purpose: a run here is a fixed number
    of optimiser *steps* that cross epoch boundaries, not a number of epochs; it must be
    resumable mid-epoch from a checkpoint that rank 0 writes atomically every few steps;
    each step seeds its dropout masks from (seed, step, rank) so that it equals
    :func:`reference_steps`; its loss is all-reduced over the ranks; it times compute
    only; and there is no validation split, so no epoch to select.
    """
    torch.set_num_threads(config.threads_per_process)
    backend = "nccl" if torch.cuda.is_available() else "gloo"
    dist.init_process_group(backend)
    rank, world_size = dist.get_rank(), dist.get_world_size()
    device = torch.device(f"cuda:{int(os.environ['LOCAL_RANK'])}" if backend == "nccl" else "cpu")
    try:
        if config.global_batch % world_size:
            raise ValueError(
                f"global batch {config.global_batch} does not split over {world_size} ranks"
            )
        per_rank = config.global_batch // world_size
        images, labels = _load_data(config)
        targets = torch.as_tensor(labels, dtype=torch.float32)
        model = build_model(images.shape[1], config.seed).to(device)
        optimizer = torch.optim.AdamW(model.parameters(), lr=config.learning_rate)
        start_step, losses = 0, []
        checkpoint = run_dir / CHECKPOINT
        if checkpoint.is_file():
            state = load_resume_state(checkpoint, device)
            check_resumable(state, config, checkpoint)
            model.load_state_dict(state["model"])
            optimizer.load_state_dict(state["optimizer"])
            start_step, losses = state["step"], state["losses"]
        ddp = DistributedDataParallel(model)
        ddp.train()
        compute_seconds, images_seen = 0.0, 0
        for step in range(start_step, config.steps):
            if step == fail_at_step:
                os._exit(137)  # as if killed: no clean-up, no checkpoint
            rows = batch_rows(len(images), world_size, rank, step, per_rank, config.seed)
            started = time.perf_counter()
            seed_micro_batch(config.seed, step, rank)
            optimizer.zero_grad(set_to_none=True)
            loss = _loss(ddp, images[rows].to(device), targets[rows].to(device))
            loss.backward()  # DDP all-reduces the gradients during backward
            optimizer.step()
            global_loss = loss.detach().clone()
            dist.all_reduce(global_loss)
            losses.append(float(global_loss) / world_size)
            compute_seconds += time.perf_counter() - started
            images_seen += config.global_batch
            done = step + 1
            if rank == 0 and (done % config.checkpoint_every == 0 or done == config.steps):
                _save_atomically(
                    {"config": asdict(config), "step": done, "losses": losses,
                     "model": model.state_dict(), "optimizer": optimizer.state_dict()},
                    checkpoint,
                )
        summary = {
            "world_size": world_size,
            "backend": backend,
            "threads_per_process": config.threads_per_process,
            "steps_run": config.steps - start_step,
            "resumed_from_step": start_step,
            "images_per_second": images_seen / compute_seconds if compute_seconds else None,
            "final_loss": losses[-1] if losses else None,
            "gradient_bytes": sum(p.numel() * p.element_size() for p in model.parameters()),
        }
        if config.profile_steps:
            summary.update(
                _profile(ddp, optimizer, images, targets, config, rank, world_size, device)
            )
        if rank == 0:
            (run_dir / LOSSES).write_text(json.dumps(losses))
            (run_dir / SUMMARY).write_text(json.dumps(summary, indent=1))
        return summary
    finally:
        dist.destroy_process_group()


def _profile(ddp, optimizer, images, targets, config, rank, world_size, device) -> dict:
    """Seconds per step in total and inside the gradient all-reduce (and DDP's broadcast
    of batch-norm buffers), from torch.profiler over ``config.profile_steps`` extra steps
    (their updates are thrown away with the process; the checkpoint is already written)."""
    from torch.profiler import ProfilerActivity, profile

    per_rank = config.global_batch // world_size
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        started = time.perf_counter()
        for step in range(config.profile_steps):
            rows = batch_rows(len(images), world_size, rank, config.steps + step, per_rank,
                              config.seed)
            optimizer.zero_grad(set_to_none=True)
            _loss(ddp, images[rows].to(device), targets[rows].to(device)).backward()
            optimizer.step()
        wall = time.perf_counter() - started
    # The collectives run on gloo's (or nccl's) own threads; their events span from launch
    # to completion, waiting for the slower rank included, and overlap backward.
    spans = {"all_reduce": 0.0, "broadcast": 0.0}
    for event in prof.key_averages():
        backend, _, collective = event.key.partition(":")
        if backend in ("gloo", "nccl") and collective in spans:
            spans[collective] += event.cpu_time_total / 1e6
    return {
        "profiled_steps": config.profile_steps,
        "seconds_per_step": wall / config.profile_steps,
        "allreduce_seconds_per_step": spans["all_reduce"] / config.profile_steps,
        "broadcast_seconds_per_step": spans["broadcast"] / config.profile_steps,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--run-dir", type=Path, required=True,
                        help="checkpoint, losses and summary go here; reuse it to resume")
    for field, default in asdict(RunConfig()).items():
        parser.add_argument(f"--{field.replace('_', '-')}", type=type(default), default=default)
    parser.add_argument("--fail-at-step", type=int, default=-1,
                        help="exit abruptly at this step, as if killed (to test resuming)")
    args = vars(parser.parse_args(argv))
    run_dir, fail_at_step = args.pop("run_dir"), args.pop("fail_at_step")
    if "RANK" not in os.environ:
        parser.error("start me with torchrun, e.g. torchrun --standalone --nproc-per-node 2 "
                     "-m medlib.efficiency.distributed --run-dir runs/ddp")
    run_dir.mkdir(parents=True, exist_ok=True)
    train(RunConfig(**args), run_dir, fail_at_step)


if __name__ == "__main__":
    main()
