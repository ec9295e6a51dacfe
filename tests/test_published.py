"""The transcribed MedMNIST v2 rows are the ones DESIGN.md lists."""

import pytest

from medlib.data.published import published_pbc_benchmark, published_results


def test_pneumoniamnist_rows_match_design():
    table = published_results("pneumoniamnist").set_index("model")
    assert table.loc["ResNet-18 (28 px)", "test AUROC"] == 0.944
    assert table.loc["Google AutoML Vision", "test accuracy"] == 0.946
    assert len(table) == 4


def test_unknown_data_set_gives_an_empty_table_with_the_columns():
    table = published_results("bloodmnist")
    assert table.empty and list(table.columns) == ["model", "source", "test AUROC", "test accuracy"]


def test_pbc_rows_are_the_aorsf_benchmark():
    table = published_pbc_benchmark()
    assert list(table.columns) == ["model", "time-dependent C (Blanche 2013)", "setting"]
    assert dict(zip(table["model"], table["time-dependent C (Blanche 2013)"], strict=True)) == {
        "oblique RSF": 0.908, "aorsf": 0.904, "RSF": 0.895, "penalised Cox": 0.886}
    assert table["setting"].str.startswith("pbc_orsf (276 complete cases").all()


def test_medmnist_plus_rows_match_design():
    from medlib.data.published import medmnist_plus_results

    table = medmnist_plus_results("pneumoniamnist").set_index("model")
    assert [tuple(r) for r in table[["test AUROC", "test accuracy"]].to_numpy()] == [
        (0.970, 0.848), (0.959, 0.851), (0.989, 0.916)]
    assert table["source"].eq("Doerrich et al. 2025").all()
    assert table["like for like?"].str.contains("pretrained on ImageNet").all()
    assert medmnist_plus_results("bloodmnist").empty


def test_anchor_rows_say_how_each_differs():
    from medlib.data.published import anchor_rows

    table = anchor_rows("pneumoniamnist")
    assert len(table) == 7 and table["like for like?"].notna().all()
    assert table.iloc[-1]["model"].startswith("DINO ViT-B/16")


def test_aorsf_bench_rows_match_design_and_the_older_pbc_rows():
    """DESIGN.md's numbers (PBC: oblique RSF .908, aorsf .904, RSF .895, glmnet-Cox .886,
    xgboost-Cox .882; NAFLD: xgboost-Cox .876, aorsf .869, RSF .860, glmnet-Cox .860)."""
    from medlib.data.published import PBC_AORSF, published_aorsf_bench

    pbc = published_aorsf_bench("pbc_orsf").set_index("learner")["time-dependent C"]
    nafld = published_aorsf_bench("nafld").set_index("learner")["time-dependent C"]
    assert pbc[["obliqueRSF-net", "aorsf-fast", "rsf-standard", "glmnet-cox",
                "xgboost-cox"]].tolist() == [0.908, 0.904, 0.895, 0.886, 0.882]
    assert nafld[["xgboost-cox", "aorsf-fast", "rsf-standard", "glmnet-cox"]].tolist() == \
        [0.876, 0.869, 0.860, 0.860]
    assert sorted(c for _, c in PBC_AORSF) == sorted(
        pbc[["obliqueRSF-net", "aorsf-fast", "rsf-standard", "glmnet-cox"]])
    assert len(pbc) == len(nafld) == 13


def test_unknown_aorsf_task_says_which_are_transcribed():
    from medlib.data.published import published_aorsf_bench

    with pytest.raises(ValueError, match="transcribed tasks: pbc_orsf, nafld"):
        published_aorsf_bench("flchain")
