"""medlib.efficiency.efficiency_report: each variant against the float32 original is a paired
claim, and the sentences are counted from the claims."""

import numpy as np
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
