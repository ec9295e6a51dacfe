"""A pruned copy is fine-tuned with its zeros held, or left as it is for zero epochs."""

import numpy as np
import torch

from medlib.efficiency.compression import prune_by_magnitude, weight_sparsity
from medlib.efficiency.prune_finetune import pruned_finetuner
from medlib.models.cnn_torch import ImprovedCNN


def _splits(n=32):
    torch.manual_seed(0)
    x = torch.rand(n, 1, 28, 28)
    y = np.arange(n) % 2
    return {"train": x, "val": x}, {"train": y, "val": y}


def _pruned_pair(epochs):
    """The same network pruned by half, as it is and fine-tuned for ``epochs``."""
    x, y = _splits()
    torch.manual_seed(1)
    model = ImprovedCNN()
    untouched = prune_by_magnitude(model, 0.5)
    return untouched, prune_by_magnitude(model, 0.5, pruned_finetuner(x, y, epochs, seed=0))


def test_zero_epochs_leave_the_pruned_copy_as_it_is():
    untouched, finetuned = _pruned_pair(0)
    for key, value in untouched.state_dict().items():
        assert torch.equal(finetuned.state_dict()[key], value)


def test_fine_tuning_moves_the_kept_weights_and_holds_the_zeros():
    untouched, finetuned = _pruned_pair(1)
    assert weight_sparsity(finetuned) >= weight_sparsity(untouched) - 1e-9
    assert any(not torch.equal(finetuned.state_dict()[k], v)
               for k, v in untouched.state_dict().items())
