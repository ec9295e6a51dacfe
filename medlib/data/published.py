"""Published test results the book's chapters compare against.

MedMNIST v2 (Yang et al., Scientific Data 10:41, 2023), Table 4: test AUC and ACC on the
official splits, 28 px unless the model name says otherwise; accuracies at the 0.5
threshold (binary) or arg-max (multi-class). Only the rows DESIGN.md lists are transcribed;
for a data set not listed here a chapter shows its own rows alone.

PBC (chapter ``progression_pbc``): the benchmark of the ``aorsf`` package (Jaeger et al.,
Journal of Computational and Graphical Statistics 33:1, 2024) reports a time-dependent C
statistic (Blanche et al. 2013, averaged over event times between their 25th and 75th
percentiles), not Harrell's C, for death on ``pbc_orsf``: the 276 complete cases of
``survival::pbc``, 17 baseline predictors, predicted from entry, over 25 Monte-Carlo 50/50
splits. The chapter reports Harrell's C from a landmark on ``survival::pbcseq``, so it
shows these rows beside its own as context, labelled as not like for like.
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
PBC_STATISTIC = "time-dependent C (Blanche 2013)"
PBC_SETTING = (f"pbc_orsf (276 complete cases of survival::pbc), 17 baseline predictors, "
               f"25 splits 50/50, {PBC_SOURCE}")

PBC_AORSF: list[tuple[str, float]] = [
    ("oblique RSF", 0.908),
    ("aorsf", 0.904),
    ("RSF", 0.895),
    ("penalised Cox", 0.886),
]


def published_pbc_benchmark() -> pd.DataFrame:
    """The aorsf benchmark's published time-dependent C statistics for death in PBC
    (columns model, time-dependent C, setting). Not Harrell's C: see the module docstring."""
    return pd.DataFrame(
        {
            "model": [model for model, _ in PBC_AORSF],
            PBC_STATISTIC: [c for _, c in PBC_AORSF],
            "setting": PBC_SETTING,
        }
    )


PLUS_SOURCE = "Doerrich et al. 2025"

#: MedMNIST+ (Doerrich et al., Scientific Reports 15, 2025; arXiv:2404.15786): ImageNet-pretrained
#: networks on the official splits, mean of 3 seeds; (model, AUROC, accuracy, how it differs
#: from this book's setting). Chapter ``pretraining``.
MEDMNIST_PLUS: dict[str, list[tuple[str, float, float, str]]] = {
    "pneumoniamnist": [
        ("VGG16, ImageNet-pretrained (28 px)", 0.970, 0.848,
         "same test set and image size; pretrained on ImageNet"),
        ("AlexNet, ImageNet-pretrained (28 px)", 0.959, 0.851,
         "same test set and image size; pretrained on ImageNet"),
        ("DINO ViT-B/16, linear probe (224 px)", 0.989, 0.916,
         "same test set; 224-pixel images, not 28; pretrained on ImageNet"),
    ],
}


def medmnist_plus_results(dataset: str) -> pd.DataFrame:
    """The MedMNIST+ rows for ``dataset`` (columns model, source, test AUROC, test accuracy,
    like for like?); empty with the same columns when none are transcribed."""
    rows = [
        {"model": model, "source": PLUS_SOURCE, "test AUROC": auc, "test accuracy": acc,
         "like for like?": differs}
        for model, auc, acc, differs in MEDMNIST_PLUS.get(dataset, [])
    ]
    return pd.DataFrame(rows, columns=["model", "source", "test AUROC", "test accuracy",
                                       "like for like?"])


def anchor_rows(dataset: str) -> pd.DataFrame:
    """Every published row for ``dataset`` (MedMNIST v2, then MedMNIST+), with a
    ``like for like?`` column that says how each differs from a 28-pixel model trained on
    the official training split (chapter ``pretraining``)."""
    v2 = published_results(dataset).assign(**{
        "like for like?": "same test split and metrics; trained by the authors"})
    return pd.concat([v2, medmnist_plus_results(dataset)], ignore_index=True)
