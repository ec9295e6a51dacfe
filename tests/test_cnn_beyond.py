"""Chapter ``cnn_beyond`` runs unchanged on any 2D MedMNIST binary or multi-class set:
its quick profile on a small crafted BreastMNIST-like (binary, grey) and BloodMNIST-like
(8 classes, colour) file, and a clear refusal of a multi-label set."""

from __future__ import annotations

import json

import pytest

from medlib.book.runner import NotebookError, run_notebook

from conftest import list_in_manifest, write_medmnist_like

CASES = {
    "breastmnist": {"n_classes": 2, "channels": 1},
    "bloodmnist": {"n_classes": 8, "channels": 3},
}


@pytest.mark.notebooks
@pytest.mark.parametrize("dataset", sorted(CASES))
def test_runs_on_a_crafted_file_of_each_kind(dataset, isolated_data_dirs, tmp_path):
    data_dir, _ = isolated_data_dirs
    counts = {"train": 48, "val": 24, "test": 24}
    path = write_medmnist_like(data_dir / f"{dataset}.npz", counts, **CASES[dataset])
    list_in_manifest(data_dir, path)
    out = tmp_path / "out"
    out.mkdir()
    run_notebook("cnn_beyond", "quick", {"dataset": dataset}, output_dir=out, progress=False)
    result = json.loads((out / "results" / "cnn_beyond.json").read_text())
    assert result["params"]["dataset"] == dataset
    assert list(result["data"]) == [f"{dataset}.npz"]
    assert 0 <= result["metrics"]["test_AUROC"]["value"] <= 1
    assert result["metrics"]["test_AUROC"]["interval"] == "bootstrap_95"
    assert result["headline"] == ["test_AUROC", "test_accuracy"]
    assert {"seed_cnn_test_AUROC", "seed_cnn_test_accuracy"} <= set(result["metrics"])
    assert [row["ablation"] for row in result["extras"]["ablation"]][:3] == [
        "full recipe", "− test-time augmentation", "− temperature scaling"]
    predictions = (out / "results" / "cnn_beyond_predictions.csv").read_text().splitlines()
    assert len(predictions) == 1 + counts["val"] + counts["test"]
    n_score_columns = 4 * (1 if CASES[dataset]["n_classes"] == 2 else CASES[dataset]["n_classes"])
    assert len(predictions[0].split(",")) == 3 + n_score_columns  # 2 seeds x 2 models


@pytest.mark.notebooks
def test_refuses_a_multi_label_set(isolated_data_dirs, tmp_path):
    data_dir, _ = isolated_data_dirs
    path = write_medmnist_like(data_dir / "chestmnist.npz")
    list_in_manifest(data_dir, path)
    with pytest.raises(NotebookError, match="multi-label"):
        run_notebook(
            "cnn_beyond", "quick", {"dataset": "chestmnist"}, output_dir=tmp_path, progress=False
        )
