"""Recurrent progression models (Keras): the seed's SimpleRNN design, then GRU and LSTM.

The seed proposes a recurrent layer over a patient's visits followed by a dense layer.
Here that layer reads the visit sequence built by :mod:`medlib.survival.landmark` (with an explicit
mask, so padding is never read) and the dense layer outputs one hazard logit per interval
of the discrete-time survival model (:mod:`medlib.survival.discrete_time`).
Chapter: ``progression``.
"""

from __future__ import annotations

import keras
from keras import layers

RECURRENT_LAYERS = {"SimpleRNN": layers.SimpleRNN, "GRU": layers.GRU, "LSTM": layers.LSTM}


def recurrent_survival_model(
    kind: str,
    max_visits: int,
    n_features: int,
    n_intervals: int,
    units: int = 32,
    dropout: float = 0.1,
) -> keras.Model:
    """``kind`` in {"SimpleRNN", "GRU", "LSTM"}; inputs ``(sequences, mask)``, output hazard
    logits ``(n, n_intervals)`` computed from the state after the last real visit."""
    if kind not in RECURRENT_LAYERS:
        raise ValueError(
            f"unknown recurrent layer {kind!r}; choose from {', '.join(RECURRENT_LAYERS)}"
        )
    sequences = keras.Input((max_visits, n_features), name="sequences")
    mask = keras.Input((max_visits,), dtype="bool", name="mask")
    state = RECURRENT_LAYERS[kind](units, name=kind.lower())(sequences, mask=mask)
    state = layers.Dropout(dropout)(state)
    logits = layers.Dense(n_intervals, name="hazard_logits")(state)
    return keras.Model([sequences, mask], logits, name=f"{kind.lower()}_survival")
