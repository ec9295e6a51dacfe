"""Published test results the book's image chapters compare against.

MedMNIST v2 (Yang et al., Scientific Data 10:41, 2023), Table 4: test AUC and ACC on the
official splits, 28 px unless the model name says otherwise; accuracies at the 0.5
threshold (binary) or arg-max (multi-class). Only the rows DESIGN.md lists are transcribed;
for a data set not listed here a chapter shows its own rows alone.
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
