"""One call that makes a run repeatable: :func:`seed_everything`.

Seeds Python's ``random``, NumPy, TensorFlow/Keras (with op determinism, so that CPU
kernels pick deterministic algorithms) and torch. Every notebook calls it first with its
``seed`` parameter, so a re-run on the same kind of machine reproduces every number. On
another CPU type, training results move in their last digits (float summation order
follows the kernels the CPU gets), so nbval compares exactly only the outputs that do not
depend on training (data summaries, model sizes, computations on saved weights), and
:mod:`medlib.book.verify` compares every number of the results files within the tolerances
of ``notebooks/tolerances.yml``.
"""

from __future__ import annotations

import os
import random

import numpy as np


def seed_everything(seed: int, deterministic: bool = True) -> None:
    """Seed every random number generator the book uses.

    ``deterministic`` also turns on TensorFlow op determinism and torch deterministic
    algorithms; they cost a little speed and buy bit-identical reruns on the same machine.
    """
    os.environ["PYTHONHASHSEED"] = str(seed)
    random.seed(seed)
    np.random.seed(seed)

    import keras
    import tensorflow as tf
    import torch

    keras.utils.set_random_seed(seed)  # Python, NumPy and TensorFlow in one go
    torch.manual_seed(seed)
    if deterministic:
        tf.config.experimental.enable_op_determinism()
        torch.use_deterministic_algorithms(True, warn_only=True)
