"""Every reported test metric, recomputed from the chapter's published predictions.

DESIGN.md, "Results files": a chapter that reports a test metric writes
``NAME_predictions.csv`` beside ``NAME.json`` so that anyone can recompute its numbers with
another library. This module does that with scikit-learn and scikit-survival directly, never
with medlib's metric code, so a bug there cannot hide here.

Each ``check_<chapter>(result, predictions)`` takes the parsed results file and the
predictions frame and returns one :class:`Comparison` per reported number it could
recompute (every headline metric among them). They work on any results folder (with
``tests/`` on ``sys.path``)::

    from test_predictions import compare_chapter
    bad = [c for c in compare_chapter("robustness", Path("/tmp/run/results")) if not c.ok]

Bootstrap intervals are not recomputed (they depend on the resampling seed and code);
intervals that are percentiles over repeated splits are.

The files hold 10 significant digits, so scores that tie in a file tied in the notebook,
except for scores closer than that (a nearly constant model, such as a one-epoch DP-SGD
run of the quick profile). Each recomputation therefore carries a margin, the most ties in
the file can move it (half the share of tied pairs for AUROC and C, the share of scores on
the threshold for accuracy), and a comparison passes within ``TOLERANCE`` plus that margin.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import accuracy_score, brier_score_loss, roc_auc_score, roc_curve
from sksurv.metrics import concordance_index_censored

from medlib.book.paths import RESULTS_DIR

# A metric recomputed from 10-digit scores moves by far less than this.
TOLERANCE = 1e-4
HALF_LAST_DIGIT = 5e-7  # scores of older six-decimal files were within 5e-7 of the truth
# Checked per seed and threshold in test_predictions_cnn_diagnosis.py.
NOT_CHECKED_HERE = {"cnn_diagnosis"}
# Chapters whose headline metrics do not come from test predictions (the others' must).
HEADLINE_NOT_FROM_PREDICTIONS = {"interpretability"}  # similarities of attribution maps

Value = tuple[float, float]  # a recomputed metric and the most rounding ties can move it


@dataclass(frozen=True)
class Comparison:
    """One number of ``NAME.json`` (``name``: where it is) against its recomputation."""

    name: str
    reported: float
    recomputed: float
    margin: float = 0.0

    @property
    def ok(self) -> bool:
        return bool(abs(self.reported - self.recomputed) <= TOLERANCE + self.margin)


def compared(name: str, reported: float, value: Value) -> Comparison:
    return Comparison(name, reported, *value)


def mean_of(values: list[Value]) -> Value:
    """The mean of several recomputed metrics (over seeds), with the mean of their margins."""
    return float(np.mean([v for v, _ in values])), float(np.mean([m for _, m in values]))


# --- metrics, from scikit-learn and scikit-survival only ------------------------------------


def auroc(y: np.ndarray, scores: np.ndarray) -> Value:
    counts = pd.crosstab(scores, y)
    tied_pairs = float((counts.get(0, 0) * counts.get(1, 0)).sum())
    share_tied = tied_pairs / ((y == 0).sum() * (y == 1).sum())
    return float(roc_auc_score(y, scores)), share_tied / 2


def accuracy_at(y: np.ndarray, scores: np.ndarray, threshold: float = 0.5) -> Value:
    """Accuracy of the decision ``score >= threshold`` (the book's rule for binary models)."""
    on_threshold = np.abs(scores - threshold) <= 2 * HALF_LAST_DIGIT
    return float(accuracy_score(y, (scores >= threshold).astype(int))), float(on_threshold.mean())


def brier(y: np.ndarray, scores: np.ndarray) -> Value:
    return float(brier_score_loss(y, scores)), 2 * HALF_LAST_DIGIT


def youden_threshold(y: np.ndarray, scores: np.ndarray) -> float:
    """The ROC threshold maximising sensitivity + specificity - 1 (first one on ties)."""
    fpr, tpr, thresholds = roc_curve(y, scores)
    return float(min(thresholds[int(np.argmax(tpr - fpr))], 1.0))


def harrell_c(time: np.ndarray, event: np.ndarray, risk: np.ndarray) -> Value:
    c, concordant, discordant, tied_risk, _ = concordance_index_censored(
        event.astype(bool), time.astype(float), risk)
    return float(c), 0.5 * tied_risk / (concordant + discordant + tied_risk)


def scored_rows(predictions: pd.DataFrame, column: str, split: str = "test"):
    """Labels and scores of ``split``'s rows that have a value in ``column``."""
    if column not in predictions:
        raise KeyError(f"no column {column!r} in the predictions file")
    rows = predictions[(predictions["split"] == split) & predictions[column].notna()]
    if rows.empty:
        raise KeyError(f"column {column!r} has no {split} rows")
    return rows["true_label"].to_numpy(int), rows[column].to_numpy(float)


# --- one check per chapter --------------------------------------------------------------------


def _seed_columns(predictions: pd.DataFrame, prefix: str) -> list[str]:
    columns = [c for c in predictions if re.fullmatch(rf"{prefix}_seed\d+", c)]
    assert columns, f"no {prefix}_seed<k> columns (binary task expected)"
    return columns


def check_cnn_beyond(result: dict, predictions: pd.DataFrame) -> list[Comparison]:
    """Means over seeds: the improved CNN (``score_improved_seed<k>``, test-time augmentation
    and temperature) and the seed CNN under the MedMNIST protocol (``score_seed_cnn_seed<k>``)."""
    out = []
    metrics = result["metrics"]

    def over_seeds(columns, metric, split="test"):
        return mean_of([metric(*scored_rows(predictions, c, split)) for c in columns])

    improved = _seed_columns(predictions, "score_improved")
    seed_cnn = _seed_columns(predictions, "score_seed_cnn")
    for prefix, columns in (("test_", improved), ("seed_cnn_test_", seed_cnn)):
        for metric, fn in (("AUROC", auroc), ("accuracy", accuracy_at)):
            if f"{prefix}{metric}" in metrics:
                out.append(compared(f"metrics::{prefix}{metric}",
                                    metrics[f"{prefix}{metric}"]["value"], over_seeds(columns, fn)))
    for row in result["extras"].get("ablation", []):
        if row["ablation"] == "full recipe":
            for key, fn, split in (
                ("test AUROC", auroc, "test"), ("test accuracy", accuracy_at, "test"),
                ("test Brier", brier, "test"), ("val AUROC", auroc, "val"),
                ("val accuracy", accuracy_at, "val"),
            ):
                out.append(compared(f"ablation/full recipe/{key}", row[key],
                                    over_seeds(improved, fn, split)))
    for row in result["extras"].get("calibration", []):
        if row["temperature"] == "after":
            out.append(compared(f"calibration/{row['split']}/after/Brier", row["Brier"],
                                over_seeds(improved, brier, row["split"])))
    return out


def check_cnn_frontier(result: dict, predictions: pd.DataFrame) -> list[Comparison]:
    """Each ensemble's probability is the mean of its two networks' (the k-th first
    network with the k-th second one, as ``extras::ensembles`` records the seeds), and the
    headline AUROC and accuracy are the means over the ensembles (``score_ensemble<k>``)."""
    out = []
    seeds = result["extras"]["ensembles"]
    chosen = seeds["epochs"]
    first = "long" if chosen == result["params"]["long_epochs"] else "short"
    ensembles = sorted(c for c in predictions if re.fullmatch(r"score_ensemble\d+", c))
    assert len(ensembles) == len(seeds["first seeds"]) == len(seeds["second seeds"])
    for k, column in enumerate(ensembles):
        members = predictions[[f"score_{first}_seed{seeds['first seeds'][k]}",
                               f"score_second_seed{seeds['second seeds'][k]}"]].mean(axis=1)
        out.append(Comparison(f"{column}: largest gap to its networks' mean",
                              float(np.max(np.abs(predictions[column] - members))), 0.0,
                              2 * HALF_LAST_DIGIT))
    for metric, fn in (("AUROC", auroc), ("accuracy", accuracy_at)):
        name = f"test::{metric}::ensembles of two"
        recomputed = mean_of([fn(*scored_rows(predictions, c)) for c in ensembles])
        out.append(compared(f"metrics::{name}", result["metrics"][name]["value"], recomputed))
    return out


def _optimizer_column(rule: str) -> str:
    for old in "(),":
        rule = rule.replace(old, "")
    return "score_" + rule.replace(" ", "_")


def check_optimizers(result: dict, predictions: pd.DataFrame) -> list[Comparison]:
    """Test AUROC of the CNN trained with each update rule (``score_<rule>``)."""
    out = []
    for name, metric in result["metrics"].items():
        if name.startswith("test_AUROC::"):
            column = _optimizer_column(name.split("::", 1)[1])
            out.append(compared(f"metrics::{name}", metric["value"],
                                auroc(*scored_rows(predictions, column))))
    for row in result["extras"].get("part2", []):
        out.append(compared(f"part2/{row['rule']}/test AUROC", row["test AUROC"],
                            auroc(*scored_rows(predictions, _optimizer_column(row["rule"])))))
    return out


def check_progression(result: dict, predictions: pd.DataFrame) -> list[Comparison]:
    """Harrell's C of every model on every repetition (``per_split``), and its mean and
    corrected resampled t interval over repetitions (``metrics``, "C Harrell::<model>").

    Higher ``risk_<model>`` means higher risk for every model (probability of death by the
    horizon, Cox linear predictor, forest cumulative hazard), as concordance_index_censored
    expects.
    """
    out = []
    per_model: dict[str, list[Value]] = {}
    for row in result["extras"]["per_split"]:
        repetition = row["repetition"] if "repetition" in row else row["split"] + 1
        split = f"test (repetition {repetition})"
        test = predictions[predictions["split"] == split]
        if test.empty:
            raise KeyError(f"no rows with split {split!r} in the predictions file")
        c = harrell_c(test["true_time"].to_numpy(), test["true_event"].to_numpy(),
                      test[f"risk_{row['model']}"].to_numpy(float))
        per_model.setdefault(row["model"], []).append(c)
        out.append(compared(f"per_split/{repetition}/{row['model']}/C Harrell",
                            row["C Harrell"], c))
    share = result["extras"]["primary_comparison"]["test_share"]
    for model, values in per_model.items():
        metric = result["metrics"][f"C Harrell::{model}"]
        assert metric["interval"] == "corrected_t_95", model
        c = np.array([v for v, _ in values])
        margin = max(m for _, m in values)
        for key, value in zip(("value", "low", "high"), _corrected_t(c, share), strict=True):
            name = f"metrics::C Harrell::{model}" + ("" if key == "value" else f"::{key}")
            out.append(Comparison(name, metric[key], float(value), 3 * margin))
    out += _paired_progression(result, per_model)
    return out


def _corrected_t(values: np.ndarray, share: float) -> tuple[float, float, float]:
    """Mean over splits with the corrected resampled t interval (Nadeau and Bengio 2003):
    variance (1/k + n_test/n_train) s^2, written out here from the definition."""
    from scipy import stats

    k = len(values)
    half = stats.t.ppf(0.975, k - 1) * np.sqrt((1 / k + share / (1 - share))
                                               * values.var(ddof=1))
    return values.mean(), values.mean() - half, values.mean() + half


def _paired_progression(result: dict, per_model: dict[str, list[Value]]) -> list[Comparison]:
    """The declared deep model minus the declared baseline in Harrell's C, split by split,
    from the recomputed values: its mean and corrected resampled t interval."""
    pair = result["extras"]["primary_comparison"]
    name = f"C Harrell, paired difference::{pair['deep']} − {pair['baseline']}"
    metric = result["metrics"][name]
    assert metric["interval"] == "corrected_t_95", name
    deep, base = (per_model[pair[key]] for key in ("deep", "baseline"))
    difference = np.array([d for d, _ in deep]) - np.array([b for b, _ in base])
    margin = max(m for _, m in deep) + max(m for _, m in base)
    return [Comparison(f"metrics::{name}" + ("" if key == "value" else f"::{key}"),
                       metric[key], float(value), 3 * margin)
            for key, value in zip(("value", "low", "high"),
                                  _corrected_t(difference, pair["test_share"]), strict=True)]


def check_efficiency(result: dict, predictions: pd.DataFrame) -> list[Comparison]:
    """Test AUROC of every variant of the Pareto table (``score_<variant>``)."""
    return [
        compared(f"metrics::{name}", metric["value"],
                 auroc(*scored_rows(predictions, f"score_{name.split('::', 1)[1]}")))
        for name, metric in result["metrics"].items()
        if name.startswith("AUROC::")
    ]


def check_labelling(result: dict, predictions: pd.DataFrame) -> list[Comparison]:
    """Every training run (its ``predictions_column``), and the means over seeds that the
    chapter's tables and metrics report."""
    out = []
    metrics, facts = result["metrics"], result["extras"]
    by_share: dict[str, dict[str, list[Value]]] = {}
    for run in facts["label_efficiency_runs"]:
        y, s = scored_rows(predictions, run["predictions_column"])
        share = by_share.setdefault(f"{run['share']:.0%}", {"auroc": [], "accuracy": []})
        for key, fn in (("auroc", auroc), ("accuracy", accuracy_at), ("brier", brier)):
            value = fn(y, s)
            share.setdefault(key, []).append(value)
            out.append(compared(f"label_efficiency_runs/{run['predictions_column']}/{key}",
                                run[key], value))
    for row in facts["label_efficiency"]:
        label = row["share of labels"]
        out.append(compared(f"label_efficiency/{label}/test AUROC", row["test AUROC"],
                            mean_of(by_share[label]["auroc"])))
        out.append(compared(f"label_efficiency/{label}/test accuracy", row["test accuracy"],
                            mean_of(by_share[label]["accuracy"])))
        out.append(compared(f"metrics::AUROC::{label} of labels",
                            metrics[f"AUROC::{label} of labels"]["value"],
                            mean_of(by_share[label]["auroc"])))
    for point in facts["active_learning_curves"]:
        out.append(compared(f"active_learning_curves/{point['predictions_column']}",
                            point["auroc"],
                            auroc(*scored_rows(predictions, point["predictions_column"]))))
    noise_keys = ("test AUROC", "accuracy at 0.5", "accuracy, threshold re-fitted")
    by_setting: dict[tuple[str, str], dict[str, list[Value]]] = {}
    for run in facts["label_noise_runs"]:
        column = run["predictions_column"]
        y, s = scored_rows(predictions, column)
        threshold = youden_threshold(*scored_rows(predictions, column, "val"))
        values = dict(zip(noise_keys, (auroc(y, s), accuracy_at(y, s),
                                       accuracy_at(y, s, threshold)), strict=True))
        setting = by_setting.setdefault((run["labels"], run["loss"]), {k: [] for k in noise_keys})
        for key, value in values.items():
            setting[key].append(value)
            out.append(compared(f"label_noise_runs/{column}/{key}", run[key], value))
    for row in facts["label_noise"]:
        setting = by_setting[(row["labels"], row["loss"])]
        for key in noise_keys:
            out.append(compared(f"label_noise/{row['labels']}/{row['loss']}/{key}", row[key],
                                mean_of(setting[key])))
        name = f"AUROC::{row['labels']}::{row['loss']}"
        out.append(compared(f"metrics::{name}", metrics[name]["value"],
                            mean_of(setting["test AUROC"])))
    return out


MEMBERS = "membership: member (training image)"
NON_MEMBERS = "membership: non-member (validation image)"


def membership_attack_auroc(predictions: pd.DataFrame, loss_column: str) -> Value:
    """AUROC of "lower loss means member" over the attack's member and non-member rows."""
    rows = predictions[predictions["split"].isin([MEMBERS, NON_MEMBERS])]
    return auroc((rows["split"] == MEMBERS).to_numpy(int), -rows[loss_column].to_numpy(float))


def check_robustness(result: dict, predictions: pd.DataFrame) -> list[Comparison]:
    """Each row of the adversarial, corruption and privacy tables (its ``predictions_column``),
    the membership attack AUROCs, and the headline PGD metrics."""
    out, facts = [], result["extras"]
    for table in ("adversarial", "corruptions"):
        for row in facts[table]:
            y, s = scored_rows(predictions, row["predictions_column"])
            out.append(compared(f"{table}/{row['predictions_column']}/AUROC", row["AUROC"],
                                auroc(y, s)))
            out.append(compared(f"{table}/{row['predictions_column']}/accuracy",
                                row["accuracy"], accuracy_at(y, s)))
    for row in facts["privacy"]:
        y, s = scored_rows(predictions, row["predictions_column"])
        out.append(compared(f"privacy/{row['training']}/test AUROC", row["test AUROC"],
                            auroc(y, s)))
        out.append(compared(f"privacy/{row['training']}/test accuracy", row["test accuracy"],
                            accuracy_at(y, s)))
        out.append(compared(f"privacy/{row['training']}/membership attack AUROC",
                            row["membership attack AUROC"],
                            membership_attack_auroc(predictions, row["membership_loss_column"])))
    out.append(compared("membership_attack_auroc_improved_cnn",
                        facts["membership_attack_auroc_improved_cnn"],
                        membership_attack_auroc(predictions, "loss_improved CNN")))
    for name, metric in result["metrics"].items():
        found = re.fullmatch(r"PGD AUROC eps (\d+)/255::(.+)", name)
        if found:
            eps, model = int(found[1]), found[2]
            row = next(r for r in facts["adversarial"] if r["model"] == model
                       and r["attack"].startswith("PGD") and r["eps (/255)"] == eps)
            out.append(compared(f"metrics::{name}", metric["value"],
                                auroc(*scored_rows(predictions, row["predictions_column"]))))
    return out


def check_interpretability(result: dict, predictions: pd.DataFrame) -> list[Comparison]:
    """Test AUROC of the improved CNN it explains and of the shuffled-label model."""
    return [
        compared("model_test_auroc", result["extras"]["model_test_auroc"],
                 auroc(*scored_rows(predictions, "score_improved CNN"))),
        compared("label_randomisation/test_auroc",
                 result["extras"]["label_randomisation"]["test_auroc"],
                 auroc(*scored_rows(predictions, "score_shuffled-label model"))),
    ]


def check_large_models(result: dict, predictions: pd.DataFrame) -> list[Comparison]:
    """Mean over seeds of the test AUROC of every size (``score_<model>_seed<k>``, spaces as
    underscores), the next size's one run, each declared size gain (the claim's subject
    minus its reference, means over seeds), and each seed's error in ``per_seed_errors``."""
    def seed_mean(model: str) -> Value:
        columns = _seed_columns(predictions, "score_" + model.replace(" ", "_"))
        return mean_of([auroc(*scored_rows(predictions, c)) for c in columns])

    gains = {claim["metric"]: claim for claim in result["extras"].get("claims", [])}
    out = []
    for name, metric in result["metrics"].items():
        kind, model = name.split("::", 1)
        if name in gains:
            (subject, margin_s), (reference, margin_r) = (
                seed_mean(gains[name]["subject"]), seed_mean(gains[name]["reference"]))
            value = (subject - reference, margin_s + margin_r)
        else:
            assert kind in ("test AUROC", "test AUROC, next size"), f"unchecked metric {name}"
            value = seed_mean(model)
        out.append(compared(f"metrics::{name}", metric["value"], value))
    for row in result["extras"].get("per_seed_errors", []):
        column = f"score_{row['model'].replace(' ', '_')}_seed{row['seed']}"
        value, margin = auroc(*scored_rows(predictions, column))
        out.append(compared(f"per_seed_errors/{row['model']}/{row['seed']}", row["error"],
                            (1 - value, margin)))
    return out


def check_pretraining(result: dict, predictions: pd.DataFrame) -> list[Comparison]:
    """Every supervised run and probe (``label_runs``: its column), the mean over seeds of
    each arm and share, and the ensemble chosen on validation (``score_best_ensemble_run<k>``:
    its test AUROC and accuracy at 0.5, mean over runs)."""
    out, by_arm = [], {}
    for row in result["extras"].get("label_runs", []):
        value = auroc(*scored_rows(predictions, row["predictions_column"]))
        out.append(compared(f"label_runs/{row['predictions_column']}", row["test AUROC"], value))
        by_arm.setdefault((row["arm"], row["share"]), []).append(value)
    for name, metric in result["metrics"].items():
        parts = name.split("::")
        if parts[0] == "test AUROC":
            share = float(parts[2].split("%")[0]) / 100
            runs = next(v for (arm, s), v in by_arm.items()
                        if arm == parts[1] and abs(s - share) < 1e-9)
            out.append(compared(f"metrics::{name}", metric["value"], mean_of(runs)))
    ensemble = [c for c in predictions if re.fullmatch(r"score_best_ensemble_run\d+", c)]
    for metric, fn in (("AUROC", auroc), ("accuracy", accuracy_at)):
        name = f"best test {metric}"
        if name in result["metrics"]:
            out.append(compared(f"metrics::{name}", result["metrics"][name]["value"],
                                mean_of([fn(*scored_rows(predictions, c)) for c in ensemble])))
    return out


def _km(time: np.ndarray, event: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Kaplan-Meier by hand: distinct event times and the survival just after each."""
    times = np.unique(time[event])
    at_risk = np.array([(time >= t).sum() for t in times])
    deaths = np.array([((time == t) & event).sum() for t in times])
    return times, np.cumprod(1 - deaths / at_risk)


def _km_at(time, event, horizon) -> float:
    times, survival = _km(time, event)
    reached = times <= horizon
    return float(survival[reached][-1]) if reached.any() else 1.0


def _rmst(time, event, horizon) -> float:
    times, survival = _km(time, event)
    inside = times < horizon
    return float(np.sum(np.diff(np.r_[0.0, times[inside], horizon]) * np.r_[1.0, survival[inside]]))


def _c_for_benefit(benefit, treated, died, seed) -> float:
    """van Klaveren et al. (2018): rank-match the arms (a seeded random subset of the larger
    arm), pair's observed benefit died_control - died_treated, concordance over pairs of
    pairs with different observed benefit, ties in prediction counting one half."""
    arms = [np.flatnonzero(treated), np.flatnonzero(~treated)]
    size = min(len(a) for a in arms)
    rng = np.random.default_rng(seed)
    arms = [a if len(a) == size else rng.choice(a, size, replace=False) for a in arms]
    arms = [a[np.argsort(benefit[a], kind="stable")] for a in arms]
    predicted = (benefit[arms[0]] + benefit[arms[1]]) / 2
    observed = died[arms[1]].astype(int) - died[arms[0]].astype(int)
    higher = observed[:, None] > observed[None, :]
    difference = predicted[:, None] - predicted[None, :]
    concordant = (higher & (difference > 0)).sum() + 0.5 * (higher & (difference == 0)).sum()
    return float(concordant / higher.sum())


def check_treatment_benefit(result: dict, predictions: pd.DataFrame) -> list[Comparison]:
    """The average effect (Cox hazard ratio with scikit-survival; survival and RMST
    differences from a Kaplan-Meier written here), and per learner the spread of predicted
    benefit, its prognostic C, its c-for-benefit and its calibration groups' observed
    benefit, from the per-patient columns ``benefit_<learner>`` etc."""
    from sksurv.linear_model import CoxPHSurvivalAnalysis
    from sksurv.util import Surv

    out = []
    treated = predictions["treated"].to_numpy(bool)
    time, event = predictions["time"].to_numpy(float), predictions["event"].to_numpy(bool)
    metrics = result["metrics"]
    prefix = "average effect::death (transplant censored)::"
    cox = CoxPHSurvivalAnalysis(ties="breslow").fit(
        treated.astype(float)[:, None], Surv.from_arrays(event=event, time=time))
    out.append(compared("metrics::" + prefix + "hazard ratio (treated / control)",
                        metrics[prefix + "hazard ratio (treated / control)"]["value"],
                        (float(np.exp(cox.coef_[0])), 0.0)))
    for name, metric in metrics.items():
        found = re.fullmatch(re.escape(prefix) + r"(survival|RMST) difference (?:at|to) "
                             r"([\d.]+) y.*", name)
        if found:
            statistic = _km_at if found[1] == "survival" else _rmst
            horizon = float(found[2])
            value = (statistic(time[treated], event[treated], horizon)
                     - statistic(time[~treated], event[~treated], horizon))
            out.append(compared(f"metrics::{name}", metric["value"], (value, 0.0)))
    known = predictions["known_at_horizon"].to_numpy(bool)
    died = predictions["died_by_horizon"].to_numpy(bool)
    horizon = result["extras"]["horizon_years"]
    calibration = pd.DataFrame(result["extras"]["calibration_of_benefit"])
    for name, metric in metrics.items():
        kind, _, learner = name.partition("::")
        if kind not in ("mean benefit", "SD", "share predicted to benefit", "prognostic C",
                        "c-for-benefit"):
            continue
        key = learner.replace(", ", "_").replace(" ", "_")
        benefit = predictions[f"benefit_{key}"].to_numpy(float)
        if kind == "mean benefit":
            value = benefit.mean()
        elif kind == "SD":
            value = benefit.std(ddof=1)
        elif kind == "share predicted to benefit":
            value = float(np.mean(benefit > 0))
        elif kind == "prognostic C":
            own = np.where(treated, predictions[f"survival_treated_{key}"],
                           predictions[f"survival_control_{key}"])
            value = concordance_index_censored(event, time, 1.0 - own)[0]
        else:
            value = _c_for_benefit(benefit[known], treated[known], died[known],
                                   result["extras"]["seed"])
        out.append(compared(f"metrics::{name}", metric["value"], (float(value), 0.0)))
        if kind == "mean benefit":
            rows = calibration[calibration["learner"] == learner]
            groups = predictions[f"group_{key}"].to_numpy()  # as the notebook cut them:
            # ranks of 10-digit values could order near-ties differently
            edges = [(benefit[groups == g].min(), benefit[groups == g].max())
                     for g in range(1, len(rows) + 1)]
            assert all(hi <= lo + 1e-9 for (_, hi), (lo, _) in pairwise(edges)), \
                f"{learner}: calibration groups are not quantile groups of predicted benefit"
            for row in rows.to_dict("records"):
                g = groups == row["group"]
                value = (_km_at(time[g & treated], event[g & treated], horizon)
                         - _km_at(time[g & ~treated], event[g & ~treated], horizon))
                out.append(compared(f"calibration/{learner}/{row['group']}", row["observed"],
                                    (value, 0.0)))
    return out + _check_rate(result, predictions, time, event, treated)


def _dr_scores(time, event, treated, horizon, mu1, mu0) -> np.ndarray:
    """Doubly robust scores of survival at the horizon, written here from the formula:
    mu1 - mu0 + W/e w (Y - mu1) - (1 - W)/(1 - e) w (Y - mu0), w = known / G(min(T, h)-),
    G the Kaplan-Meier survival of each arm's censoring times, taken just before."""
    died = event & (time <= horizon)
    known = died | (time > horizon)
    weight = np.zeros(len(time))
    for arm in (True, False):
        rows = treated == arm
        t, e = time[rows], event[rows]
        times = np.unique(t)
        factors = [1.0 - ((t == s) & ~e).sum() / (t >= s).sum() for s in times]
        values = np.cumprod(factors)
        at = np.minimum(t, horizon)
        before = np.searchsorted(times, at, side="left") - 1
        weight[rows] = known[rows] / np.where(before >= 0, values[np.clip(before, 0, None)], 1.0)
    alive, e_hat = (~died).astype(float), treated.mean()
    return (mu1 - mu0 + treated / e_hat * weight * (alive - mu1)
            - (~treated) / (1 - e_hat) * weight * (alive - mu0))


def _rate(scores: np.ndarray, priority: np.ndarray, target: str) -> float:
    """RATE from its definition: patients in decreasing priority, each tied group given its
    mean score; TOC(k/n) the mean of the first k minus the mean of all; AUTOC its mean
    over k, Qini the mean of (k/n) TOC(k/n)."""
    ordered = []
    for value in sorted(set(priority), reverse=True):
        group = scores[priority == value]
        ordered += [group.mean()] * len(group)
    ordered = np.array(ordered)
    n = len(ordered)
    toc = np.array([ordered[:k].mean() for k in range(1, n + 1)]) - ordered.mean()
    weights = np.ones(n) if target == "AUTOC" else np.arange(1, n + 1) / n
    return float(np.mean(weights * toc))


def _check_rate(result, predictions, time, event, treated) -> list[Comparison]:
    """The doubly robust scores recomputed from the declared learner's predicted survival
    on each arm, and every learner's RATE recomputed from them and its predicted benefit."""
    key = result["extras"]["rate_scores_from"].replace(", ", "_").replace(" ", "_")
    scores = _dr_scores(time, event, treated, result["extras"]["horizon_years"],
                        predictions[f"survival_treated_{key}"].to_numpy(float),
                        predictions[f"survival_control_{key}"].to_numpy(float))
    out = [compared("dr_score (largest difference)", 0.0,
                    (float(np.max(np.abs(scores - predictions["dr_score"]))), 1e-6))]
    for name, metric in result["metrics"].items():
        kind, target, learner = [*name.split("::"), "", ""][:3]
        if kind == "RATE":
            benefit = predictions[f"benefit_{learner.replace(', ', '_').replace(' ', '_')}"]
            out.append(compared(f"metrics::{name}", metric["value"],
                                (_rate(scores, benefit.to_numpy(float), target), 1e-6)))
    return out


def _censoring_survival(time: np.ndarray, event: np.ndarray):
    """Kaplan-Meier estimate of the censoring distribution G (censorings are its events),
    written here: G(t) = prod over distinct times s <= t of (1 - censored at s / at risk at s)."""
    times = np.unique(time)
    at_risk = np.array([(time >= s).sum() for s in times])
    censored = np.array([((time == s) & ~event).sum() for s in times])
    values = np.cumprod(1.0 - censored / at_risk)

    def g(t: np.ndarray) -> np.ndarray:
        index = np.searchsorted(times, t, side="right") - 1
        return np.where(index >= 0, values[np.clip(index, 0, None)], 1.0)
    return g


def time_dependent_auc(time, event, risk, t) -> float:
    """Cumulative/dynamic AUC at t (Uno 2007; Blanche 2013): cases dead by t weighted by
    1/G(T_i), controls event-free after t, ties in risk half."""
    g = _censoring_survival(time, event)
    cases = (time <= t) & event
    controls = time > t
    weights = 1.0 / g(time[cases])
    diff = risk[cases][:, None] - risk[controls][None, :]
    concordant = (diff > 0) + 0.5 * (diff == 0)
    return float((weights[:, None] * concordant).sum() / (weights.sum() * controls.sum()))


def ipcw_brier(time, event, survival, t) -> float:
    """Brier score at t (Graf 1999): dead by t weighted 1/G(T_i), alive after t 1/G(t)."""
    g = _censoring_survival(time, event)
    dead = (time <= t) & event
    alive = time > t
    score = np.zeros(len(time))  # censored before t: weight 0
    score[dead] = survival[dead] ** 2 / g(time[dead])
    score[alive] = (1 - survival[alive]) ** 2 / g(np.array([t]))[0]
    return float(score.mean())


def kaplan_meier_at(time, event, t) -> float:
    times = np.unique(time[event])
    factors = [1 - ((time == s) & event).sum() / (time >= s).sum() for s in times if s <= t]
    return float(np.prod(factors))


def check_progression_benchmarks(result: dict, predictions: pd.DataFrame) -> list[Comparison]:
    """Every split of pbc_orsf: every model's time-dependent C and IPA recomputed from its
    predicted survival at the split's evaluation times (``survival_k`` at the k-th time of
    ``evaluation_times::pbc_orsf``) with the IPCW estimators written above; then, from the
    per-split records, every model's mean over splits with its corrected resampled t
    interval (Nadeau and Bengio 2003), on both tasks, and the JMbayes2-setting means over
    folds."""
    from scipy import stats

    out = []
    times_of = result["extras"]["evaluation_times::pbc_orsf"]
    recorded = {(row["split"], row["model"]): row
                for row in result["extras"]["per_split::pbc_orsf"]}
    assert set(predictions["split"]) == {split for split, _ in recorded}, "a split is missing"
    for (split, model), people in predictions.groupby(["split", "model"], sort=False):
        times = np.asarray(times_of[str(split)], float)
        survival = people[[f"survival_{k + 1}" for k in range(len(times))]].to_numpy(float)
        time = people["true_time"].to_numpy(float)
        event = people["true_event"].to_numpy(bool)
        c = np.mean([time_dependent_auc(time, event, 1 - survival[:, j], t)
                     for j, t in enumerate(times)])
        model_bs = [ipcw_brier(time, event, survival[:, j], t) for j, t in enumerate(times)]
        null_bs = [ipcw_brier(time, event, np.full(len(time), kaplan_meier_at(time, event, t)), t)
                   for t in times]
        ipa = 1 - np.trapezoid(model_bs, times) / np.trapezoid(null_bs, times)
        row = recorded[(split, model)]
        out.append(compared(f"per_split::pbc_orsf/{split}/{model}/time-dependent C",
                            row["time-dependent C"], (float(c), 2 * HALF_LAST_DIGIT)))
        out.append(compared(f"per_split::pbc_orsf/{split}/{model}/IPA", row["IPA"],
                            (float(ipa), 2 * HALF_LAST_DIGIT)))
    for task in ("pbc_orsf", "nafld"):
        per_split = pd.DataFrame(result["extras"][f"per_split::{task}"])
        for model, part in per_split.groupby("model", sort=False):
            for score in ("time-dependent C", "IPA"):
                values = part[score].to_numpy(float)
                k = len(values)
                half = stats.t.ppf(0.975, k - 1) * np.sqrt((1 / k + 1.0) * values.var(ddof=1))
                metric = result["metrics"][f"{score}::{task}::{model}"]
                assert metric["interval"] == "corrected_t_95", (task, model, score)
                for key, value in (("value", values.mean()), ("low", values.mean() - half),
                                   ("high", values.mean() + half)):
                    suffix = "" if key == "value" else f"::{key}"
                    out.append(Comparison(f"metrics::{score}::{task}::{model}{suffix}",
                                          metric[key], float(value)))
    out += ensemble_is_the_mean_of_its_members(result, predictions)
    folds = pd.DataFrame(result["extras"]["per_fold::JMbayes2 setting"])
    for model, part in folds.groupby("model", sort=False):
        for score in ("AUC", "integrated Brier, Simpson"):
            out.append(Comparison(f"metrics::{score}::JMbayes2 setting::{model}",
                                  result["metrics"][f"{score}::JMbayes2 setting::{model}"]["value"],
                                  float(part[score].mean())))
    return out


def ensemble_is_the_mean_of_its_members(result: dict, predictions: pd.DataFrame
                                        ) -> list[Comparison]:
    """The declared ensemble's predicted survival, on every split and test row, is the
    mean of its members' (as the run recorded them in ``extras::ensemble``)."""
    ensemble, members = (result["extras"]["ensemble"][key] for key in ("name", "members"))
    columns = [c for c in predictions.columns if c.startswith("survival_")]
    out = []
    for split, part in predictions.groupby("split", sort=False):
        by_model = {model: rows.set_index("case_id")[columns]
                    for model, rows in part.groupby("model", sort=False)}
        mean = sum(by_model[m] for m in members) / len(members)
        gap = float(np.nanmax(np.abs(by_model[ensemble] - mean.loc[by_model[ensemble].index])))
        out.append(Comparison(f"ensemble::pbc_orsf/{split}/largest gap to the members' mean",
                              gap, 0.0, 1e-9))
    return out


CHECKS: dict[str, Callable[[dict, pd.DataFrame], list[Comparison]]] = {
    "cnn_beyond": check_cnn_beyond,
    "cnn_frontier": check_cnn_frontier,
    "optimizers": check_optimizers,
    "progression_pbc": check_progression,
    "progression_nafld": check_progression,
    "efficiency": check_efficiency,
    "labelling": check_labelling,
    "robustness": check_robustness,
    "interpretability": check_interpretability,
    "large_models": check_large_models,
    "pretraining": check_pretraining,
    "treatment_benefit": check_treatment_benefit,
    "progression_benchmarks": check_progression_benchmarks,
}


def compare_chapter(name: str, results_dir: Path = RESULTS_DIR) -> list[Comparison]:
    """The comparisons of chapter ``name`` in ``results_dir``; FileNotFoundError (saying
    which command writes the files) when the results or predictions file is missing."""
    result_file = results_dir / f"{name}.json"
    predictions_file = results_dir / f"{name}_predictions.csv"
    for path in (result_file, predictions_file):
        if not path.is_file():
            raise FileNotFoundError(
                f"{path.name} is missing; run: python -m medlib.book run {name} --profile book")
    result = json.loads(result_file.read_text())
    return CHECKS[name](result, pd.read_csv(predictions_file))


# --- the tests: the published results in book/results -----------------------------------


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_reported_metrics_are_recomputed_from_predictions(name):
    problem = None
    try:
        comparisons = compare_chapter(name)
    except FileNotFoundError as missing:
        problem = str(missing)
    except KeyError as error:  # a stale file: a column or split the results name is absent
        problem = (f"{name}: {error.args[0]}; "
                   f"run: python -m medlib.book run {name} --profile book")
    if problem:
        pytest.fail(problem, pytrace=False)
    result = json.loads((RESULTS_DIR / f"{name}.json").read_text())
    compared = {c.name for c in comparisons}
    headline = [] if name in HEADLINE_NOT_FROM_PREDICTIONS else result["headline"]
    missing = [h for h in headline if f"metrics::{h}" not in compared]
    assert not missing, f"{name}: headline metrics without a recomputation: {missing}"
    wrong = [f"{c.name}: reported {c.reported:.6f}, recomputed {c.recomputed:.6f} "
             f"(allowed difference {TOLERANCE + c.margin:.6f})" for c in comparisons if not c.ok]
    assert not wrong, (f"{name}: {len(wrong)} of {len(comparisons)} numbers differ:\n"
                       + "\n".join(wrong))


def test_every_predictions_file_is_checked():
    published = {p.name.removesuffix("_predictions.csv")
                 for p in RESULTS_DIR.glob("*_predictions.csv")}
    assert not published - set(CHECKS) - NOT_CHECKED_HERE
