"""Batch-normalisation settings shared by the Keras and torch improved CNNs.

Keras defaults differ from torch's (epsilon 1e-3, momentum 0.99); both frameworks' improved
CNNs use torch's values so that the twins agree in training mode as well. Kept in a module
of its own so that neither framework's model imports the other framework.
"""

BATCH_NORM_EPS = 1e-5
#: torch's convention: the weight of the new batch in the running average (Keras's
#: ``momentum`` is the weight of the old average, ``1 - BATCH_NORM_MOMENTUM``)
BATCH_NORM_MOMENTUM = 0.1
