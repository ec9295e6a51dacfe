"""Convolutional networks for image diagnosis (Keras).

``seed_cnn`` is the convolutional network of the source blog post, layer for layer, so that
the book can show what it achieves before improving on it (chapter ``cnn_diagnosis``).
``improved_cnn`` is the small residual network of chapter ``cnn_beyond``. Both have torch
twins in :mod:`medlib.models.cnn_torch` with the same layer names.
"""

from __future__ import annotations

import keras
from keras import layers

from medlib.models.batch_norm import BATCH_NORM_EPS, BATCH_NORM_MOMENTUM


def seed_cnn(input_shape: tuple[int, int, int] = (224, 224, 3)) -> keras.Model:
    """The seed's CNN exactly as written: three 3x3 ReLU conv blocks (32/64/128 filters),
    each followed by 2x2 max-pooling, then Flatten, Dense(1024, ReLU), Dense(1, sigmoid).

    The seed uses ``input_shape=(224, 224, 3)``, where the flattened feature map has
    86,528 values and the first dense layer alone holds 88.6 M of the 88.7 M weights; at
    28x28x1 the same design has 225,793 weights. Padding is Keras's default ``valid``.
    """
    return keras.Sequential(
        [
            keras.Input(shape=input_shape),
            layers.Conv2D(32, (3, 3), activation="relu", name="conv1"),
            layers.MaxPooling2D((2, 2), name="pool1"),
            layers.Conv2D(64, (3, 3), activation="relu", name="conv2"),
            layers.MaxPooling2D((2, 2), name="pool2"),
            layers.Conv2D(128, (3, 3), activation="relu", name="conv3"),
            layers.MaxPooling2D((2, 2), name="pool3"),
            layers.Flatten(name="flatten"),
            layers.Dense(1024, activation="relu", name="dense1"),
            layers.Dense(1, activation="sigmoid", name="dense2"),
        ],
        name="seed_cnn",
    )


def _batch_norm(name: str) -> layers.BatchNormalization:
    # Keras's momentum is the weight of the old running average; torch's is the new batch's.
    return layers.BatchNormalization(
        epsilon=BATCH_NORM_EPS, momentum=1 - BATCH_NORM_MOMENTUM, name=name
    )


def _residual_block(x, width: int, name: str):
    shortcut = x
    if x.shape[-1] != width:
        shortcut = layers.Conv2D(width, 1, use_bias=False, name=f"{name}_shortcut")(x)
        shortcut = _batch_norm(f"{name}_shortcut_bn")(shortcut)
    out = layers.Conv2D(width, 3, padding="same", use_bias=False, name=f"{name}_conv1")(x)
    out = layers.ReLU()(_batch_norm(f"{name}_bn1")(out))
    out = layers.Conv2D(width, 3, padding="same", use_bias=False, name=f"{name}_conv2")(out)
    out = _batch_norm(f"{name}_bn2")(out)
    return layers.ReLU()(layers.Add()([out, shortcut]))


def improved_cnn(
    input_shape: tuple[int, int, int] = (28, 28, 1),
    n_outputs: int = 1,
    widths: tuple[int, ...] = (16, 32, 64),
    dropout: float = 0.3,
) -> keras.Model:
    """A small residual CNN for 28x28 medical images; outputs logits.

    Why this design: batch normalisation lets a short, high-learning-rate schedule train
    stably; residual shortcuts (He et al., 2016) keep gradients flowing through the stacked
    3x3 convolutions; global average pooling replaces the seed's Flatten + Dense(1024),
    which held 58% of its weights and tied it to one image size; dropout before the single
    linear head regularises the one layer that still sees every feature. Downsampling is by
    2x2 max-pooling between stages rather than strided convolutions, because Keras's and
    torch's ``same`` padding differ for strides above 1 and the twins must agree. With the
    default widths it has 77,169 weights, a third of the seed CNN's 225,793.
    """
    inputs = keras.Input(shape=input_shape)
    x = layers.Conv2D(widths[0], 3, padding="same", use_bias=False, name="stem")(inputs)
    x = layers.ReLU()(_batch_norm("stem_bn")(x))
    for index, width in enumerate(widths):
        if index > 0:
            x = layers.MaxPooling2D(2)(x)
        x = _residual_block(x, width, name=f"blocks_{index}")
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(dropout)(x)
    outputs = layers.Dense(n_outputs, name="head")(x)
    return keras.Model(inputs, outputs, name="improved_cnn")
