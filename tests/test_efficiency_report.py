"""medlib.efficiency.efficiency_report: each variant against the float32 original is a paired
claim, and the sentences are counted from the claims."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from medlib.claims.verdicts import AHEAD, BEHIND, TIED, compare_difference, rederive
from medlib.efficiency import efficiency_report as report

RNG = np.random.default_rng(0)
Y = np.r_[np.zeros(100, int), np.ones(100, int)]
ORIGINAL = np.clip(0.4 * Y + RNG.normal(0.3, 0.15, Y.size), 0, 1)


def test_every_variant_is_compared_with_the_original_on_the_same_images():
    scores = {"float32": ORIGINAL, "int8": ORIGINAL + RNG.normal(0, 1e-4, Y.size),
              "broken": RNG.random(Y.size)}
    claims = report.against_original_claims(Y, scores, "float32", 200, 0)
    assert [(c.subject, c.reference) for c in claims] == [("int8", "float32"),
                                                         ("broken", "float32")]
    assert [c.outcome for c in claims] == [TIED, BEHIND]
    assert claims[1].numbers["estimate"] == pytest.approx(
        roc_auc_score(Y, scores["broken"]) - roc_auc_score(Y, ORIGINAL))
    assert all(c.interval == "bootstrap_95" and rederive(c.record()) == c.outcome
               for c in claims)
    assert report.against_original_text(claims).startswith(
        "with each variant's test AUROC minus the original's and its 95% CI from a paired "
        "bootstrap over the test images, 1 of 2 variants cannot be told apart from it; broken "
        "is behind it (-0.")


def claim(name, low, high):
    return compare_difference(name, "float32", (low + high) / 2, low, high, "bootstrap_95")


def test_against_original_text_when_all_are_tied_or_none_is():
    tied = [claim("int8", -0.01, 0.01), claim("pruned 50%", -0.02, 0.01)]
    assert report.against_original_text(tied).endswith(
        "test images, none of the 2 variants can be told apart from it")
    mixed = [claim("a", 0.01, 0.03), claim("b", -0.03, -0.01)]
    assert report.against_original_text(mixed).endswith(
        "test images, b is behind it (-0.0200, 95% CI -0.0300 to -0.0100); a is ahead of it "
        "(+0.0200, 95% CI +0.0100 to +0.0300)")
    with pytest.raises(ValueError, match="no variant"):
        report.against_original_text([])


def test_distillation_claim_and_its_three_readings():
    c = report.distillation_claim(Y, ORIGINAL, ORIGINAL, 50, 0)
    assert (c.subject, c.reference, c.outcome) == ("student, distilled", "student, labels only",
                                                   TIED)
    text = report.distillation_text(c, "7%")
    assert text.startswith("the distilled student cannot be told apart from the one trained on "
                           "labels alone (difference +0.0000, 95% CI +0.0000 to +0.0000, a paired")
    assert text.endswith("at 7% of the teacher's weights, this task does not need them")
    worse = report.distillation_claim(Y, RNG.random(Y.size), ORIGINAL, 50, 0)
    assert worse.outcome == BEHIND
    assert "soft targets cost test AUROC" in report.distillation_text(worse, "7%")
    better = report.distillation_claim(Y, ORIGINAL, RNG.random(Y.size), 50, 0)
    assert better.outcome == AHEAD
    assert "soft targets helped" in report.distillation_text(better, "7%")


def variants_table(int8_latency=0.5):
    rows = {
        "improved CNN (float32)": (0.95, 0.93, 0.97, 100_000, 400.0, 1.0, 2000.0, 1.0),
        "int8 (post-training)": (0.949, 0.93, 0.97, 100_000, 100.0, int8_latency, 5000.0, 4.0),
        "student, labels only": (0.90, 0.88, 0.92, 9_000, 40.0, 0.2, 9000.0, 10.0),
        "student, distilled": (0.93, 0.91, 0.95, 9_000, 40.0, 0.25, 8000.0, 10.0),
    }
    columns = ["test AUROC", "95% CI low", "95% CI high", "weights (non-zero)", "size (kB)",
               "latency (ms)", "images / s", "smaller by"]
    return pd.DataFrame.from_dict(rows, orient="index", columns=columns)


def test_setting_facts_quote_the_parameters():
    assert report.setting_facts(256, 1, (8, 16, 32), 10, 0.5, 2.0) == {
        "calibration_images": "256", "prune_finetune_epochs": "1", "student_widths": "8, 16, 32",
        "student_epochs": "10", "distill_alpha": "0.5", "distill_temperature": "2"}


def test_table_facts_read_the_target_speed_and_spread():
    facts = report.table_facts(variants_table(), "int8 (post-training)", ["int8 (post-training)"])
    assert facts["meeting_target"] == "int8 (post-training)"
    assert (facts["best_smaller"], facts["best_kb"], facts["base_kb"]) == ("4.0", "100", "400")
    assert (facts["plain_auroc"], facts["distilled_ci"]) == ("0.900", "0.910–0.950")
    assert (facts["int8_latency"], facts["base_throughput"]) == ("0.50", "2,000")
    assert facts["student_share"] == "9%" and facts["auroc_span"] == "0.900–0.950"
    assert facts["below_floor"] == "student, labels only, student, distilled"
    assert (facts["fastest_variant"], facts["fastest_latency"]) == ("student, labels only", "0.20")
    assert (facts["int8_one_image"], facts["int8_batch_ratio"]) == ("faster", "2.5")


def test_table_facts_when_nothing_meets_the_target_and_int8_is_slower():
    facts = report.table_facts(variants_table(int8_latency=1.5), "int8 (post-training)", [])
    assert facts["meeting_target"] == "none" and facts["int8_one_image"] == "no faster"
    table = variants_table()
    table["test AUROC"] = 0.95
    assert report.table_facts(table, "int8 (post-training)", [])["below_floor"] == "none"


def test_profile_facts_add_up_the_convolution_operators():
    profile = pd.DataFrame({"operator": ["aten::mkldnn_convolution", "aten::add_",
                                         "aten::conv2d"], "share of time": [0.5, 0.3, 0.1]})
    assert report.profile_facts(profile) == {"top_operator": "aten::mkldnn_convolution",
                                             "top_share": "50%", "conv_share": "60%"}


def test_page_claims_pair_the_students_then_every_variant_with_the_original():
    scores = {"improved CNN (float32)": ORIGINAL, "int8 (post-training)": ORIGINAL,
              "student, labels only": RNG.random(Y.size), "student, distilled": ORIGINAL}
    distill, variants = report.page_claims(Y, scores, 200, 0)
    assert (distill.subject, distill.reference) == ("student, distilled", "student, labels only")
    assert [c.subject for c in variants] == list(scores)[1:]
    facts = report.claim_facts(distill, variants, variants_table())
    assert facts["distill_verdict"] == report.distillation_text(distill, "9%")
    assert facts["auroc_span_verdict"] == report.against_original_text(variants)
