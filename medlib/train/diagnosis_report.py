"""The report of chapter ``cnn_diagnosis``: its numbers as the texts its page glues.

The chapter trains the seed CNN from several seeds and reports the mean over seeds with
two spreads, the 95% CI (bootstrap over test cases) and the range over seeds. The
functions here turn its tables into what the page states, one dictionary of glue keys per
section (glued with :func:`medlib.chapter.glue_facts.glue_facts`), and into the per-seed
records its results file keeps, so that every number and word the page shows is built,
and tested, here rather than in a hidden cell of the notebook.
Chapter: ``cnn_diagnosis``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

import numpy as np
import pandas as pd

from medlib.metrics import METRIC_NAMES
from medlib.metrics.seed_summary import AT_HALF, OPERATING_POINT

#: The epochs of the MedMNIST v2 protocol, which the chapter shortens.
PROTOCOL_EPOCHS = 100
#: How the page names the data file, official or a rebuild listed in its folder's manifest.
OFFICIAL_FILE = "the official file"
REBUILT_FILE = "not the official file: listed in its MANIFEST.tsv"
#: The published rows whose test AUROC the conclusion cites, by glue key.
PUBLISHED_ROWS = {"pub_resnet18": "ResNet-18 (28 px)", "pub_autokeras": "AutoKeras",
                  "pub_automl": "Google AutoML Vision"}
#: The glue keys of the test-set report: (table, metric), the table at each seed's
#: validation-chosen threshold ("val") or at 0.5 ("half").
METRIC_KEYS = {
    "test_auroc": ("val", "AUROC"), "test_acc": ("val", "accuracy"),
    "test_acc_half": ("half", "accuracy"), "sens": ("val", "sensitivity"),
    "spec": ("val", "specificity"), "sens_half": ("half", "sensitivity"),
    "spec_half": ("half", "specificity"), "brier": ("val", "Brier"),
}


class DataInfo(Protocol):
    """What the page states of a data set (:class:`medlib.data.registry` entries)."""

    name: str
    description: str
    license: str


class DataFile(Protocol):
    """The data file read: its MD5 and whether that is the official one."""

    md5: str
    official: bool


def data_facts(info: DataInfo, file: DataFile, size: int) -> dict[str, str]:
    """The cohort section's description of the file read, so that a reader can tell the
    official file from the offline rebuild."""
    return {"data_name": info.name, "data_description": info.description, "size": f"{size}",
            "data_license": info.license, "data_md5": file.md5,
            "data_official": OFFICIAL_FILE if file.official else REBUILT_FILE}


def throughput_facts(throughput: pd.DataFrame,
                     feature_maps: Sequence[Sequence[int]]) -> dict[str, str]:
    """Why the chapter trains on small images: ``throughput`` has one row per input size
    (the seed's 224 px first, this chapter's second; columns ``parameters``, ``training
    images / s``, ``100 epochs (h)``) and ``feature_maps`` the shape of the last pooled
    feature map at each, which the dense layer flattens."""
    speed = throughput["training images / s"]
    parameters = throughput["parameters"]
    return {
        "speedup": f"{speed.iloc[1] / speed.iloc[0]:,.0f}",
        "hours_224": f"{throughput['100 epochs (h)'].iloc[0]:.1f}",
        "param_ratio": f"{parameters.iloc[0] / parameters.iloc[1]:,.0f}",
        "flat_shape_224": " × ".join(str(d) for d in feature_maps[0]),
        "flat_224": f"{np.prod(feature_maps[0]):,}",
        "flat_small": f"{np.prod(feature_maps[1]):,}",
        "params_small": f"{parameters.iloc[1]:,}",
    }


def training_facts(training_log: pd.DataFrame, epochs: int, seeds: Sequence[int]
                   ) -> dict[str, str]:
    """The training section: the seeds, the shortened schedule and its learning-rate steps
    (at 50% and 75% of the epochs), what the protocol's 100 epochs would cost at the
    measured speed, and the epochs kept (``training_log``: one row per seed with ``kept
    epoch``, ``val AUROC at kept epoch`` and ``training (s)``)."""
    n_seeds = len(seeds)
    seconds_per_epoch = training_log["training (s)"].sum() / (n_seeds * epochs)
    return {
        "val_auroc": f"{training_log['val AUROC at kept epoch'].mean():.3f}",
        "kept_epochs": ", ".join(str(e) for e in training_log["kept epoch"]),
        "epochs": f"{epochs}", "n_seeds": f"{n_seeds}",
        "seed_list": ", ".join(str(s) for s in seeds),
        "lr_step_1": f"{int(0.5 * epochs) + 1}", "lr_step_2": f"{int(0.75 * epochs) + 1}",
        "protocol_minutes": f"{n_seeds * PROTOCOL_EPOCHS * seconds_per_epoch / 60:.0f}",
    }


def training_record(training_log: pd.DataFrame, epochs: int, seeds: Sequence[int]
                    ) -> dict[str, object]:
    """The results file's ``training`` extra: the schedule run against the protocol's, the
    seeds and the total training time."""
    return {"epochs": epochs, "protocol_epochs": PROTOCOL_EPOCHS, "seeds": list(seeds),
            "seconds": round(float(training_log["training (s)"].sum()), 1)}


def metric_facts(at_val: pd.DataFrame, at_half: pd.DataFrame, view_val: pd.DataFrame,
                      view_half: pd.DataFrame) -> dict[str, str]:
    """Each metric of :data:`METRIC_KEYS` as the mean over seeds (``key``), its 95% CI
    (``key_ci``) and its range over seeds (``key_range``), from the seed summary's tables
    and their :func:`medlib.metrics.seed_summary.summary_view`."""
    tables = {"val": (at_val, view_val), "half": (at_half, view_half)}
    facts = {}
    for key, (which, metric) in METRIC_KEYS.items():
        table, view = tables[which]
        _, ci, seed_range = view.loc[metric]
        facts[key] = f"{table.loc[metric, 'value']:.3f}"
        facts[f"{key}_ci"] = ci
        facts[f"{key}_range"] = seed_range
    return facts


def split_facts(y: Mapping[str, np.ndarray]) -> dict[str, str]:
    """The splits' sizes and prevalences the conclusion cites: the validation–test gap
    comes with a different prevalence, and Youden's threshold rests on few normals."""
    return {"prev_train": f"{100 * y['train'].mean():.0f}%",
            "prev_test": f"{100 * y['test'].mean():.0f}%",
            "val_normals": f"{int((y['val'] == 0).sum())}", "n_test": f"{len(y['test'])}"}


def calibration_facts(calibration: pd.DataFrame, brier_constant: float) -> dict[str, str]:
    """Calibration (``calibration``: one row per seed with ``intercept`` and ``slope``):
    the mean slope and intercept with their ranges over seeds, the observed frequency a
    predicted 0.5 corresponds to at the mean intercept, and the Brier score of a constant
    prediction of the training prevalence."""
    intercept, slope = calibration["intercept"], calibration["slope"]
    return {
        "cal_slope": f"{slope.mean():.2f}",
        "cal_slope_range": f"{slope.min():.2f}–{slope.max():.2f}",
        "cal_intercept": f"{intercept.mean():.2f}",
        "cal_intercept_range": f"{intercept.min():.2f} to {intercept.max():.2f}",
        "observed_at_half": f"{100 / (1 + np.exp(-intercept.mean())):.0f}%",
        "brier_constant": f"{brier_constant:.3f}",
    }


def errors_facts(thresholds: Mapping[int, float], first: int, y_test: np.ndarray,
                 first_scores: np.ndarray) -> dict[str, str]:
    """The operating points: the spread of the seeds' validation-chosen ``thresholds`` and
    the first seed's false positives and negatives at its own threshold and at 0.5."""
    low, high = min(thresholds.values()), max(thresholds.values())
    facts = {"threshold_range": f"{low:.3f} and {high:.3f}", "first_seed": f"{first}"}
    for name, cut in (("val", thresholds[first]), ("half", 0.5)):
        facts[f"fp_{name}_first"] = f"{int(((first_scores >= cut) & (y_test == 0)).sum())}"
        facts[f"fn_{name}_first"] = f"{int(((first_scores < cut) & (y_test == 1)).sum())}"
    return facts


def interval_side(value: float, low: float, high: float) -> str:
    """Where ``value`` lies against the interval ``low``–``high``: "above", "below" or
    "inside" (a missing value is inside none, and reads "inside")."""
    return "above" if value > high else "below" if value < low else "inside"


def published_facts(published: pd.DataFrame, at_val: pd.DataFrame) -> dict[str, str]:
    """The published test AUROCs the conclusion cites ("nan" where a row is not
    transcribed for this data set) and where AutoML Vision's lies against our 95% CI."""
    auroc = published.set_index("model")["test AUROC"]
    facts = {key: f"{auroc.get(model, np.nan):.3f}" for key, model in PUBLISHED_ROWS.items()}
    _, low, high = at_val.loc["AUROC", ["value", "ci_low", "ci_high"]]
    facts["automl_vs_ci"] = interval_side(auroc.get(PUBLISHED_ROWS["pub_automl"], np.nan),
                                          low, high)
    return facts


def per_seed_records(seeds: Sequence[int], thresholds: Mapping[int, float],
                     training_log: pd.DataFrame, per_seed: pd.DataFrame,
                     calibration: pd.DataFrame) -> list[dict[str, object]]:
    """One record per seed for the results file: its threshold, kept epoch and validation
    AUROC there, every test metric at its threshold and the operating point at 0.5, and
    its calibration intercept and slope."""
    return [
        {"seed": s, "threshold": thresholds[s],
         "kept_epoch": int(training_log.loc[s, "kept epoch"]),
         "val_AUROC_kept_epoch": training_log.loc[s, "val AUROC at kept epoch"],
         **{f"test_{name}": per_seed.loc[s, name] for name in METRIC_NAMES},
         **{f"test_at_0.5_{name}": per_seed.loc[s, f"{name}{AT_HALF}"] for name in OPERATING_POINT},
         **{f"test_calibration_{name}": calibration.loc[s, name] for name in calibration}}
        for s in seeds
    ]


def range_over_seeds(records: Sequence[Mapping[str, object]]) -> dict[str, dict[str, object]]:
    """Per number of :func:`per_seed_records` (seed and kept epoch left out), its min, max
    and SD over seeds (None for one seed, which has no spread)."""
    table = pd.DataFrame(records).drop(columns=["seed", "kept_epoch"])
    return {name: {"min": values.min(), "max": values.max(),
                   "sd": values.std(ddof=1) if len(values) > 1 else None}
            for name, values in table.items()}
