"""Published test results the book's chapters compare against.

MedMNIST v2 (Yang et al., Scientific Data 10:41, 2023), Table 4: test AUC and ACC on the
official splits, 28 px unless the model name says otherwise; accuracies at the 0.5
threshold (binary) or arg-max (multi-class). Only the rows DESIGN.md lists are transcribed;
for a data set not listed here a chapter shows its own rows alone.

PBC (chapter ``progression``): the benchmark of the ``aorsf`` package (Jaeger et al., Journal
of Computational and Graphical Statistics 33:1, 2024) reports Harrell's C-index for death
on ``survival::pbc`` with baseline covariates, predicted from entry. The chapter predicts
from a landmark on ``survival::pbcseq``, so it shows these rows beside its own as context,
not as a like-for-like comparison.
"""

from __future__ import annotations

import pandas as pd

SOURCE = "Yang et al. 2023"

MEDMNIST_V2: dict[str, list[tuple[str, float, float]]] = {
    "pneumoniamnist": [
        ("ResNet-18 (28 px)", 0.944, 0.854),
        ("ResNet-50 (224 px)", 0.962, 0.884),
        ("AutoKeras", 0.947, 0.878),
        ("Google AutoML Vision", 0.991, 0.946),
    ],
    "breastmnist": [
        ("ResNet-18 (28 px)", 0.901, 0.863),
        ("Google AutoML Vision", 0.919, 0.861),
    ],
}


def published_results(dataset: str) -> pd.DataFrame:
    """The published rows for ``dataset`` (columns model, source, test AUROC, test
    accuracy); an empty frame with the same columns when none are transcribed."""
    rows = [
        {"model": model, "source": SOURCE, "test AUROC": auc, "test accuracy": acc}
        for model, auc, acc in MEDMNIST_V2.get(dataset, [])
    ]
    return pd.DataFrame(rows, columns=["model", "source", "test AUROC", "test accuracy"])


PBC_SOURCE = "Jaeger et al. 2024"
PBC_SETTING = f"survival::pbc, baseline covariates, {PBC_SOURCE}"

PBC_AORSF: list[tuple[str, float]] = [
    ("oblique RSF", 0.908),
    ("aorsf", 0.904),
    ("RSF", 0.895),
    ("penalised Cox", 0.886),
]


def published_pbc_c_index() -> pd.DataFrame:
    """The published C-indices for death in PBC (columns model, C-index, setting)."""
    return pd.DataFrame(
        {
            "model": [model for model, _ in PBC_AORSF],
            "C-index": [c for _, c in PBC_AORSF],
            "setting": PBC_SETTING,
        }
    )
