"""Seed ensembles and their choice on validation (chapter ``pretraining``)."""

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from medlib.metrics.ensembles import choose_on_validation, seed_ensembles


def runs(values):
    return [{"val": np.asarray(v, float), "test": np.asarray(v, float)[::-1]} for v in values]


def test_the_kth_ensemble_averages_the_kth_run_of_each_member():
    a, b = runs([[0.0, 1.0], [0.2, 0.4]]), runs([[1.0, 1.0], [0.6, 0.0]])
    ensembles = seed_ensembles({"a": a, "b": b})
    np.testing.assert_allclose(ensembles[0]["val"], [0.5, 1.0])
    np.testing.assert_allclose(ensembles[1]["val"], [0.4, 0.2])
    np.testing.assert_allclose(ensembles[1]["test"], [0.2, 0.4])


def test_members_need_the_same_number_of_seeds():
    with pytest.raises(ValueError, match="same number of runs"):
        seed_ensembles({"a": runs([[0.1]]), "b": runs([[0.1], [0.2]])})


def test_the_choice_is_the_best_validation_auroc_with_fewer_members_on_ties():
    y_val = np.array([0, 0, 1, 1])
    perfect = runs([[0.1, 0.2, 0.8, 0.9]] * 2)
    noisy = runs([[0.6, 0.2, 0.3, 0.9], [0.1, 0.7, 0.3, 0.9]])
    table = choose_on_validation({"noisy": noisy, "perfect": perfect}, y_val)
    assert list(table["members"]) == ["perfect", "noisy + perfect", "noisy"]
    assert table.loc[0, "val AUROC"] == 1.0
    expected = np.mean([roc_auc_score(y_val, r["val"]) for r in noisy])
    assert table.set_index("members").loc["noisy", "val AUROC"] == pytest.approx(expected)
