"""The equalities: each NumPy building block of :mod:`medlib.foundations.reference` against the
Keras and torch layers that the book's networks use, with the same weights copied in.

Why: a reference implementation is only worth showing if it is the computation the frameworks
run. Every check draws random inputs and weights in float64 (so that agreement means ~1e-15,
not float32's ~1e-6, and a wrong convention cannot hide in round-off), builds the framework
layer in float64, copies the weights across in each framework's layout, and reports the largest
absolute difference from the NumPy result. :func:`all_equalities` collects them in the order a
chapter teaches them. Conversions made explicit here: torch stores dense and recurrent kernels
transposed and convolution kernels as ``(out, in, h, w)``; torch's GRU stacks its gates r, z, n
where Keras stacks z, r, h; torch's recurrent layers have two biases where Keras's SimpleRNN
and LSTM have one; torch's attention masks are True = *blocked*, Keras's True = allowed.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras
import numpy as np
import pandas as pd
import torch
from keras import layers

from medlib.foundations import reference

RECURRENT_KINDS = ("SimpleRNN", "GRU", "LSTM")
TORCH_RECURRENT = {"SimpleRNN": torch.nn.RNN, "GRU": torch.nn.GRU, "LSTM": torch.nn.LSTM}
#: combinations of (padding, stride) that torch's Conv2d accepts: it refuses ``padding="same"``
#: with a stride above 1, where Keras pads the extra row/column at the bottom/right.
TORCH_CONV_COMBINATIONS = {("valid", 1), ("same", 1), ("valid", 2)}


def _max_abs(a: np.ndarray, b: np.ndarray) -> float:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} and {b.shape}")
    return float(np.max(np.abs(a - b)))


def _keras_numpy(tensor) -> np.ndarray:
    return np.asarray(keras.ops.convert_to_numpy(tensor))


def _torch(array: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(array, dtype=np.float64))


@contextmanager
def keras_float64() -> Iterator[None]:
    """Build Keras models in float64 (for models whose layers take no ``dtype``), then restore
    the previous ``floatx`` and dtype policy even if building fails. Setting ``floatx`` alone
    is not enough: once any layer has been built, Keras has fixed its global dtype policy to
    the float32 of that moment, and new layers follow the policy, not ``floatx``."""
    previous_floatx, previous_policy = keras.config.floatx(), keras.config.dtype_policy()
    keras.config.set_floatx("float64")
    keras.config.set_dtype_policy("float64")
    try:
        yield
    finally:
        keras.config.set_floatx(previous_floatx)
        keras.config.set_dtype_policy(previous_policy)


@contextmanager
def torch_float64() -> Iterator[None]:
    """Make torch's default dtype float64 for a forward pass, then restore it. Needed where a
    model creates tensors itself (``time_encoding``'s log-spaced periods are made in the default
    dtype, so a ``.double()`` model would still use float32-rounded periods)."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        yield
    finally:
        torch.set_default_dtype(previous)


# --- convolution, pooling, dense ---------------------------------------------------------


def keras_conv2d(
    x: np.ndarray, kernel: np.ndarray, bias: np.ndarray, stride: int = 1, padding: str = "valid"
) -> np.ndarray:
    """``keras.layers.Conv2D`` in float64 with ``kernel``/``bias`` copied in (same layout)."""
    layer = layers.Conv2D(
        kernel.shape[-1], kernel.shape[:2], strides=stride, padding=padding, dtype="float64"
    )
    layer.build(x.shape)
    layer.set_weights([kernel, bias])
    return _keras_numpy(layer(x))


def torch_conv2d(
    x: np.ndarray, kernel: np.ndarray, bias: np.ndarray, stride: int = 1, padding: str = "valid"
) -> np.ndarray:
    """``torch.nn.Conv2d`` in float64: kernel ``(kh, kw, in, out) -> (out, in, kh, kw)``,
    images channels-last to channels-first and back."""
    kh, kw, c_in, c_out = kernel.shape
    layer = torch.nn.Conv2d(c_in, c_out, (kh, kw), stride=stride, padding=padding).double()
    with torch.no_grad(), warnings.catch_warnings():
        # torch warns that an even kernel with "same" needs an extra (asymmetric) pad
        warnings.filterwarnings("ignore", message=".*padding='same'.*", category=UserWarning)
        layer.weight.copy_(_torch(kernel.transpose(3, 2, 0, 1)))
        layer.bias.copy_(_torch(bias))
        y = layer(_torch(x).permute(0, 3, 1, 2))
    return y.permute(0, 2, 3, 1).numpy()


def conv2d_equality(seed: int, padding: str = "valid", stride: int = 1) -> dict[str, float]:
    """``reference.conv2d`` (3x3 kernel) against Keras Conv2D and, where torch supports the
    combination (not ``same`` with stride > 1), torch Conv2d. The 9x8 image makes ``same``
    padding asymmetric for stride 2 in one direction only."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(2, 9, 8, 3))
    kernel, bias = rng.normal(size=(3, 3, 3, 4)), rng.normal(size=4)
    expected = reference.conv2d(x, kernel, bias, stride=stride, padding=padding)
    errors = {"Keras Conv2D": _max_abs(keras_conv2d(x, kernel, bias, stride, padding), expected)}
    if (padding, stride) in TORCH_CONV_COMBINATIONS:
        errors["torch Conv2d"] = _max_abs(torch_conv2d(x, kernel, bias, stride, padding), expected)
    return errors


def pooling_equality(seed: int, kind: str = "max") -> dict[str, float]:
    """``reference.max_pool2d`` / ``average_pool2d`` (2x2, on a 7x6 image so that the odd row
    is dropped) against Keras MaxPooling2D/AveragePooling2D and torch MaxPool2d/AvgPool2d."""
    functions = {
        "max": (reference.max_pool2d, layers.MaxPooling2D, torch.nn.MaxPool2d),
        "average": (reference.average_pool2d, layers.AveragePooling2D, torch.nn.AvgPool2d),
    }
    if kind not in functions:
        raise ValueError(f"kind must be one of {list(functions)}, got {kind!r}")
    ours, keras_layer, torch_layer = functions[kind]
    x = np.random.default_rng(seed).normal(size=(2, 7, 6, 3))
    expected = ours(x, 2)
    keras_y = _keras_numpy(keras_layer(2, dtype="float64")(x))
    torch_y = torch_layer(2)(_torch(x).permute(0, 3, 1, 2)).permute(0, 2, 3, 1).numpy()
    return {
        f"Keras {keras_layer.__name__}": _max_abs(keras_y, expected),
        f"torch {torch_layer.__name__}": _max_abs(torch_y, expected),
    }


def dense_equality(seed: int) -> dict[str, float]:
    """``reference.dense`` against Keras Dense and torch Linear (weight = kernel transposed)."""
    rng = np.random.default_rng(seed)
    x, kernel, bias = rng.normal(size=(5, 7)), rng.normal(size=(7, 3)), rng.normal(size=3)
    expected = reference.dense(x, kernel, bias)
    keras_layer = layers.Dense(3, dtype="float64")
    keras_layer.build(x.shape)
    keras_layer.set_weights([kernel, bias])
    torch_layer = torch.nn.Linear(7, 3).double()
    with torch.no_grad():
        torch_layer.weight.copy_(_torch(kernel.T))
        torch_layer.bias.copy_(_torch(bias))
        torch_y = torch_layer(_torch(x)).numpy()
    return {
        "Keras Dense": _max_abs(_keras_numpy(keras_layer(x)), expected),
        "torch Linear": _max_abs(torch_y, expected),
    }


def _he_normal(rng: np.random.Generator, shape: tuple[int, ...], fan_in: int) -> np.ndarray:
    return rng.normal(scale=np.sqrt(2.0 / fan_in), size=shape)


def seed_cnn_equality(seed: int) -> dict[str, float]:
    """The seed CNN (:func:`medlib.models.cnn.seed_cnn` at 28x28x1, built in float64) with random
    He-scaled weights, against ``reference.seed_cnn_forward``; Keras's output is compared as a
    probability, the torch twin ``SeedCNN`` (weights copied by ``copy_keras_weights``) as
    logits."""
    from medlib.models.cnn import seed_cnn
    from medlib.models.cnn_torch import SeedCNN
    from medlib.models.twins import copy_keras_weights

    rng = np.random.default_rng(seed)
    with keras_float64():
        model = seed_cnn((28, 28, 1))
    weights = []
    for w in model.get_weights():
        fan_in = int(np.prod(w.shape[:-1])) if w.ndim > 1 else 0
        weights.append(_he_normal(rng, w.shape, fan_in) if fan_in else rng.normal(0, 0.1, w.shape))
    model.set_weights(weights)
    x = rng.random((3, 28, 28, 1))
    logits = reference.seed_cnn_forward(x, weights)
    twin = copy_keras_weights(model, SeedCNN(1, 1, 28).double()).eval()
    with torch.no_grad():
        twin_logits = twin(_torch(x).permute(0, 3, 1, 2)).numpy()
    keras_probability = _keras_numpy(model(x, training=False))
    return {
        "Keras (probability)": _max_abs(keras_probability, reference.sigmoid(logits)),
        "torch twin SeedCNN (logits)": _max_abs(twin_logits, logits),
    }


# --- recurrent layers --------------------------------------------------------------------


def random_recurrent_weights(
    rng: np.random.Generator, kind: str, n_features: int, units: int
) -> list[np.ndarray]:
    """Keras-layout ``[kernel, recurrent_kernel, bias]`` for ``kind``, scaled so that the gates
    are neither saturated nor constant."""
    gates = {"SimpleRNN": 1, "GRU": 3, "LSTM": 4}[kind]
    kernel = rng.normal(scale=1 / np.sqrt(n_features), size=(n_features, gates * units))
    recurrent_kernel = rng.normal(scale=1 / np.sqrt(units), size=(units, gates * units))
    bias_shape = (2, gates * units) if kind == "GRU" else (gates * units,)
    return [kernel, recurrent_kernel, rng.normal(scale=0.5, size=bias_shape)]


def keras_recurrent(
    kind: str, x: np.ndarray, weights: list[np.ndarray], mask: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The Keras layer ``kind`` in float64 with ``weights`` copied in, run with ``mask``;
    returns ``(states (n, t, u), last_state (n, u))``."""
    units = weights[1].shape[0]
    layer = getattr(layers, kind)(units, return_sequences=True, return_state=True, dtype="float64")
    layer.build(x.shape)
    layer.set_weights(weights)
    outputs = layer(x, mask=None if mask is None else np.asarray(mask, dtype=bool))
    return _keras_numpy(outputs[0]), _keras_numpy(outputs[1])


def _keras_gates_to_torch(kind: str, matrix: np.ndarray) -> np.ndarray:
    """Reorder gate blocks along the last axis: torch's GRU stacks r, z, n where Keras stacks
    z, r, h; SimpleRNN has one block and LSTM's order (i, f, c/g, o) is the same in both."""
    if kind != "GRU":
        return matrix
    z, r, h = np.split(matrix, 3, axis=-1)
    return np.concatenate([r, z, h], axis=-1)


def load_keras_weights(layer: torch.nn.RNNBase, kind: str, weights: list[np.ndarray]) -> None:
    """Copy Keras-layout recurrent ``weights`` (kernel, recurrent kernel, bias) into torch's
    ``layer``: transposed kernels, GRU gates reordered, Keras's GRU input/recurrent biases
    to ``bias_ih``/``bias_hh``, a single Keras bias to ``bias_ih`` with ``bias_hh = 0``."""
    kernel, recurrent_kernel, bias = weights
    bias_ih, bias_hh = (bias[0], bias[1]) if kind == "GRU" else (bias, np.zeros_like(bias))
    with torch.no_grad():
        layer.weight_ih_l0.copy_(_torch(_keras_gates_to_torch(kind, kernel).T))
        layer.weight_hh_l0.copy_(_torch(_keras_gates_to_torch(kind, recurrent_kernel).T))
        layer.bias_ih_l0.copy_(_torch(_keras_gates_to_torch(kind, bias_ih)))
        layer.bias_hh_l0.copy_(_torch(_keras_gates_to_torch(kind, bias_hh)))


def torch_recurrent(
    kind: str, x: np.ndarray, weights: list[np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """torch's ``nn.RNN``/``nn.GRU``/``nn.LSTM`` (batch first, float64) with Keras-layout
    ``weights`` converted (:func:`load_keras_weights`). torch's layers take no mask; returns
    ``(states, last_state)`` over all steps."""
    kernel, recurrent_kernel, _ = weights
    layer = TORCH_RECURRENT[kind](kernel.shape[0], recurrent_kernel.shape[0],
                                  batch_first=True).double()
    load_keras_weights(layer, kind, weights)
    with torch.no_grad():
        states, last = layer(_torch(x))
    last = last[0] if kind == "LSTM" else last  # LSTM returns (h_n, c_n)
    return states.numpy(), last[0].numpy()


def _visit_mask(lengths: list[int], steps: int) -> np.ndarray:
    return np.arange(steps)[None, :] < np.asarray(lengths)[:, None]


def recurrent_equality(seed: int, kind: str) -> dict[str, float]:
    """``reference.simple_rnn``/``gru``/``lstm`` against the Keras layer with a mask (padding at
    the end, a gap in the middle, a sequence without real steps) and against torch's layer
    without a mask (torch has none; packing is the torch way to skip padding). Compares every
    step's state and the last state."""
    if kind not in RECURRENT_KINDS:
        raise ValueError(f"kind must be one of {RECURRENT_KINDS}, got {kind!r}")
    rng = np.random.default_rng(seed)
    n_features, units, steps = 4, 5, 6
    x = rng.normal(size=(4, steps, n_features))
    weights = random_recurrent_weights(rng, kind, n_features, units)
    mask = _visit_mask([6, 3, 6, 0], steps)
    mask[2, 2] = False  # a gap: the state must pass unchanged over it
    ours = reference.RECURRENT_LAYERS[kind]
    states, last = ours(x, *weights, mask=mask)
    keras_states, keras_last = keras_recurrent(kind, x, weights, mask)
    full_states, full_last = ours(x, *weights)
    torch_states, torch_last = torch_recurrent(kind, x, weights)
    torch_name = TORCH_RECURRENT[kind].__name__
    return {
        f"Keras {kind} (masked)": max(_max_abs(keras_states, states), _max_abs(keras_last, last)),
        f"torch nn.{torch_name}": max(
            _max_abs(torch_states, full_states), _max_abs(torch_last, full_last)
        ),
    }


def recurrent_survival_equality(seed: int, kind: str) -> dict[str, float]:
    """:class:`medlib.models.recurrent.VisitRecurrent` (float64, in evaluation mode so
    dropout is off) against ``reference.recurrent_survival_forward``, on right-padded visit
    sequences of lengths 1 to 6: the model reads the state after each person's last real
    visit, so the padding after it must not matter."""
    from medlib.models.recurrent import VisitRecurrent

    rng = np.random.default_rng(seed)
    steps, n_features, n_intervals = 6, 4, 3
    weights = [
        *random_recurrent_weights(rng, kind, n_features, 5),
        rng.normal(scale=0.5, size=(5, n_intervals)),
        rng.normal(scale=0.5, size=n_intervals),
    ]
    model = VisitRecurrent(kind, n_features, n_intervals, units=5).double().eval()
    load_keras_weights(model.recurrent, kind, weights[:3])
    with torch.no_grad():
        model.head.weight.copy_(_torch(weights[3].T))
        model.head.bias.copy_(_torch(weights[4]))
    sequences = rng.normal(size=(4, steps, n_features))
    mask = _visit_mask([6, 1, 4, 2], steps)
    sequences[~mask] = 0.0  # padding as the landmark builder writes it
    expected = reference.recurrent_survival_forward(kind, sequences, mask, weights)
    with torch.no_grad():
        got = model(_torch(sequences), torch.from_numpy(mask)).numpy()
    return {"torch": _max_abs(got, expected)}


# --- attention ---------------------------------------------------------------------------


def random_attention_params(rng: np.random.Generator, d_model: int) -> dict[str, np.ndarray]:
    """``w_q, b_q, w_k, b_k, w_v, b_v, w_o, b_o`` for :func:`reference.multi_head_attention`."""
    params = {}
    for name in ("q", "k", "v", "o"):
        params[f"w_{name}"] = rng.normal(scale=1 / np.sqrt(d_model), size=(d_model, d_model))
        params[f"b_{name}"] = rng.normal(scale=0.1, size=d_model)
    return params


def torch_multi_head_attention(
    x: np.ndarray, params: dict[str, np.ndarray], n_heads: int, allowed: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Self-attention with ``torch.nn.MultiheadAttention`` (batch first, float64): ``in_proj``
    stacks the transposed W_q, W_k, W_v; the mask is inverted (torch's True = blocked) and
    repeated per head as a 3-D ``attn_mask``. Returns per-head weights."""
    d_model = x.shape[-1]
    layer = torch.nn.MultiheadAttention(d_model, n_heads, batch_first=True).double().eval()
    with torch.no_grad():
        layer.in_proj_weight.copy_(
            _torch(np.concatenate([params["w_q"].T, params["w_k"].T, params["w_v"].T]))
        )
        layer.in_proj_bias.copy_(
            _torch(np.concatenate([params["b_q"], params["b_k"], params["b_v"]]))
        )
        layer.out_proj.weight.copy_(_torch(params["w_o"].T))
        layer.out_proj.bias.copy_(_torch(params["b_o"]))
        blocked = torch.from_numpy(~np.repeat(allowed, n_heads, axis=0))  # (n * heads, t, s)
        xt = _torch(x)
        output, weights = layer(
            xt, xt, xt, attn_mask=blocked, need_weights=True, average_attn_weights=False
        )
    return output.numpy(), weights.numpy()


def keras_multi_head_attention(
    x: np.ndarray, params: dict[str, np.ndarray], n_heads: int, allowed: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Self-attention with ``keras.layers.MultiHeadAttention`` (float64): its projections are
    einsum kernels ``(d_model, heads, d_head)`` and ``(heads, d_head, d_model)``, i.e. the same
    matrices reshaped; ``attention_mask`` uses True = may attend, like the reference."""
    d_model = x.shape[-1]
    d_head = d_model // n_heads
    layer = layers.MultiHeadAttention(n_heads, d_head, dtype="float64")
    layer.build(x.shape, x.shape)
    weights = []
    for name in ("q", "k", "v"):
        weights += [
            params[f"w_{name}"].reshape(d_model, n_heads, d_head),
            params[f"b_{name}"].reshape(n_heads, d_head),
        ]
    weights += [params["w_o"].reshape(n_heads, d_head, d_model), params["b_o"]]
    layer.set_weights(weights)
    output, scores = layer(
        x, x, attention_mask=allowed, return_attention_scores=True, training=False
    )
    return _keras_numpy(output), _keras_numpy(scores)


def attention_equality(seed: int) -> dict[str, float]:
    """``reference.multi_head_attention`` (self-attention, 2 heads, causal + key-padding mask)
    against torch's and Keras's multi-head attention with the same weights. Outputs and weights
    are compared at real query positions only: a padded query's row is NaN in torch when all its
    keys are masked."""
    rng = np.random.default_rng(seed)
    n_heads, d_model, steps = 2, 8, 5
    x = rng.normal(size=(3, steps, d_model))
    params = random_attention_params(rng, d_model)
    real = _visit_mask([5, 3, 1], steps)
    allowed = reference.causal_mask(steps)[None] & real[:, None, :]
    expected, expected_weights = reference.multi_head_attention(x, x, x, params, n_heads, allowed)
    torch_out, torch_weights = torch_multi_head_attention(x, params, n_heads, allowed)
    keras_out, keras_weights = keras_multi_head_attention(x, params, n_heads, allowed)

    def at_real(values: np.ndarray, per_head: bool) -> np.ndarray:
        return values.transpose(0, 2, 1, 3)[real] if per_head else values[real]

    return {
        "torch MultiheadAttention (output)": _max_abs(at_real(torch_out, False), expected[real]),
        "torch MultiheadAttention (weights)": _max_abs(
            at_real(torch_weights, True), at_real(expected_weights, True)
        ),
        "Keras MultiHeadAttention (output)": _max_abs(at_real(keras_out, False), expected[real]),
        "Keras MultiHeadAttention (weights)": _max_abs(
            at_real(keras_weights, True), at_real(expected_weights, True)
        ),
    }


def visit_self_attention_equality(seed: int, time_aware: bool = False) -> dict[str, float]:
    """:class:`medlib.models.attention.VisitSelfAttention` (eval, float64, torch's default
    dtype float64 during the forward pass, see :func:`torch_float64`) against
    ``reference.visit_self_attention``: the logits, and the head-averaged weights at real
    visits. Every patient has at least one real visit, so no row is fully masked."""
    from medlib.models.attention import VisitSelfAttention

    rng = np.random.default_rng(seed)
    steps, n_features = 6, 5
    torch.manual_seed(seed)
    model = VisitSelfAttention(n_features, 3, d_model=8, n_heads=2, time_aware=time_aware)
    model = model.double().eval()
    with torch.no_grad():  # LayerNorm starts at weight 1, bias 0: randomise so a swap shows
        model.norm.weight.copy_(_torch(rng.uniform(0.5, 1.5, 8)))
        model.norm.bias.copy_(_torch(rng.normal(scale=0.2, size=8)))
    sequences = rng.normal(size=(4, steps, n_features))
    mask = _visit_mask([6, 2, 4, 1], steps)
    sequences[~mask] = 0.0
    visit_times = np.cumsum(rng.uniform(0.1, 2.0, size=(4, steps)), axis=1) * mask
    logits, weights = reference.visit_self_attention(model, sequences, mask, visit_times)
    with torch.no_grad(), torch_float64():
        torch_logits, torch_weights = model(
            _torch(sequences), torch.from_numpy(mask), _torch(visit_times)
        )
    return {
        "torch (logits)": _max_abs(torch_logits.numpy(), logits),
        "torch (weights)": _max_abs(torch_weights.numpy()[mask], weights[mask]),
    }


# --- the table ---------------------------------------------------------------------------


def _checks(seed: int) -> list[tuple[str, str, dict[str, float]]]:
    checks = []
    for padding, stride in (("valid", 1), ("same", 1), ("valid", 2), ("same", 2)):
        checks.append(
            (
                f"convolution 3x3, {padding}, stride {stride}",
                "reference.conv2d",
                conv2d_equality(seed, padding, stride),
            )
        )
    for kind in ("max", "average"):
        checks.append(
            (f"{kind} pooling 2x2", f"reference.{kind}_pool2d", pooling_equality(seed, kind))
        )
    checks.append(("dense", "reference.dense", dense_equality(seed)))
    checks.append(("seed CNN, 28x28x1", "models.cnn.seed_cnn", seed_cnn_equality(seed)))
    functions = {"SimpleRNN": "simple_rnn", "GRU": "gru", "LSTM": "lstm"}
    for kind in RECURRENT_KINDS:
        checks.append((kind, f"reference.{functions[kind]}", recurrent_equality(seed, kind)))
    for kind in RECURRENT_KINDS:
        checks.append(
            (
                f"{kind} survival model",
                "models.recurrent.VisitRecurrent",
                recurrent_survival_equality(seed, kind),
            )
        )
    checks.append(
        (
            "multi-head attention, causal + padding mask",
            "reference.multi_head_attention",
            attention_equality(seed),
        )
    )
    for time_aware in (False, True):
        checks.append(
            (
                "visit self-attention" + (", time-aware" if time_aware else ""),
                "models.attention.VisitSelfAttention",
                visit_self_attention_equality(seed, time_aware),
            )
        )
    return checks


def _part(block: str) -> str:
    """The chapter section a block belongs to: convolution, recurrence or attention."""
    if "attention" in block:
        return "attention"
    if any(kind in block for kind in RECURRENT_KINDS):
        return "recurrence"
    return "convolution"


def all_equalities(seed: int = 0) -> pd.DataFrame:
    """Every equality, one row per (building block, framework) comparison, in the order a
    chapter teaches them: convolution, pooling, dense, the seed CNN, SimpleRNN, GRU, LSTM, the
    recurrent survival models, attention, the book's visit self-attention. Leaves Keras's
    ``floatx`` and torch's default dtype as they were."""
    rows = [
        {
            "part": _part(block),
            "block": block,
            "book implementation": implementation,
            "framework": framework,
            "max abs error": error,
        }
        for block, implementation, errors in _checks(seed)
        for framework, error in errors.items()
    ]
    return pd.DataFrame(rows)


def equality_table(equalities: pd.DataFrame, part: str | None = None) -> pd.DataFrame:
    """The page's view of :func:`all_equalities`: block, what it is compared with and the
    error in scientific notation, for one ``part`` (convolution, recurrence, attention) or
    all; the implementation and part columns are said in the text instead."""
    rows = equalities if part is None else equalities[equalities["part"] == part]
    return pd.DataFrame({
        "block": rows["block"],
        "compared with": rows["framework"],
        "max abs error": [f"{error:.1e}" for error in rows["max abs error"]],
    }).set_index(["block", "compared with"])
