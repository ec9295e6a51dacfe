"""From a pretrained encoder to a classifier: fine-tuning and the linear probe.

*Fine-tuning* starts a classifier from the pretrained encoder's weights and trains all of
them with the labels; *the linear probe* freezes the encoder and fits only a logistic
regression on its embeddings. The probe measures what pretraining put into the features;
fine-tuning, what it is worth as a starting point. Both are compared with the same network
trained from a random start on the same labels for the same number of steps.
"""

from __future__ import annotations

import numpy as np
import torch
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from torch import nn

from medlib.train.device import device_of


def initialise_from(classifier: nn.Module, encoder: nn.Module) -> nn.Module:
    """Copy every weight of ``encoder`` into ``classifier`` (same architecture) except the
    classification head, which keeps its fresh initialisation. Returns ``classifier``."""
    source = {k: v for k, v in encoder.state_dict().items() if not k.startswith("head.")}
    missing, unexpected = classifier.load_state_dict(source, strict=False)
    if unexpected or any(not k.startswith("head.") for k in missing):
        raise ValueError(
            "the encoder does not match the classifier: "
            f"missing {[k for k in missing if not k.startswith('head.')]}, unexpected {unexpected}"
        )
    return classifier


@torch.no_grad()
def embeddings(encoder: nn.Module, images: torch.Tensor, batch_size: int = 512) -> np.ndarray:
    """``encoder.embed`` of ``images`` in inference mode, as a float64 array ``(n, d)``."""
    encoder.eval()
    device = device_of(encoder)
    parts = [encoder.embed(images[i : i + batch_size].to(device)).cpu()
             for i in range(0, len(images), batch_size)]
    return torch.cat(parts).double().numpy()


def linear_probe(features: np.ndarray, labels: np.ndarray, c: float = 1.0) -> Pipeline:
    """A logistic regression (L2, inverse strength ``c``, fixed in advance: a few labels
    cannot also tune it) on standardised frozen ``features``."""
    labels = np.asarray(labels)
    if len(np.unique(labels)) < 2:
        raise ValueError("a linear probe needs labels of both classes: draw a stratified subset")
    probe = make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=2000))
    return probe.fit(features, labels)
