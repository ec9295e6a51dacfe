"""How far back a recurrent layer's last state depends on its inputs, at initialisation.

The sensitivity of the final state to the input at step ``t``, the norm of the Jacobian
``d h_T / d x_t``, is what backpropagation through time must carry back to learn from visit
``t``. For a plain tanh recurrence it shrinks geometrically with the distance ``T - t``;
the gates of GRU and LSTM were designed to let it persist (Hochreiter and Schmidhuber,
1997; Cho et al., 2014). Measured with torch's autograd on freshly initialised layers, so
the picture shows the architectures, not anything learned. Chapter: ``foundations``.
"""

from __future__ import annotations

import pandas as pd
import torch
from torch import nn

RECURRENT_CELLS = {"SimpleRNN": nn.RNN, "GRU": nn.GRU, "LSTM": nn.LSTM}


INITIALISATIONS = ("torch", "Keras")


def keras_style_init(layer: nn.RNNBase) -> None:
    """Re-initialise a torch recurrent layer the way Keras does by default: Glorot-uniform
    input weights, orthogonal recurrent weights (per gate), zero biases, and for an LSTM a
    forget-gate bias of 1 (``unit_forget_bias``, Jozefowicz et al., 2015). Gate blocks are
    stacked along the rows in torch (order i, f, g, o for an LSTM)."""
    units = layer.hidden_size
    with torch.no_grad():
        for name, weight in layer.named_parameters():
            if name.startswith("bias"):
                weight.zero_()
                if isinstance(layer, nn.LSTM) and name.startswith("bias_ih"):
                    weight[units:2 * units] = 1.0
            elif name.startswith("weight_hh"):
                for block in weight.split(units, dim=0):
                    nn.init.orthogonal_(block)
            else:
                gates = weight.shape[0] // units
                bound = (6 / (weight.shape[1] + gates * units)) ** 0.5
                nn.init.uniform_(weight, -bound, bound)


def state_sensitivity(kind: str, init: str = "torch", steps: int = 40,
                      n_features: int = 8, units: int = 32, n_sequences: int = 16,
                      seed: int = 0) -> pd.DataFrame:
    """Mean over random sequences of ``||d h_T / d x_t||_F`` for each step ``t``, with
    ``steps before the end = T - t``; ``kind`` is a key of ``RECURRENT_CELLS``, ``init``
    one of ``INITIALISATIONS`` (each framework's default)."""
    if kind not in RECURRENT_CELLS:
        raise ValueError(f"unknown recurrent layer {kind!r}; choose from "
                         f"{', '.join(RECURRENT_CELLS)}")
    if init not in INITIALISATIONS:
        raise ValueError(f"unknown initialisation {init!r}; choose from "
                         f"{', '.join(INITIALISATIONS)}")
    torch.manual_seed(seed)
    layer = RECURRENT_CELLS[kind](n_features, units, batch_first=True).double()
    if init == "Keras":
        keras_style_init(layer)
    inputs = torch.randn(n_sequences, steps, n_features, dtype=torch.float64)
    norms = torch.zeros(steps, dtype=torch.float64)
    for sequence in inputs:
        def last_state(x: torch.Tensor) -> torch.Tensor:
            return layer(x[None])[0][0, -1]

        jacobian = torch.autograd.functional.jacobian(last_state, sequence)  # (units, T, F)
        norms += jacobian.pow(2).sum(dim=(0, 2)).sqrt()
    norms /= n_sequences
    return pd.DataFrame({"layer": kind, "initialisation": init,
                         "steps before the end": range(steps - 1, -1, -1),
                         "sensitivity": norms.numpy()})
