"""The findings page, built from the chapters' results: its facts, its table and its figure.

The book's first page answers what a clinician or an engineer came for. Everything it
shows is computed here from the published results files, so the notebook only loads the
results, calls these functions and glues what they return:

- :func:`page_facts`: the glued values and the verdicts the page restates (each verdict a
  chapter's recorded claim, or a :class:`~medlib.claims.verdicts.Claim` against a
  published number computed from the chapter's interval);
- :func:`answers_table`: one row per finding, three columns that fit the page's column;
- :func:`forest_rows` and :func:`plot_forest`: each finding's estimate with its interval
  beside what it should be read against, on a shared axis per kind of metric;
- :func:`self_check_facts`: the machinery checks (the foundations chapter's parity
  errors), which belong in "how the book checks itself", not among the findings.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import matplotlib.pyplot as plt

from medlib.chapter.results import format_number
from medlib.claims.verdicts import Claim
from medlib.data.published import MEDMNIST_V2
from medlib.data.registry import medmnist_info
from medlib.summary import findings
from medlib.summary.claims import against_published, progression_sentence, published_phrase
from medlib.train.beyond_report import difference_text
from medlib.treatment.report import BenefitClaims, chance_text, control_text

#: Chapters whose finding checks the book's machinery rather than answers a question.
SELF_CHECK_CHAPTERS = ("foundations",)


def _medmnist(model: str) -> tuple[float, float]:
    return {name: (auc, acc) for name, auc, acc in MEDMNIST_V2["pneumoniamnist"]}[model]


def page_facts(published: dict[str, dict]) -> tuple[dict[str, str], list[Claim]]:
    """Every value the findings page glues, and the claims it makes against published
    numbers (recorded in its results file so that the claims check re-derives them)."""
    text = partial(findings.metric_text, published)
    entry = partial(findings.metric_entry, published)
    automl_auroc, automl_acc = _medmnist("Google AutoML Vision")
    resnet_auroc, resnet_acc = _medmnist("ResNet-18 (28 px)")
    tb = BenefitClaims.from_records(published["treatment_benefit"]["extras"]["claims"])
    treatment = published["treatment_benefit"]["metrics"]
    prognostic_c = [v["value"] for k, v in treatment.items() if k.startswith("prognostic C::")]
    large = published["large_models"]
    privacy = {row["training"]: row for row in published["robustness"]["extras"]["privacy"]}
    weight_ratio = (findings.model_weights(large, "CNN w16")
                    / findings.model_weights(large, "CNN w1"))
    size_gain = next(Claim.from_record(record) for record in large["extras"]["claims"]
                     if record["subject"] == "CNN w16" and record["reference"] == "CNN w1")
    size_ratio = (entry("efficiency", "size kB::improved CNN (float32)")["value"]
                  / entry("efficiency", "size kB::pruned 90% + int8")["value"])
    facts = {
        "seed_auroc": text("cnn_diagnosis", "test_AUROC"),
        "resnet18_auroc": f"{resnet_auroc:.3f}", "resnet18_acc": f"{resnet_acc:.3f}",
        "automl_auroc": f"{automl_auroc:.3f}", "automl_acc": f"{automl_acc:.3f}",
        "improved_auroc": text("cnn_beyond", "test_AUROC"),
        "improved_acc": text("cnn_beyond", "test_accuracy"),
        "optim_momentum": text("optimizers", "test_AUROC::momentum (seed, corrected)"),
        "optim_adam": text("optimizers", "test_AUROC::Adam"),
        "optim_sgd": text("optimizers", "test_AUROC::SGD"),
        "pbc_sentence": progression_sentence(published["progression_pbc"], "PBC"),
        "nafld_sentence": progression_sentence(published["progression_nafld"], "NAFLD"),
        "tb_hr": text("treatment_benefit", "average effect::death (transplant censored)::"
                      "hazard ratio (treated / control)"),
        "tb_learner": tb.against_chance.subject,
        "tb_cfb": text("treatment_benefit", f"c-for-benefit::{tb.against_chance.subject}"),
        "tb_chance_text": chance_text(tb.against_chance),
        "tb_strong": control_text(tb.strong), "tb_half": control_text(tb.half),
        "tb_best_prognostic": f"{max(prognostic_c):.2f}",
        "lm_cnn_auroc": text("large_models", "test AUROC::CNN w16"),
        "lm_cnn_smaller_auroc": text("large_models", "test AUROC::CNN w1"),
        "lm_size_verb": size_gain.verb, "lm_size_gain": difference_text(size_gain),
        "lm_vit_auroc": text("large_models", "test AUROC::ViT d64 L2"),
        "lm_weight_ratio": f"{weight_ratio:.0f}",
        "pre_ft_1": text("pretraining", "test AUROC::fine-tuned::1% of labels"),
        "pre_scratch_1": text("pretraining", "test AUROC::from scratch::1% of labels"),
        "pre_best_auroc": text("pretraining", "best test AUROC"),
        "pre_best_acc": text("pretraining", "best test accuracy"),
        "labels_10": text("labelling", "AUROC::10% of labels"),
        "labels_100": text("labelling", "AUROC::100% of labels"),
        "pgd_standard": text("robustness", "PGD AUROC eps 4/255::standard"),
        "pgd_adversarial": text("robustness", "PGD AUROC eps 4/255::adversarially trained"),
        "dp_eps1_auroc": f"{privacy['DP-SGD, ε = 1']['test AUROC']:.3f}",
        "nonprivate_auroc": f"{privacy['non-private']['test AUROC']:.3f}",
        "cascade_gradcam": text("interpretability", "cascade_spearman_all_random::Grad-CAM"),
        "cascade_ig": text("interpretability",
                           "cascade_spearman_all_random::Integrated Gradients"),
        "pruned_auroc": text("efficiency", "AUROC::pruned 90% + int8"),
        "float_auroc": text("efficiency", "AUROC::improved CNN (float32)"),
        "size_ratio": f"{size_ratio:.0f}",
        "scaling_efficiency": f"{entry('scaling', 'scaling efficiency::2x1')['value']:.0%}",
        **image_size_facts(published),
    }
    verdicts = {
        "seed_vs_resnet": against_published(entry("cnn_diagnosis", "test_AUROC"), "seed CNN",
                                            "ResNet-18", resnet_auroc),
        "improved_acc_vs_resnet": against_published(entry("cnn_beyond", "test_accuracy"),
                                                    "improved CNN", "ResNet-18", resnet_acc),
        "improved_vs_automl": against_published(entry("cnn_beyond", "test_AUROC"),
                                                "improved CNN", "Google AutoML Vision",
                                                automl_auroc),
        "ensemble_vs_automl": against_published(entry("pretraining", "best test AUROC"),
                                                "ensemble", "Google AutoML Vision",
                                                automl_auroc),
    }
    facts |= {key: published_phrase(claim) for key, claim in verdicts.items()}
    return facts, list(verdicts.values())


def image_size_facts(published: dict[str, dict]) -> dict[str, str]:
    """The image sides (pixels) the seed chapter and all chapters read, from the data files
    each chapter's results record."""
    pixels = {f.file_name: f.size for f in medmnist_info("pneumoniamnist").files.values()}
    sizes_of = {name: sorted({pixels[f] for f in chapter.get("data", {}) if f in pixels})
                for name, chapter in published.items()}
    return {"seed_size": " and ".join(map(str, sizes_of["cnn_diagnosis"])),
            "image_sizes": " and ".join(map(str, sorted(set().union(*sizes_of.values()))))}


def answers_table(published: dict[str, dict],
                  declared: tuple[findings.Finding, ...] = findings.FINDINGS) -> str:
    """The findings as a MyST table of three columns that fit the page: the question
    (linked to its chapter), the answer with its interval, and what to read it against.
    Machinery checks (:data:`SELF_CHECK_CHAPTERS`) are left to :func:`self_check_facts`."""
    table = findings.findings_table(published, declared)
    lines = ["| question | answer | read against |", "|---|---|---|"]
    for _, row in table[~table["chapter"].isin(SELF_CHECK_CHAPTERS)].iterrows():
        cells = (f"{{doc}}`{row['question']} <{row['chapter']}>`",
                 f"{row['result']}: **{row['value']}**", row["compared with"])
        lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def self_check_facts(published: dict[str, dict]) -> dict[str, str]:
    """The foundations chapter's parity check: how many equalities hold and the largest
    error between an equation written out in NumPy and the framework layer."""
    entry = partial(findings.metric_entry, published)
    return {
        "parity_error": format_number(entry("foundations", "largest error of any equality")
                                      ["value"]),
        "parity_equalities": format_number(entry("foundations", "equalities that pass")
                                           ["value"]).removesuffix(".000"),
    }


#: The panels of the findings figure: a metric on a shared scale and the findings on it,
#: each named by (chapter, metric) as in :data:`medlib.summary.findings.FINDINGS`, with the
#: short label the figure gives its row.
FOREST_PANELS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "Diagnosis from chest X-rays (PneumoniaMNIST): test AUROC": (
        ("cnn_diagnosis", "test_AUROC", "seed CNN"),
        ("cnn_beyond", "test_AUROC", "improved CNN"),
        ("pretraining", "best test AUROC", "ensemble chosen on validation"),
        ("large_models", "test AUROC::CNN w16", "largest CNN of the size ladder"),
        ("efficiency", "AUROC::pruned 90% + int8", "improved CNN pruned 90% + int8"),
        ("labelling", "AUROC::10% of labels", "trained on 10% of the labels"),
        ("pretraining", "test AUROC::fine-tuned::1% of labels", "pretrained, 1% of the labels"),
        ("optimizers", "test_AUROC::momentum (seed, corrected)", "seed CNN, source's momentum SGD"),
    ),
    "Disease progression: concordance (C) of the deep model": (
        ("progression_pbc", "C Harrell::{deep}", "PBC: declared deep model, Harrell's C"),
        ("progression_nafld", "C Harrell::{deep}", "NAFLD: declared deep model, Harrell's C"),
        ("progression_benchmarks", "time-dependent C::nafld::neural, discrete-time (tuned)",
         "NAFLD, aorsf protocol: tuned network"),
    ),
    "Who benefits from treatment (PBC trial): c-for-benefit, 0.5 = chance": (
        ("treatment_benefit", "c-for-benefit::S-learner, Cox ridge", "declared benefit model"),
    ),
}


#: Comparators measured on another scale than their finding (the trial's prognostic C
#: beside a c-for-benefit): the table shows them, the figure's shared axis does not.
OTHER_SCALE_METRICS = ("prognostic C::",)


@dataclass(frozen=True)
class Anchor:
    """A number a finding is read against: the same chapter's, or a published one."""

    label: str
    value: float
    published: bool


@dataclass(frozen=True)
class ForestRow:
    """One finding on the figure: its estimate and interval, and its anchors."""

    panel: str
    label: str
    chapter: str
    value: float
    low: float | None
    high: float | None
    anchors: tuple[Anchor, ...]


def _finding(chapter: str, metric: str) -> findings.Finding:
    found = [f for f in findings.FINDINGS if f.chapter == chapter and f.metric == metric]
    if len(found) != 1:
        raise KeyError(f"FOREST_PANELS names ({chapter!r}, {metric!r}), which is not one "
                       "finding of medlib.summary.findings.FINDINGS")
    return found[0]


def _short(label: str) -> str:
    """A comparator's label up to its first comma outside parentheses: "Google AutoML
    Vision", "declared baseline (Cox, landmark)"."""
    depth = 0
    for index, char in enumerate(label):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            return label[:index]
    return label


def forest_rows(published: dict[str, dict],
                panels: dict[str, tuple[tuple[str, str, str], ...]] = FOREST_PANELS
                ) -> list[ForestRow]:
    """The figure's rows, in panel order: each finding's value with its interval and the
    comparators it is read against (published values, or the same chapter's numbers)."""
    rows = []
    for panel, members in panels.items():
        for chapter, metric, label in members:
            finding = _finding(chapter, metric)
            extras = published[chapter].get("extras", {}).get(findings.PRIMARY_PAIR, {})
            entry = findings.metric_entry(published, chapter, metric)
            anchors = []
            for comparator in finding.comparators:
                if comparator.value is not None:
                    name = _short(comparator.label) + (
                        "" if comparator.like_for_like else " (not like for like)")
                    anchors.append(Anchor(name, comparator.value, True))
                elif not comparator.metric.startswith(OTHER_SCALE_METRICS):
                    value = findings.metric_entry(published, comparator.chapter,
                                                  comparator.metric)["value"]
                    anchors.append(Anchor(_short(comparator.label.format(**extras)), value,
                                          False))
            rows.append(ForestRow(panel, label, chapter, entry["value"], entry.get("low"),
                                  entry.get("high"), tuple(anchors)))
    return rows


def panel_limits(rows: list[ForestRow], margin: float = 0.02,
                 reach: float = 0.12) -> tuple[float, float]:
    """The x range of a panel: every estimate's interval, and the anchors within ``reach``
    of it (an anchor further out is marked at the edge with its value, so that one
    distant number does not squeeze every interval into a corner)."""
    low = min(r.low if r.low is not None else r.value for r in rows)
    high = max(r.high if r.high is not None else r.value for r in rows)
    anchors = [a.value for r in rows for a in r.anchors]
    low = min([low, *[v for v in anchors if v >= low - reach]])
    high = max([high, *[v for v in anchors if v <= high + reach]])
    return low - margin, high + margin


def plot_forest(rows: list[ForestRow]) -> plt.Figure:
    """A forest plot: per panel, each finding's estimate (black dot) with its interval
    (line), the same chapter's comparators (grey squares) and published values (red
    diamonds), each comparator named beside its marker."""
    panels = list(dict.fromkeys(row.panel for row in rows))
    heights = [sum(row.panel == p for row in rows) for p in panels]
    fig, axes = plt.subplots(len(panels), 1, figsize=(9, 0.62 * sum(heights) + 2.4),
                             height_ratios=heights, layout="constrained", squeeze=False)
    for ax, panel in zip(axes[:, 0], panels, strict=True):
        mine = [row for row in rows if row.panel == panel]
        left, right = panel_limits(mine)
        for y, row in enumerate(mine):
            if row.low is not None and row.high is not None:
                ax.plot([row.low, row.high], [y, y], color="black", lw=2)
            ax.plot(row.value, y, "o", color="black", ms=6)
            for number, anchor in enumerate(row.anchors):
                color = "tab:red" if anchor.published else "dimgrey"
                shown = min(max(anchor.value, left), right)
                outside = shown != anchor.value
                ax.plot(shown, y, ("<" if anchor.value < left else ">") if outside
                        else ("D" if anchor.published else "s"), ms=6, mfc="none", color=color)
                name = anchor.label + (f" {format_number(anchor.value)}" if outside else "")
                ax.annotate(name, (shown, y), xytext=(0, 7 if number % 2 == 0 else -13),
                            textcoords="offset points", ha="center", fontsize=6.5,
                            color=color)
        ax.set_yticks(range(len(mine)), [r.label for r in mine], fontsize=8.5)
        ax.set_ylim(len(mine) - 0.5, -0.7)
        ax.set_xlim(left, right)
        ax.set_title(panel, fontsize=10, loc="left")
        ax.grid(axis="x", alpha=0.3)
    legend = axes[-1, 0]
    legend.plot([], [], "o-", color="black", label="this book, with its interval")
    legend.plot([], [], "s", mfc="none", color="dimgrey", label="read against: same chapter")
    legend.plot([], [], "D", mfc="none", color="tab:red", label="read against: published")
    fig.legend(*legend.get_legend_handles_labels(), loc="outside lower center", ncol=3,
               fontsize=8)
    return fig
