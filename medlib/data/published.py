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


AORSF_SOURCE = "Jaeger et al. 2024"
AORSF_TABLE = "supplementary table of all results (tab:bm_pred_all)"

#: The aorsf benchmark's full rows for the two liver tasks: (learner, IPA, its SD, time-
#: dependent C, its SD), mean and SD over 25 Monte-Carlo 50/50 splits, as printed (IPA is
#: the paper's "scaled Brier"; xgboost-aft has none). Chapter ``progression_benchmarks``.
AORSF_BENCH: dict[str, list[tuple[str, float | None, float | None, float, float]]] = {
    "pbc_orsf": [
        ("aorsf-fast", 0.423, 0.035, 0.904, 0.021),
        ("aorsf-cph", 0.413, 0.034, 0.901, 0.022),
        ("cif-rotate", 0.405, 0.040, 0.899, 0.022),
        ("rsf-standard", 0.392, 0.034, 0.895, 0.023),
        ("obliqueRSF-net", 0.359, 0.030, 0.908, 0.022),
        ("cif-standard", 0.352, 0.034, 0.904, 0.025),
        ("cif-extension", 0.348, 0.033, 0.901, 0.023),
        ("aorsf-random", 0.344, 0.031, 0.891, 0.020),
        ("glmnet-cox", 0.342, 0.044, 0.886, 0.028),
        ("ranger-extratrees", 0.277, 0.027, 0.894, 0.027),
        ("xgboost-cox", 0.256, 0.103, 0.882, 0.026),
        ("nn-cox", -0.024, 0.033, 0.556, 0.123),
        ("xgboost-aft", None, None, 0.883, 0.024),
    ],
    "nafld": [
        ("aorsf-cph", 0.213, 0.009, 0.869, 0.006),
        ("aorsf-fast", 0.212, 0.009, 0.869, 0.006),
        ("rsf-standard", 0.207, 0.009, 0.860, 0.005),
        ("glmnet-cox", 0.207, 0.011, 0.860, 0.005),
        ("cif-standard", 0.205, 0.007, 0.863, 0.006),
        ("obliqueRSF-net", 0.204, 0.008, 0.868, 0.006),
        ("cif-rotate", 0.190, 0.008, 0.865, 0.005),
        ("ranger-extratrees", 0.181, 0.007, 0.860, 0.005),
        ("cif-extension", 0.166, 0.003, 0.866, 0.006),
        ("aorsf-random", 0.141, 0.006, 0.839, 0.007),
        ("xgboost-cox", 0.022, 0.014, 0.876, 0.005),
        ("nn-cox", 0.000, 0.002, 0.557, 0.095),
        ("xgboost-aft", None, None, 0.875, 0.005),
    ],
}


def published_aorsf_bench(task: str) -> pd.DataFrame:
    """The aorsf benchmark's rows for ``task`` ("pbc_orsf" or "nafld"): columns learner,
    IPA, IPA SD, time-dependent C, C SD (mean and SD over its 25 splits)."""
    if task not in AORSF_BENCH:
        raise ValueError(f"no published aorsf benchmark rows for {task!r}; "
                         f"transcribed tasks: {', '.join(AORSF_BENCH)}")
    return pd.DataFrame(AORSF_BENCH[task], columns=["learner", "IPA", "IPA SD",
                                                     "time-dependent C", "C SD"])
