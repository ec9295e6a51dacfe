"""Networks of the book, one module per family.

- :mod:`.cnn`: the seed's convolutional network (Keras), chapter ``cnn_diagnosis``.
"""

from medlib.models.cnn import seed_cnn

__all__ = ["seed_cnn"]
