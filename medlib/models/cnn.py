"""Convolutional networks for image diagnosis (Keras).

``seed_cnn`` is the convolutional network of the source blog post, layer for layer, so that
the book can show what it achieves before improving on it (chapter ``cnn_diagnosis``).
"""

from __future__ import annotations

import keras
from keras import layers


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
            layers.Conv2D(32, (3, 3), activation="relu"),
            layers.MaxPooling2D((2, 2)),
            layers.Conv2D(64, (3, 3), activation="relu"),
            layers.MaxPooling2D((2, 2)),
            layers.Conv2D(128, (3, 3), activation="relu"),
            layers.MaxPooling2D((2, 2)),
            layers.Flatten(),
            layers.Dense(1024, activation="relu"),
            layers.Dense(1, activation="sigmoid"),
        ],
        name="seed_cnn",
    )
