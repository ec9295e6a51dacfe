"""Where torch runs train: a GPU when present, else the CPU, and a clear error otherwise."""

import numpy as np
import pytest
import torch

from medlib.train import device as device_module
from medlib.train import seed_runs
from medlib.train.device import DEVICE_ENV, device_of, training_device


def test_cpu_without_a_gpu_and_without_the_variable(monkeypatch):
    monkeypatch.delenv(DEVICE_ENV, raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert training_device() == torch.device("cpu")


def test_the_gpu_when_torch_sees_one(monkeypatch):
    monkeypatch.delenv(DEVICE_ENV, raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert training_device() == torch.device("cuda")


def test_the_variable_forces_the_cpu_on_a_gpu_machine(monkeypatch):
    monkeypatch.setenv(DEVICE_ENV, "cpu")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert training_device() == torch.device("cpu")


@pytest.mark.parametrize("value, message", [
    ("cuda", "sees no CUDA device"), ("gpu0", "not a torch device"), ("mps", "cpu and cuda only")])
def test_a_device_this_machine_lacks_says_what_to_do(monkeypatch, value, message):
    monkeypatch.setenv(DEVICE_ENV, value)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ValueError, match=message):
        training_device()


def test_device_of_a_network():
    assert device_of(torch.nn.Linear(2, 1)) == torch.device("cpu")
    assert device_of(torch.nn.ReLU()) == torch.device("cpu")


def test_train_variants_trains_where_training_device_says(monkeypatch):
    """The plumbing: train_variants passes the chosen device to the training loop."""
    seen = []

    def fake_fit(model, *args, device, **kwargs):
        seen.append(device)
        return None

    monkeypatch.setattr(seed_runs, "fit_classifier", fake_fit)
    monkeypatch.setattr(seed_runs, "training_device", lambda: torch.device("cpu"))
    monkeypatch.setattr(seed_runs, "predict_logits", lambda model, x: np.zeros((len(x), 1)))
    x = {s: torch.zeros(4, 1, 28, 28) for s in ("train", "val", "test")}
    y = {s: np.array([0, 1, 0, 1]) for s in ("train", "val", "test")}
    variant = seed_runs.Variant("v", lambda: torch.nn.Sequential(
        torch.nn.Flatten(), torch.nn.Linear(784, 1)), None, [0], post_hoc=False)
    seed_runs.train_variants([variant], x, y, 2, reseed=lambda seed: None)
    assert seen == [torch.device("cpu")]
    assert device_module.DEVICE_ENV == "MEDLIB_DEVICE"
