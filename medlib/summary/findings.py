"""What the book found, read from the chapters' results files (the ``findings`` page).

The page that opens the book states each chapter's headline result beside what it should
be compared with. Which numbers those are is declared here, once, in :data:`FINDINGS`;
their values are read from ``book/results/`` when the page is executed, so the page can
never disagree with the chapters. A comparator is either another number of the book (same
data, same protocol) or a published number with its source, marked when it is not like
for like.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from medlib.chapter.contract import REPO_ROOT
from medlib.chapter.results import INTERVAL_KINDS, format_number
from medlib.data.published import (
    AORSF_BENCH,
    AORSF_SOURCE,
    MEDMNIST_PLUS,
    MEDMNIST_V2,
    PLUS_SOURCE,
    SOURCE,
)
from medlib.summary.claims import PRIMARY_PAIR

TOC_FILE = REPO_ROOT / "_toc.yml"
# Pages that read the chapters' results rather than produce their own (no headline metric,
# not in the chapter map, not read by each other).
SUMMARY_PAGES = ("findings", "faq")


def summarised_chapters(names: list[str]) -> list[str]:
    """The chapters among ``names`` that the summary pages read: all but the summaries."""
    return [name for name in names if name not in SUMMARY_PAGES]


@dataclass(frozen=True)
class Comparator:
    """A number to read a result against: a metric of a chapter, or a published value."""

    label: str
    chapter: str | None = None
    metric: str | None = None
    value: float | None = None
    source: str = ""
    like_for_like: bool = True


@dataclass(frozen=True)
class Finding:
    """One row of the findings table: a chapter's question and the number that answers it.

    ``metric`` may name fields of the chapter's ``primary_comparison`` extra in braces
    (``"C Harrell::{deep}"``): the progression chapters declare their pair in
    ``notebooks/params.yml``.
    """

    chapter: str
    question: str
    label: str
    metric: str
    comparators: tuple[Comparator, ...] = field(default_factory=tuple)


def _medmnist(model: str, column: int) -> Comparator:
    rows = {name: (auc, acc) for name, auc, acc in MEDMNIST_V2["pneumoniamnist"]}
    return Comparator(f"{model}, {SOURCE}", value=rows[model][column], source=SOURCE)


def _medmnist_plus(model: str, column: int) -> Comparator:
    rows = {name: (auc, acc) for name, auc, acc, _ in MEDMNIST_PLUS["pneumoniamnist"]}
    return Comparator(f"{model}, {PLUS_SOURCE}", value=rows[model][column], source=PLUS_SOURCE,
                      like_for_like="224" not in model)


def _aorsf_bench(task: str, learner: str) -> float:
    """A learner's published time-dependent C in the aorsf benchmark (25 splits)."""
    return {name: c for name, _, _, c, _ in AORSF_BENCH[task]}[learner]


FINDINGS: tuple[Finding, ...] = (
    Finding("foundations", "Do the book's layers compute the equations on the page?",
            "largest error, NumPy equation vs Keras and torch layers (float64)",
            "largest error of any equality",
            (Comparator("equalities that pass", "foundations", "equalities that pass"),)),
    Finding("cnn_diagnosis", "Does the source's small CNN diagnose pneumonia from chest X-rays?",
            "seed CNN, test AUROC", "test_AUROC",
            (_medmnist("ResNet-18 (28 px)", 0),)),
    Finding("cnn_beyond", "How far does a better training recipe take a small CNN?",
            "improved CNN, test AUROC", "test_AUROC",
            (Comparator("seed CNN, same protocol", "cnn_beyond", "seed_cnn_test_AUROC"),
             _medmnist("Google AutoML Vision", 0))),
    Finding("cnn_beyond", "…and its accuracy at the threshold chosen on validation?",
            "improved CNN, test accuracy", "test_accuracy",
            (_medmnist("ResNet-18 (28 px)", 1), _medmnist("Google AutoML Vision", 1))),
    Finding("cnn_frontier", "…and with more compute: a longer schedule, ensembles of two?",
            "three ensembles of two improved CNNs, test AUROC", "test::AUROC::ensembles of two",
            (Comparator("one improved CNN, cnn_beyond's schedule", "cnn_beyond", "test_AUROC"),
             _medmnist("Google AutoML Vision", 0))),
    Finding("large_models", "Does a bigger network diagnose better, each trained to its plateau?",
            "largest CNN of the ladder (width 16), test AUROC", "test AUROC::CNN w16",
            (Comparator("smallest CNN of the ladder (width 1), same recipe", "large_models",
                        "test AUROC::CNN w1"),
             Comparator("largest vision transformer, same recipe", "large_models",
                        "test AUROC::ViT d64 L2"))),
    Finding("pretraining", "Does pretraining without labels help when labels are few?",
            "fine-tuned after contrastive pretraining, 1% of the labels, test AUROC",
            "test AUROC::fine-tuned::1% of labels",
            (Comparator("same network from scratch, same labels", "pretraining",
                        "test AUROC::from scratch::1% of labels"),)),
    Finding("pretraining", "How far do the book's models go together?",
            "ensemble chosen on validation, test AUROC", "best test AUROC",
            (_medmnist("Google AutoML Vision", 0),
             _medmnist_plus("DINO ViT-B/16, linear probe (224 px)", 0))),
    Finding("optimizers", "Does the optimiser matter for the same network?",
            "seed CNN with the source's momentum SGD (corrected), test AUROC",
            "test_AUROC::momentum (seed, corrected)",
            (Comparator("Adam, same network and epochs", "optimizers", "test_AUROC::Adam"),
             Comparator("plain SGD", "optimizers", "test_AUROC::SGD"))),
    Finding("progression_pbc", "Do deep sequence models predict PBC progression better?",
            "declared deep model ({deep}), Harrell's C", "C Harrell::{deep}",
            (Comparator("declared baseline ({baseline})", "progression_pbc",
                        "C Harrell::{baseline}"),)),
    Finding("progression_nafld", "…and NAFLD progression?",
            "declared deep model ({deep}), Harrell's C", "C Harrell::{deep}",
            (Comparator("declared baseline ({baseline})", "progression_nafld",
                        "C Harrell::{baseline}"),)),
    Finding("progression_benchmarks",
            "…and like for like with a published benchmark (NAFLD, aorsf protocol)?",
            "tuned discrete-time network, time-dependent C",
            "time-dependent C::nafld::neural, discrete-time (tuned)",
            (Comparator("random survival forest, same splits", "progression_benchmarks",
                        "time-dependent C::nafld::random survival forest"),
             Comparator("xgboost-cox, best published (25 of the same kind of splits)",
                        value=_aorsf_bench("nafld", "xgboost-cox"), source=AORSF_SOURCE))),
    Finding("progression_benchmarks",
            "…and the book's three learners averaged, against the benchmark's best (PBC)?",
            "mean of the three learners' survival curves, time-dependent C",
            "time-dependent C::pbc_orsf::mean of the three learners",
            (Comparator("ridge Cox model, same splits", "progression_benchmarks",
                        "time-dependent C::pbc_orsf::Cox, ridge"),
             Comparator("obliqueRSF-net, best published (25 of the same kind of splits)",
                        value=_aorsf_bench("pbc_orsf", "obliqueRSF-net"), source=AORSF_SOURCE))),
    Finding("progression_benchmarks",
            "…and from the trial's visits (JMbayes2 setting): can a deep ensemble reach Cox?",
            "time-aware self-attention averaged over 5 seeds, AUC at year 8",
            "AUC::JMbayes2 setting::self-attention, time-aware, mean of 5 seeds",
            (Comparator("ridge Cox model on the landmark features, same folds",
                        "progression_benchmarks", "AUC::JMbayes2 setting::Cox, ridge"),
             Comparator("the same network, one seed", "progression_benchmarks",
                        "AUC::JMbayes2 setting::self-attention, time-aware"))),
    Finding("treatment_benefit", "Does D-penicillamine help PBC patients, on average?",
            "hazard ratio of death, D-penicillamine vs placebo (randomised trial)",
            "average effect::death (transplant censored)::hazard ratio (treated / control)",
            (Comparator("no effect", value=1.0, source="—"),)),
    Finding("treatment_benefit", "…and can a model tell which patients it helps?",
            "c-for-benefit, S-learner on a ridge Cox model (0.5 = chance)",
            "c-for-benefit::S-learner, Cox ridge",
            (Comparator("T-learner on a random survival forest", "treatment_benefit",
                        "c-for-benefit::T-learner, survival forest"),
             Comparator("same learner's prognostic C (outcome, not benefit)",
                        "treatment_benefit", "prognostic C::S-learner, Cox ridge"))),
    Finding("interpretability", "Do attribution maps depend on what the model learned?",
            "Grad-CAM maps before vs after randomising every weight, Spearman's ρ "
            "(1 = unchanged)", "cascade_spearman_all_random::Grad-CAM",
            (Comparator("Integrated Gradients, same test", "interpretability",
                        "cascade_spearman_all_random::Integrated Gradients"),)),
    Finding("robustness", "Does an imperceptible perturbation fool the model?",
            "test AUROC under PGD, ε = 4/255, standard training",
            "PGD AUROC eps 4/255::standard",
            (Comparator("adversarially trained model, same attack", "robustness",
                        "PGD AUROC eps 4/255::adversarially trained"),)),
    Finding("labelling", "How many labels does the diagnosis need?",
            "test AUROC with 10% of the training labels", "AUROC::10% of labels",
            (Comparator("100% of the labels", "labelling", "AUROC::100% of labels"),)),
    Finding("efficiency", "How small can the diagnostic model get?",
            "pruned 90% + int8, test AUROC", "AUROC::pruned 90% + int8",
            (Comparator("float32 original", "efficiency", "AUROC::improved CNN (float32)"),)),
    Finding("efficiency", "…and how much smaller is it?",
            "pruned 90% + int8, size (kB)", "size kB::pruned 90% + int8",
            (Comparator("float32 original", "efficiency", "size kB::improved CNN (float32)"),)),
    Finding("scaling", "Does data-parallel training use two cores?",
            "2 processes × 1 thread, images per second", "images per second::2x1",
            (Comparator("1 process × 1 thread", "scaling", "images per second::1x1"),)),
)


def resolved_metric(metric: str, result: dict) -> str:
    """``metric`` with its ``{deep}``-style fields filled from ``result``'s extras."""
    return metric.format(**result.get("extras", {}).get(PRIMARY_PAIR, {}))


def metric_entry(results: dict[str, dict], chapter: str, metric: str) -> dict:
    """The results entry ``{value, low, high, interval}`` of ``metric`` in ``chapter``;
    a KeyError that names the chapter and the metric if it is not published."""
    if chapter not in results:
        raise KeyError(f"{chapter}.json is not in the results folder; run: "
                       f"python -m medlib.book run {chapter} --profile book")
    resolved = resolved_metric(metric, results[chapter])
    try:
        return results[chapter]["metrics"][resolved]
    except KeyError:
        raise KeyError(f"{chapter} publishes no metric {resolved!r}; update "
                       "medlib/book/findings.py to the chapter's metric ids") from None


SHORT_INTERVAL_NAMES = {  # the page's opening paragraph says what each one is
    "bootstrap_95": "95% CI",
    "splits_2.5_97.5": "2.5–97.5th pct. over splits",
    "rounds_min_max": "min–max over rounds",
    "seeds_min_max": "min–max over seeds",
    "wald_95": "Wald 95% CI",
    "corrected_t_95": "corrected-t 95% CI over splits",
}


def format_entry(entry: dict) -> str:
    """``0.945 (95% CI 0.926–0.963)``, or the value alone when it has no interval."""
    text = format_number(entry["value"])
    if entry.get("low") is not None and entry.get("high") is not None:
        text += (f" ({SHORT_INTERVAL_NAMES[entry['interval']]} {format_number(entry['low'])}–"
                 f"{format_number(entry['high'])})")
    return text


def metric_text(results: dict[str, dict], chapter: str, metric: str) -> str:
    """The formatted value and interval of ``metric`` in ``chapter`` (for glued prose)."""
    return format_entry(metric_entry(results, chapter, metric))


def comparator_text(results: dict[str, dict], finding: Finding, comparator: Comparator) -> str:
    """One comparator as the table shows it: label, value (interval), source."""
    if comparator.value is not None:
        text = f"{comparator.label}: {format_number(comparator.value)}"
        return text if comparator.like_for_like else text + " (not like for like)"
    entry = metric_entry(results, comparator.chapter, comparator.metric)
    label = comparator.label.format(
        **results[comparator.chapter].get("extras", {}).get(PRIMARY_PAIR, {}))
    return f"{label}: {format_entry(entry)}"


def findings_table(results: dict[str, dict],
                   declared: tuple[Finding, ...] = FINDINGS) -> pd.DataFrame:
    """Every finding with its value and comparators (columns chapter, question, result,
    value, compared with); a chapter not in ``results`` is an error, not a gap."""
    rows = []
    for finding in declared:
        extras = results.get(finding.chapter, {}).get("extras", {}).get(PRIMARY_PAIR, {})
        rows.append({
            "chapter": finding.chapter,
            "question": finding.question,
            "result": finding.label.format(**extras),
            "value": format_entry(metric_entry(results, finding.chapter, finding.metric)),
            "compared with": "; ".join(comparator_text(results, finding, c)
                                       for c in finding.comparators),
        })
    return pd.DataFrame(rows)


def markdown_table(table: pd.DataFrame, link_column: str = "chapter") -> str:
    """A MyST Markdown table of ``table`` whose ``link_column`` links to the chapters."""
    columns = list(table.columns)
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for _, row in table.iterrows():
        cells = [f"{{doc}}`{row[c]} <{row[c]}>`" if c == link_column
                 else str(row[c]).replace("|", "\\|") for c in columns]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def toc_parts(toc_file: Path = TOC_FILE) -> dict[str, str]:
    """Chapter name → the part of the book (the toc caption) it appears under."""
    toc = yaml.safe_load(toc_file.read_text())
    return {entry["file"].removeprefix("book/"): part["caption"]
            for part in toc.get("parts", []) for entry in part.get("chapters", [])}


def executed_chapters(toc_file: Path = TOC_FILE) -> list[str]:
    """The pages of the table of contents that are executed notebooks (not Markdown), in
    book order: the chapters whose results the summary pages read."""
    book_dir = toc_file.parent / "book"
    return [name for name in toc_parts(toc_file) if (book_dir / f"{name}.ipynb").is_file()]


def model_weights(result: dict, model: str) -> int:
    """The number of weights of ``model`` in the large-models chapter's size curve."""
    sizes = {row["model"]: row["weights"] for row in result["extras"]["size_curve"]}
    if model not in sizes:
        raise KeyError(f"large_models has no model {model!r}; it has {', '.join(sizes)}")
    return int(sizes[model])


def files_read_from(result: dict) -> list[str]:
    """The chapters whose published files (weights, results) a chapter read, from the
    ``inputs`` its recorder kept."""
    return list(dict.fromkeys(entry["chapter"] for entry in (result.get("inputs") or {}).values()
                              if entry.get("chapter")))


def chapter_map(results: dict[str, dict], toc_file: Path = TOC_FILE) -> pd.DataFrame:
    """Every executed chapter in book order: its part, the chapters whose files it loaded,
    and the runtime of its published run."""
    parts = toc_parts(toc_file)
    chapters = [c for c in summarised_chapters(list(parts)) if c in results]
    return pd.DataFrame([{
        "chapter": name,
        "part": parts[name],
        "needs first": ", ".join(files_read_from(results[name])) or "—",
        "runtime (s)": round(results[name]["runtime_s"]) if name in results else None,
    } for name in chapters])


def headline_frame(results: dict[str, dict]) -> pd.DataFrame:
    """Every chapter's headline metrics (the README's table), indexed by chapter and
    metric: the value and its interval, named in full."""
    rows = []
    for name, result in results.items():
        for metric in result.get("headline", []):
            entry = result["metrics"][metric]
            rows.append({"chapter": name, "metric": metric,
                         "value": format_number(entry["value"]),
                         "interval": "—" if entry.get("low") is None else
                         f"{format_number(entry['low'])}–{format_number(entry['high'])}",
                         "what the interval is": INTERVAL_KINDS.get(entry["interval"], "—")})
    return pd.DataFrame(rows).set_index(["chapter", "metric"])
