"""The numbers of the FAQ page (``faq``), read from the chapters' results files.

The source ends with nine questions and one-line answers. The FAQ page answers them again
from this book's own measurements; which measurement backs which answer is declared here,
once, so that the page's prose can never drift from the chapters (CI re-executes the page
and checks every number it records). The ``{deep}`` and ``{baseline}`` fields
name the progression chapters' declared pair, resolved as on the findings page.
"""

from __future__ import annotations

import pandas as pd

from medlib.summary.findings import metric_entry, metric_text, resolved_metric

# glue key -> (chapter, metric id)
FAQ_NUMBERS: dict[str, tuple[str, str]] = {
    "foundations_error": ("foundations", "largest error of any equality"),
    "seed_auroc": ("cnn_diagnosis", "test_AUROC"),
    "improved_auroc": ("cnn_beyond", "test_AUROC"),
    "improved_accuracy": ("cnn_beyond", "test_accuracy"),
    "cnn_largest_auroc": ("large_models", "test AUROC::CNN w16"),
    "cnn_smaller_auroc": ("large_models", "test AUROC::CNN w1"),
    "vit_auroc": ("large_models", "test AUROC::ViT d64 L2"),
    "finetuned_1pct": ("pretraining", "test AUROC::fine-tuned::1% of labels"),
    "scratch_1pct": ("pretraining", "test AUROC::from scratch::1% of labels"),
    "ensemble_auroc": ("pretraining", "best test AUROC"),
    "sgd_auroc": ("optimizers", "test_AUROC::SGD"),
    "momentum_auroc": ("optimizers", "test_AUROC::momentum (seed, corrected)"),
    "adam_auroc": ("optimizers", "test_AUROC::Adam"),
    "pbc_deep_c": ("progression_pbc", "C Harrell::{deep}"),
    "pbc_baseline_c": ("progression_pbc", "C Harrell::{baseline}"),
    "nafld_deep_c": ("progression_nafld", "C Harrell::{deep}"),
    "nafld_baseline_c": ("progression_nafld", "C Harrell::{baseline}"),
    "pbc_attention_c": ("progression_pbc", "C Harrell::self-attention"),
    "nafld_attention_c": ("progression_nafld", "C Harrell::self-attention"),
    "treatment_hr": ("treatment_benefit", "average effect::death (transplant censored)::"
                     "hazard ratio (treated / control)"),
    "treatment_cfb_s_cox": ("treatment_benefit", "c-for-benefit::S-learner, Cox ridge"),
    "treatment_cfb_t_forest": ("treatment_benefit", "c-for-benefit::T-learner, survival forest"),
    "treatment_prognostic_c": ("treatment_benefit", "prognostic C::S-learner, Cox ridge"),
    "labels_10pct": ("labelling", "AUROC::10% of labels"),
    "labels_100pct": ("labelling", "AUROC::100% of labels"),
    "gradcam_rho": ("interpretability", "cascade_spearman_all_random::Grad-CAM"),
    "pgd_standard": ("robustness", "PGD AUROC eps 4/255::standard"),
    "pgd_adversarial": ("robustness", "PGD AUROC eps 4/255::adversarially trained"),
    "pruned_auroc": ("efficiency", "AUROC::pruned 90% + int8"),
    "pruned_kb": ("efficiency", "size kB::pruned 90% + int8"),
    "float32_kb": ("efficiency", "size kB::improved CNN (float32)"),
    "ddp_images_s": ("scaling", "images per second::2x1"),
    "single_images_s": ("scaling", "images per second::1x1"),
}


def chapters_used() -> list[str]:
    """The chapters whose results the FAQ reads (its ``requires`` in params.yml)."""
    return sorted({chapter for chapter, _ in FAQ_NUMBERS.values()})


def faq_texts(results: dict[str, dict]) -> dict[str, str]:
    """Every FAQ number, formatted with its interval, by glue key."""
    return {key: metric_text(results, chapter, metric)
            for key, (chapter, metric) in FAQ_NUMBERS.items()}


def faq_entries(results: dict[str, dict]) -> list[tuple[tuple[str, ...], dict]]:
    """``((chapter, *metric parts), entry)`` for every FAQ number, to record in the page's
    own results file so that CI checks the page against the chapters."""
    out = []
    for chapter, metric in FAQ_NUMBERS.values():
        resolved = resolved_metric(metric, results[chapter])
        out.append(((chapter, *resolved.split("::")), metric_entry(results, chapter, metric)))
    return out


def sources_table(results: dict[str, dict]) -> pd.DataFrame:
    """Every FAQ number beside the chapter and metric it is read from."""
    return pd.DataFrame([
        {"chapter": chapter, "metric": resolved_metric(metric, results[chapter]),
         "value": metric_text(results, chapter, metric)}
        for chapter, metric in FAQ_NUMBERS.values()]).set_index(["chapter", "metric"])
