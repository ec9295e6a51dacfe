"""Where a torch run trains: the GPU when one is present, else the CPU (chapters
``large_models`` and ``pretraining``).

The book is published from CPU runs on two cores, and every number in it is checked on a
CPU. A reader with a GPU can re-run the large-model chapters much faster: their training
calls pass :func:`training_device` to the loops, which move the network and each batch
there and hand the trained network back on the CPU, so everything after training (scoring,
costing, saving) is the same code on every machine. A GPU run is not bit-identical to the
published CPU run; set ``MEDLIB_DEVICE=cpu`` to take the published path on a GPU machine.
"""

from __future__ import annotations

import os

import torch

DEVICE_ENV = "MEDLIB_DEVICE"


def training_device() -> torch.device:
    """``$MEDLIB_DEVICE`` if set (``cpu``, ``cuda``, ``cuda:1``), else the first GPU when
    torch sees one, else the CPU; a clear error for a device this machine does not have."""
    name = os.environ.get(DEVICE_ENV, "").strip()
    if not name:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        device = torch.device(name)
    except RuntimeError as error:
        raise ValueError(f"{DEVICE_ENV}={name!r} is not a torch device: use cpu, cuda or "
                         "cuda:N") from error
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"{DEVICE_ENV}={name!r} but torch sees no CUDA device here: unset "
                         f"{DEVICE_ENV} or set it to cpu")
    if device.type not in ("cpu", "cuda"):
        raise ValueError(f"{DEVICE_ENV}={name!r}: the book's loops support cpu and cuda only")
    return device


def device_of(model: torch.nn.Module) -> torch.device:
    """The device a network's weights are on (the CPU for a network without weights)."""
    return next((p.device for p in model.parameters()), torch.device("cpu"))
