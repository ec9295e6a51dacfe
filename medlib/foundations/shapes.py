"""The seed CNN's shape and weight arithmetic, by formula, checked against Keras.

A reader who can compute a layer's output size and weight count by hand can see at a
glance why the source's CNN holds 88.7 million weights at 224 pixels, and 99% of them in one
dense layer. The formulas are written here once and compared with what Keras builds, layer
by layer. Chapter: ``foundations``.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import keras
import pandas as pd

from medlib.models.cnn import seed_cnn

SOURCE_CNN_FILE = Path(__file__).with_name("seed_cnn.txt")  # the post's section 4.1, verbatim


def source_cnn() -> keras.Model:
    """Run the source post's CNN code as written and return its ``model`` (it runs: its only
    flaw is the 224-pixel input, which the book's 28-pixel images do not have). Keras 3's
    warning that ``input_shape`` belongs in an ``Input`` layer is silenced: it is style."""
    namespace: dict = {}
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*input_shape.*", category=UserWarning)
        exec(compile(SOURCE_CNN_FILE.read_text(encoding="utf-8"), "<source post, section 4.1>",
                     "exec"), namespace)
    return namespace["model"]


def conv_output_size(size: int, kernel: int, stride: int = 1, padding: str = "valid") -> int:
    """Positions of a convolution along one axis: ``floor((size - kernel) / stride) + 1``
    for ``valid`` padding, ``ceil(size / stride)`` for ``same``."""
    if padding == "same":
        return -(-size // stride)
    if padding != "valid":
        raise ValueError(f"padding must be 'valid' or 'same', got {padding!r}")
    return (size - kernel) // stride + 1


def conv_weights(kernel: int, channels_in: int, filters: int) -> int:
    """A ``kernel x kernel`` convolution's weights: one kernel per input channel and filter,
    plus one bias per filter."""
    return (kernel * kernel * channels_in + 1) * filters


def dense_weights(inputs: int, outputs: int) -> int:
    """A fully connected layer's weights: every input to every output, plus the biases."""
    return (inputs + 1) * outputs


def seed_cnn_by_formula(input_shape: tuple[int, int, int]) -> pd.DataFrame:
    """Each layer of the seed CNN, its output shape and weight count from the formulas."""
    height, width, channels = input_shape
    rows = []
    for index, filters in enumerate((32, 64, 128), start=1):
        weights = conv_weights(3, channels, filters)
        height, width, channels = conv_output_size(height, 3), conv_output_size(width, 3), filters
        rows.append((f"conv{index}", (height, width, channels), weights))
        height, width = height // 2, width // 2
        rows.append((f"pool{index}", (height, width, channels), 0))
    flat = height * width * channels
    rows += [("flatten", (flat,), 0), ("dense1", (1024,), dense_weights(flat, 1024)),
             ("dense2", (1,), dense_weights(1024, 1))]
    return pd.DataFrame(rows, columns=["layer", "output shape", "weights"])


def seed_cnn_shape_table(input_shape: tuple[int, int, int]) -> pd.DataFrame:
    """The formula table beside Keras's own shapes and counts for the same input, with
    ``agrees`` true where formula and Keras give the same shape and weight count."""
    model = seed_cnn(input_shape)
    table = seed_cnn_by_formula(input_shape)
    table["Keras output shape"] = [tuple(model.get_layer(name).output.shape[1:])
                                   for name in table["layer"]]
    table["Keras weights"] = [model.get_layer(name).count_params() for name in table["layer"]]
    table["agrees"] = ((table["output shape"] == table["Keras output shape"])
                       & (table["weights"] == table["Keras weights"]))
    if input_shape == (224, 224, 3):  # the source's own input: its code, run, must agree too
        source_layers = source_cnn().layers
        table["source code's weights"] = [layer.count_params() for layer in source_layers]
        table["agrees"] &= table["weights"] == table["source code's weights"]
    keras.backend.clear_session()
    return table[[column for column in table if column != "agrees"] + ["agrees"]]


def _shape_text(shape: tuple[int, ...]) -> str:
    return "×".join(str(size) for size in shape)


def side_by_side(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Several :func:`seed_cnn_shape_table` results as one page-width table: per input, each
    layer's output shape and weights (by formula), plus the source code's weights where run,
    and whether formula, Keras and source agree on every layer."""
    columns = {}
    for name, table in tables.items():
        columns[(name, "output")] = table["output shape"].map(_shape_text).tolist()
        columns[(name, "weights")] = [f"{w:,}" for w in table["weights"]]
        if "source code's weights" in table:
            columns[(name, "source's code")] = [f"{w:,}" for w in table["source code's weights"]]
    first = next(iter(tables.values()))
    view = pd.DataFrame(columns, index=pd.Index(first["layer"], name="layer"))
    view[("", "all agree")] = pd.concat([t["agrees"] for t in tables.values()], axis=1).all(
        axis=1).tolist()
    return view
