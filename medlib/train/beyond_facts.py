"""The page of chapter ``cnn_beyond``: the facts, verdicts and sentences each section glues.

The chapter's claims and their words live in :mod:`medlib.train.beyond_report`, which the
chapters ``labelling`` and ``pretraining`` share; this module is the chapter's own: it turns
the chapter's tables (the headline, the ablation, the calibration, the cost, the
validation-to-test gap and the errors) into the short texts its Markdown shows, one function
per section, each returning ``{glue key: text}`` for :func:`medlib.chapter.glue_facts.glue_facts`.
It also builds the two tables whose layout is part of the report (our rows of the headline
table, the cost table) and the ablation figure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from pandas.io.formats.style import Styler

from medlib.claims.verdicts import Claim
from medlib.metrics.seeds import seed_report_columns
from medlib.metrics.split_gap import SeedAveragedErrors
from medlib.train.beyond_report import (
    IMPROVED,
    outcomes_text,
    position_text,
    published_claims,
    target_claim,
    target_text,
    targets_met,
)

#: The published row the prose names on its own.
AUTOML = "Google AutoML Vision"
#: The ablation row that swaps the network, and the one without augmentation.
ARCHITECTURE_ROW, AUGMENTATION_ROW = "seed CNN instead of improved CNN", "− augmentation"
#: Above 1 the network was over-confident before scaling, below 1 under-confident.
CONFIDENCE_WORDS = ("below 1: the network was under-confident, as label smoothing tends to "
                    "make it", "above 1: the network was over-confident")
NO_PUBLISHED_ROW = "has no published row to be compared with"


def span(low: float, high: float) -> str:
    """An interval or a range, as the tables and the prose print it: ``0.912–0.934``."""
    return f"{low:.3f}–{high:.3f}"


def _texts(facts: Mapping[str, object]) -> dict[str, str]:
    """Every fact as the text the page shows."""
    return {key: str(value) for key, value in facts.items()}


def data_facts(splits, n_classes: int, size: int, in_channels: int) -> dict[str, str]:
    """The data file read (:func:`medlib.data.splits.load_image_splits`'s ``splits``), and
    whether it is the official file of the release."""
    info, file = splits.info, splits.data.file
    official = ("the official file" if file.official
                else "not the official file: listed in its MANIFEST.tsv")
    return _texts({"data_name": info.name, "data_description": info.description,
                   "data_task": info.task, "n_classes": n_classes, "size": size,
                   "in_channels": in_channels, "data_md5": file.md5, "data_official": official})


def framework_facts(speed: pd.DataFrame) -> dict[str, str]:
    """Which framework trains the improved CNN faster, and by what factor (at least 1)."""
    ratio = speed.loc["improved CNN", "torch ÷ Keras"]
    return {"framework_faster": "torch" if ratio >= 1 else "Keras",
            "framework_ratio": f"{max(ratio, 1 / ratio):.2f}"}


def our_rows(headline: Mapping[str, pd.DataFrame], parameters: Mapping[str, int], size: int,
             n_seeds: int) -> pd.DataFrame:
    """This chapter's rows of the headline table, one per variant of ``headline`` (its
    :meth:`medlib.train.seed_runs.SeedRuns.summary` table), with its weights
    (``parameters``, by variant)."""
    return pd.DataFrame([
        {"model": f"{variant} ({size} px, mean of {n_seeds} seeds)", "source": "this chapter",
         **seed_report_columns(table, ("AUROC", "accuracy")), "parameters": parameters[variant]}
        for variant, table in headline.items()
    ])


def headline_style(table: pd.DataFrame) -> Styler:
    """The headline table as the page shows it: interval columns named without their
    bootstrap note, three decimals, SDs with four, weights with thousands separators."""
    shown = table.rename(columns=lambda c: c.replace(" (bootstrap over test cases)", ""))
    sd_columns = [column for column in shown if column.endswith("SD over seeds")]
    return shown.style.format(precision=3, na_rep="").format(
        "{:.4f}", subset=sd_columns, na_rep="").format(
        "{:,}", subset=["parameters"], na_rep="").hide(axis="index")


def cost_style(cost: pd.DataFrame) -> Styler:
    """The cost table as the page shows it, its columns named with their units."""
    return cost.style.format({
        "parameters": "{:,}", "MFLOPs / image": "{:.2f}", "latency_ms": "{:.2f}",
        "inference_images_per_s": "{:,.0f}", "training images / s": "{:,.0f}"}).relabel_index(
        [c.replace("latency_ms", "latency (ms)").replace("inference_images_per_s",
                                                         "inference images / s")
         for c in cost.columns], axis="columns")


def ablation_figure(ablation: pd.DataFrame, full_sd: float) -> plt.Figure:
    """Each ablation row's change in test AUROC against the full recipe (blue: every seed,
    orange: the first seed only), over the band of ± 1 SD between the full recipe's seeds."""
    fig, ax = plt.subplots(figsize=(7, 3.8))
    rows = ablation.drop(index="full recipe")
    ax.barh(rows.index, rows["Δ test AUROC"],
            color=["C0" if s > 1 else "C1" for s in rows["seeds"]])
    if np.isfinite(full_sd):
        ax.axvspan(-full_sd, full_sd, color="0.85", zorder=0,
                   label="± 1 SD between seeds (full recipe)")
        ax.legend(loc="lower left", fontsize=8)
    ax.axvline(0, color="0.3", linewidth=0.8)
    ax.invert_yaxis()
    ax.set(xlabel="change in test AUROC against the full recipe (same seeds)",
           title="Ablations: blue rows average all seeds, orange rows the first seed")
    return fig


@dataclass(frozen=True)
class HeadlineClaims:
    """The full recipe's mean over seeds against the declared targets (AUROC, accuracy) and
    against each published row (name -> claim), and the published AUROCs themselves."""

    targets: list[Claim]
    declared: dict[str, float]
    by_row: dict[str, Claim]
    published: pd.Series

    def record(self) -> dict[str, object]:
        """The results file's ``extras["targets"]``."""
        return {"auroc_at_least": self.declared["AUROC"],
                "accuracy_at_least": self.declared["accuracy"],
                "met": targets_met(self.targets)}

    def all(self) -> list[Claim]:
        """Every claim, targets first, as the results file lists them."""
        return [*self.targets, *self.by_row.values()]


def headline_claims(full: pd.DataFrame, declared: Mapping[str, float],
                    published: pd.DataFrame) -> HeadlineClaims:
    """The full recipe (``full``: its summary table, mean over seeds with the 95% CI) against
    ``declared`` (metric -> target) and the published test AUROCs of ``published``
    (:func:`medlib.data.published.published_results`)."""
    targets = [target_claim(IMPROVED, metric, *full.loc[metric, ["value", "ci_low", "ci_high"]],
                            target, metric=f"test_{metric}")
               for metric, target in declared.items()]
    numbers = published.set_index("model")["test AUROC"].dropna()
    by_row = dict(zip(numbers.index, published_claims(
        IMPROVED, *full.loc["AUROC", ["value", "ci_low", "ci_high"]], numbers.to_dict(),
        metric="test_AUROC"), strict=True))
    return HeadlineClaims(targets, dict(declared), by_row, numbers)


def headline_facts(claims: HeadlineClaims, full: pd.DataFrame, seed_protocol: pd.DataFrame,
                   settings: Mapping[str, object]) -> dict[str, str]:
    """The headline: the full recipe's means, intervals and ranges over seeds, its verdicts
    against the targets and the published rows, and the seed CNN under the protocol, with
    the chapter's ``settings`` (parameters by name) the prose repeats."""
    facts: dict[str, object] = {
        **settings,
        "target_auroc": f"{claims.declared['AUROC']:.3f}",
        "target_accuracy": f"{claims.declared['accuracy']:.3f}",
        "target_auroc_verdict": target_text(claims.targets[0]),
        "target_accuracy_verdict": target_text(claims.targets[1]),
    }
    for short, metric in (("auroc", "AUROC"), ("acc", "accuracy")):
        facts[f"full_{short}_ci"] = span(*full.loc[metric, ["ci_low", "ci_high"]])
        facts[f"full_{short}_range"] = span(*full.loc[metric, ["seed_min", "seed_max"]])
        facts[f"full_{short}"] = f"{full.loc[metric, 'value']:.3f}"
        facts[f"seed_{short}"] = f"{seed_protocol.loc[metric, 'value']:.3f}"
    if AUTOML in claims.by_row:
        facts["automl_relation"] = position_text(claims.by_row[AUTOML])
        facts["pub_automl"] = f"{claims.published[AUTOML]:.3f}"
    others = [claim for row, claim in claims.by_row.items() if row != AUTOML]
    facts["published_relation"] = outcomes_text(others) if others else NO_PUBLISHED_ROW
    return _texts(facts)


def rows_text(changes: pd.Series) -> str:
    """Ablation rows with their change: ``'− augmentation' (-0.012), …``, or ``none``."""
    return ", ".join(f"'{row}' ({value:+.3f})" for row, value in changes.items()) or "none"


def ablation_facts(ablation: pd.DataFrame, full_sd: float, seed_protocol: pd.DataFrame,
                   calibration: pd.DataFrame) -> dict[str, str]:
    """What the ingredients are worth: the rows whose change exceeds twice the full recipe's
    seed-to-seed SD of test AUROC (``full_sd``) and twice the larger of it and the seed CNN's
    under the protocol (from its summary table ``seed_protocol``), the validation AUROCs of
    the improved CNN's variants, the two largest rows, and the temperature with the ECE
    before and after scaling (``calibration``)."""
    seed_sd = seed_protocol.loc["AUROC", "seed_sd"]
    changes = ablation.drop(index="full recipe")["Δ test AUROC"]
    clear = changes.abs() > 2 * full_sd
    big = changes.abs() > 2 * max(full_sd, seed_sd)
    improved_val = ablation.drop(index=[ARCHITECTURE_ROW])["val AUROC"]
    val_low, val_high = (f"{v:.3f}" for v in (improved_val.min(), improved_val.max()))
    t_value = calibration.loc[("val", "after"), "T"]
    facts: dict[str, object] = {
        "clear_rows": rows_text(changes[clear]),
        "unclear_rows": ", ".join(f"'{row}'" for row in changes[~clear].index) or "none",
        "big_rows": rows_text(changes[big]),
        "full_sd": f"{full_sd:.4f}", "seed_sd": f"{seed_sd:.4f}",
        "val_min": val_low, "val_max": val_high,
        "val_span": (f"of {val_low} for every variant" if val_low == val_high
                     else f"between {val_low} and {val_high}"),
        "arch_test_auroc": f"{ablation.loc[ARCHITECTURE_ROW, 'test AUROC']:.3f}",
        "arch_delta": f"{ablation.loc[ARCHITECTURE_ROW, 'Δ test AUROC']:+.3f}",
        "aug_delta": f"{ablation.loc[AUGMENTATION_ROW, 'Δ test AUROC']:+.3f}",
        "aug_d_acc": f"{ablation.loc[AUGMENTATION_ROW, 'Δ test accuracy']:+.3f}",
        "temperature": f"{t_value:.2f}",
        "confidence_word": CONFIDENCE_WORDS[0] if t_value < 1 else CONFIDENCE_WORDS[1],
    }
    for split in ("val", "test"):
        for when in ("before (T = 1)", "after"):
            facts[f"ece_{split}_{when.split()[0]}"] = f"{calibration.loc[(split, when), 'ECE']:.3f}"
    return _texts(facts)


def cost_facts(cost: pd.DataFrame, training_time: Mapping[str, float],
               seed_variant: str, full_variant: str) -> dict[str, str]:
    """What the two networks cost (``cost``, by model) and how long a training run took on
    average (``training_time``, seconds by variant)."""
    improved, seed = cost.loc["improved CNN"], cost.loc["seed CNN"]
    return {"param_ratio": f"{seed['parameters'] / improved['parameters']:.1f}",
            "flop_ratio": f"{improved['MFLOPs / image'] / seed['MFLOPs / image']:.1f}",
            "latency_improved": f"{improved['latency_ms']:.1f}",
            "throughput_improved": f"{improved['inference_images_per_s']:,.0f}",
            "train_seconds_seed": f"{training_time[seed_variant]:.0f}",
            "train_seconds_full": f"{training_time[full_variant]:.0f}"}


def error_facts(errors: SeedAveragedErrors, gap: pd.DataFrame, y_test: np.ndarray,
                picked: np.ndarray, labels: Sequence[str]) -> dict[str, str]:
    """The validation-to-test gap and the errors of the seed-averaged model: how many, how
    many every seed makes, and (binary tasks: class 0 normal, class 1 the finding) the rates
    per class on each split, the share of normals and the false positives, among all errors
    and among the ``picked`` ones the page shows."""
    correct = gap["correct in class"]
    facts: dict[str, object] = {
        "errors_total": len(errors.errors), "errors_all_seeds": int(errors.wrong_every_seed.sum()),
        "n_test": len(y_test), "n_shown": len(picked), "n_fp_shown": 0,
        **{f"gap_{split}_auroc": f"{correct.loc['AUROC', split]:.3f}" for split in ("val", "test")},
    }
    if len(labels) == 2:
        for split in ("val", "test"):
            facts[f"spec_{split}"] = f"{correct.loc[labels[0], split]:.3f}"
            facts[f"sens_{split}"] = f"{correct.loc[labels[1], split]:.3f}"
            facts[f"share0_{split}"] = f"{100 * gap.loc[labels[0], ('share of split', split)]:.0f}%"
        facts["false_pos"] = int(((errors.decided == 1) & (y_test == 0)).sum())
        facts["n_fp_shown"] = int(((errors.decided[picked] == 1) & (y_test[picked] == 0)).sum())
    return _texts(facts)
