"""medlib.chapter.results: the recorder, the results table and the README it feeds."""

import json

import numpy as np
import pandas as pd
import pytest

from medlib.book.machine import environment_key
from medlib.book.paths import REPO_ROOT, RESULTS_DIR
from medlib.book.readme_table import TABLE_END, TABLE_START, results_table, update_readme_table
from medlib.chapter import contract
from medlib.chapter.results import (
    INTERVAL_KINDS,
    METRIC_ID_SEPARATOR,
    SCHEMA_VERSION,
    ResultsRecorder,
    format_metric,
    metric_id,
)
from medlib.data import md5sum


def test_a_run_outside_the_runner_says_where_its_results_went(monkeypatch, tmp_path, capsys):
    """No silent no-op: a chapter run by hand writes to _build/unpublished/ (never into
    book/) and prints where."""
    monkeypatch.delenv("MEDLIB_RESULTS_DIR", raising=False)
    monkeypatch.setattr(contract, "UNPUBLISHED_DIR", tmp_path / "unpublished")
    recorder = ResultsRecorder("x")
    recorder.add_metric("AUROC", 0.9)
    recorder.save()
    assert recorder.saved_to == tmp_path / "unpublished" / "x.json"
    assert json.loads(recorder.saved_to.read_text())["metrics"]["AUROC"]["value"] == 0.9
    assert "not published; python -m medlib.book run x --profile book" in capsys.readouterr().out


def test_the_record_lists_the_medlib_modules_the_kernel_imported(monkeypatch, tmp_path):
    import medlib.optim.convex  # noqa: F401  (imported, so recorded)

    monkeypatch.setenv("MEDLIB_RESULTS_DIR", str(tmp_path))
    ResultsRecorder("x").save()
    modules = json.loads((tmp_path / "x.json").read_text())["modules"]
    assert "medlib.optim.convex" in modules and modules == sorted(modules)
    assert all(m == "medlib" or m.startswith("medlib.") for m in modules)


def test_artifact_path_is_beside_the_results_and_none_outside_a_run(monkeypatch, tmp_path):
    monkeypatch.delenv("MEDLIB_RESULTS_DIR", raising=False)
    assert ResultsRecorder("x").artifact_path("model.pt") is None
    monkeypatch.setenv("MEDLIB_RESULTS_DIR", str(tmp_path))
    assert ResultsRecorder("x").artifact_path("model.pt") == tmp_path / "x_model.pt"


def test_recorder_writes_json_and_predictions(monkeypatch, tmp_path):
    monkeypatch.setenv("MEDLIB_RESULTS_DIR", str(tmp_path))
    recorder = ResultsRecorder("x")
    recorder.add_data_file("d.npz", {"md5": "ab", "official": False})
    table = pd.DataFrame(
        {"value": [0.9, float("nan")], "ci_low": [0.8, None], "ci_high": [0.95, None]},
        index=["AUROC", "PPV"],
    )
    recorder.add_metric_table(table, group="test", interval="bootstrap_95", headline=("AUROC",))
    recorder.add_extra("rows", [{"epochs": np.float64("nan"), "n": np.int64(3)}])
    recorder.save(
        pd.DataFrame({"case_id": [0], "split": ["test"], "true_label": [1], "score_x": [0.7]})
    )
    result = json.loads((tmp_path / "x.json").read_text())
    assert result["schema"] == SCHEMA_VERSION
    assert result["metrics"]["test::AUROC"] == {"value": 0.9, "low": 0.8, "high": 0.95,
                                               "interval": "bootstrap_95"}
    assert result["metrics"]["test::PPV"] == {"value": None, "low": None, "high": None,
                                             "interval": None}
    assert result["headline"] == ["test::AUROC"] and result["data"]["d.npz"]["official"] is False
    assert result["extras"]["rows"] == [{"epochs": None, "n": 3}]
    assert (tmp_path / "x_predictions.csv").read_text().startswith("case_id,split,true_label")


def write_result(directory, name="x"):
    directory.mkdir(exist_ok=True)
    (directory / f"{name}.json").write_text(
        json.dumps(
            {
                "notebook": name,
                "profile": "book",
                "runtime_s": 12.3,
                "data": {"d.npz": {"md5": "ab", "official": True}},
                "metrics": {"test_AUROC": {"value": 0.91234, "low": 0.9, "high": 0.93,
                                           "interval": "splits_2.5_97.5"}},
                "headline": ["test_AUROC"],
            }
        )
    )


def test_results_table_row(tmp_path):
    write_result(tmp_path)
    assert results_table(tmp_path).splitlines()[-1] == (
        "| x | book | test_AUROC | 0.912 (2.5th–97.5th percentile over splits: 0.900–0.930) "
        "| d.npz: yes | 12 s |"
    )


def test_update_readme_table_rewrites_only_between_markers(tmp_path):
    write_result(tmp_path / "results")
    readme = tmp_path / "README.md"
    readme.write_text(f"before\n{TABLE_START}\nold\n{TABLE_END}\nafter\n")
    assert update_readme_table(readme, tmp_path / "results") is True
    text = readme.read_text()
    assert text.startswith("before\n") and text.endswith(f"{TABLE_END}\nafter\n")
    assert "old" not in text and "0.912" in text
    assert update_readme_table(readme, tmp_path / "results") is False


def test_readme_table_is_current():
    readme = (REPO_ROOT / "README.md").read_text()
    block = readme[readme.index(TABLE_START) + len(TABLE_START) : readme.index(TABLE_END)]
    assert block.strip() == results_table(RESULTS_DIR).strip(), "run `make readme`"


@pytest.mark.parametrize("name", sorted(p.stem for p in RESULTS_DIR.glob("[!_]*.json")))
def test_published_results_follow_the_schema(name):
    result = json.loads((RESULTS_DIR / f"{name}.json").read_text())
    assert set(result) == {"schema", "notebook", "profile", "params", "data", "inputs",
                           "modules", "metrics", "headline", "extras", "runtime_s", "run_id",
                           "artifacts", "run", "stamp"}
    assert result["schema"] == SCHEMA_VERSION
    assert result["notebook"] == name and result["profile"] == "book"
    for record in result["data"].values():
        assert len(record["md5"]) == 32 and isinstance(record["official"], bool)
    for key, metric in result["metrics"].items():
        assert set(metric) == {"value", "low", "high", "interval"}, key
        assert all(part and part.strip() == part for part in key.split(METRIC_ID_SEPARATOR)), key
        if metric["low"] is not None:
            assert metric["interval"] in INTERVAL_KINDS, key
            assert metric["low"] <= metric["value"] <= metric["high"], key
        else:
            assert metric["high"] is None and metric["interval"] is None, key
    assert set(result["headline"]) <= set(result["metrics"])


def test_every_chapter_was_published_on_the_same_machine_type_and_environment():
    """Each chapter carries its own run record (its timings come from its own run); all of
    them name the same machine type, CPU, Python and package versions, so numbers and
    speeds on different pages compare like with like."""
    chapters = sorted(p.stem for p in RESULTS_DIR.glob("[!_]*.json"))
    machines = {}
    for name in chapters:
        run = json.loads((RESULTS_DIR / f"{name}.json").read_text())["run"]
        assert {"platform", "cpu_model", "cpu_count", "torch", "tensorflow-cpu"} <= set(
            run["machine"]), name
        machines[name] = environment_key(run["machine"])
    first = machines[chapters[0]]
    other = [name for name, machine in machines.items() if machine != first]
    assert not other, f"published on another machine type or environment: {other}"


def test_every_loaded_artifact_is_the_one_its_chapter_published():
    results = {p.stem: json.loads(p.read_text()) for p in RESULTS_DIR.glob("[!_]*.json")}
    loaded = [(name, file, rec) for name, r in results.items()
              for file, rec in r.get("inputs", {}).items() if rec["chapter"]]
    assert loaded, "the trust and efficiency chapters load cnn_beyond's weights"
    for name, file, record in loaded:
        assert record["md5"] == md5sum(RESULTS_DIR / file), f"{name} loaded another {file}"
        # an artifact (weights) must also be the one its chapter recorded; results and
        # predictions files are the chapter's own outputs, checked by the MD5 above
        own_outputs = {f"{record['chapter']}.json", f"{record['chapter']}_predictions.csv"}
        if file not in own_outputs:
            assert record["md5"] == results[record["chapter"]]["artifacts"][file]


def test_use_artifact_and_use_results_record_what_a_chapter_loaded(monkeypatch, tmp_path):
    monkeypatch.setenv("MEDLIB_PUBLISHED_RESULTS", str(tmp_path))
    (tmp_path / "parent_weights.pt").write_bytes(b"w")
    (tmp_path / "parent.json").write_text(json.dumps({"metrics": {}}))
    recorder = ResultsRecorder("child")
    assert recorder.use_artifact("parent", "weights.pt") == tmp_path / "parent_weights.pt"
    assert recorder.use_results("parent") == {"metrics": {}}
    assert recorder.inputs == {
        "parent_weights.pt": {"chapter": "parent", "md5": md5sum(tmp_path / "parent_weights.pt")},
        "parent.json": {"chapter": "parent", "md5": md5sum(tmp_path / "parent.json")},
    }
    with pytest.raises(FileNotFoundError, match="run: python -m medlib.book run other"):
        recorder.use_results("other")


def test_metric_identifiers_refuse_the_separator_inside_a_part():
    assert metric_id(("PGD AUROC eps 4/255", "standard")) == "PGD AUROC eps 4/255::standard"
    with pytest.raises(ValueError, match="without '::'"):
        metric_id("a::b")
    with pytest.raises(ValueError, match="non-empty"):
        metric_id(("a", ""))


def test_an_interval_must_say_what_it_is():
    recorder = ResultsRecorder("x")
    with pytest.raises(ValueError, match="say what the interval is"):
        recorder.add_metric("AUROC", 0.9, 0.8, 0.95)
    with pytest.raises(ValueError, match="both ends"):
        recorder.add_metric("AUROC", 0.9, 0.8, None, interval="bootstrap_95")
    recorder.add_metric("AUROC", 0.9, 0.8, 0.95, interval="seeds_min_max")
    assert "range over seeds" in format_metric(recorder.metrics["AUROC"])
