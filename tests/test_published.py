"""The transcribed MedMNIST v2 rows are the ones DESIGN.md lists."""

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
