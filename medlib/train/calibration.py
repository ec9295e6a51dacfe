"""Temperature scaling (Guo et al., 2017): one scalar, fitted on validation logits.

A network trained with label smoothing or on a different class balance than the clinic's
is mis-calibrated: its 0.9 does not mean 9 in 10. Dividing every logit by one temperature
T > 0 keeps the ranking (AUROC and arg-max accuracy are unchanged) and makes the
probabilities honest on data like the validation set. T is fitted by minimising the
validation negative log-likelihood; it is never fitted on test data. Chapter ``cnn_beyond``.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import log_expit, log_softmax


def negative_log_likelihood(logits: np.ndarray, labels: np.ndarray, temperature: float) -> float:
    """Mean NLL of ``labels`` under ``logits / temperature`` (one logit column = binary)."""
    z = np.asarray(logits, dtype=np.float64) / temperature
    labels = np.ravel(labels).astype(int)
    if z.ndim == 1 or z.shape[1] == 1:
        z = z.reshape(-1)
        return float(-np.mean(np.where(labels == 1, log_expit(z), log_expit(-z))))
    return float(-np.mean(log_softmax(z, axis=1)[np.arange(len(labels)), labels]))


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The temperature in [0.05, 20] that minimises the NLL of ``labels`` (bounded search
    on log T, so that T stays positive)."""
    labels = np.ravel(labels)
    if len(labels) != len(logits):
        raise ValueError(f"{len(logits)} logits but {len(labels)} labels")
    result = minimize_scalar(
        lambda log_t: negative_log_likelihood(logits, labels, float(np.exp(log_t))),
        bounds=(np.log(0.05), np.log(20.0)),
        method="bounded",
        options={"xatol": 1e-6},
    )
    return float(np.exp(result.x))
