"""The helpers :mod:`medlib.metrics.seeds` gives chapter ``cnn_beyond``: the two MedMNIST
metrics as one ``metric_fn``, and table columns that name each spread for what it is."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import accuracy_score, roc_auc_score

from medlib.metrics.seeds import auroc_and_accuracy, seed_report_columns


def test_auroc_and_accuracy_match_scikit_learn():
    y = np.array([0, 1, 1, 0, 1])
    s = np.array([0.2, 0.7, 0.4, 0.6, 0.9])
    assert auroc_and_accuracy(y, s) == {
        "AUROC": pytest.approx(roc_auc_score(y, s)),
        "accuracy": pytest.approx(accuracy_score(y, s >= 0.5)),
    }
    multi = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4], [0.5, 0.4, 0.1]])
    assert auroc_and_accuracy(np.array([0, 1, 2, 1]), multi)["accuracy"] == 0.75


def test_report_columns_label_the_interval_and_the_spreads():
    table = pd.DataFrame({"value": [0.91], "seed_sd": [0.012], "ci_low": [0.88],
                          "ci_high": [0.94], "seed_min": [0.9], "seed_max": [0.925]},
                         index=["AUROC"])
    assert seed_report_columns(table, ["AUROC"]) == {
        "test AUROC": 0.91,
        "AUROC 95% CI (bootstrap over test cases)": "0.880–0.940",
        "AUROC SD over seeds": 0.012,
        "AUROC range over seeds": "0.900–0.925",
    }
