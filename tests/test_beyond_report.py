"""medlib.train.beyond_report: targets, published rows and paired comparisons as claims,
and the words chosen from them, for every outcome."""

import numpy as np
import pytest

from medlib.claims.verdicts import AHEAD, BEHIND, TIED, Claim, rederive
from medlib.metrics.paired import seed_mean_difference
from medlib.train import beyond_report as br

SUBJECT = br.IMPROVED


@pytest.mark.parametrize(("value", "low", "high", "outcome", "words"), [
    (0.985, 0.980, 0.990, AHEAD, "meets the target of 0.975: its 95% CI, 0.980–0.990, lies above"),
    (0.960, 0.950, 0.970, BEHIND,
     "misses the target of 0.975: its 95% CI, 0.950–0.970, lies below"),
    (0.976, 0.963, 0.987, TIED, "cannot be told apart from the target of 0.975: its 95% CI, "
                                "0.963–0.987, includes it"),
    (0.980, 0.975, 0.985, TIED, "includes it"),  # an interval touching the target decides nothing
])
def test_a_target_is_met_only_when_the_whole_interval_lies_above_it(value, low, high, outcome,
                                                                      words):
    claim = br.target_claim(SUBJECT, "AUROC", value, low, high, 0.975, metric="test_AUROC")
    assert claim.outcome == outcome and rederive(claim.record()) == outcome
    assert claim.subject == f"{SUBJECT}: test AUROC"
    assert claim.reference == "declared target, test AUROC"
    assert claim.interval == "bootstrap_95" and claim.metric == "test_AUROC"
    assert claim.numbers["reference_value"] == 0.975
    assert words in br.target_text(claim)


def test_targets_met_needs_every_target():
    met = br.target_claim(SUBJECT, "AUROC", 0.99, 0.98, 0.995, 0.975)
    tied = br.target_claim(SUBJECT, "accuracy", 0.91, 0.89, 0.93, 0.90)
    assert br.targets_met([met]) and not br.targets_met([met, tied]) and not br.targets_met([])


def test_published_rows_each_get_a_claim_and_missing_ones_none():
    claims = br.published_claims(SUBJECT, 0.976, 0.963, 0.987,
                                 {"ResNet-18 (28 px)": 0.944, "ResNet-50 (224 px)": 0.970,
                                  "Google AutoML Vision": 0.991, "not published": float("nan"),
                                  "missing": None}, metric="test_AUROC")
    assert [c.outcome for c in claims] == [AHEAD, TIED, BEHIND]
    assert [c.reference for c in claims] == ["ResNet-18 (28 px) (0.944)",
                                             "ResNet-50 (224 px) (0.970)",
                                             "Google AutoML Vision (0.991)"]
    assert all(rederive(c.record()) == c.outcome for c in claims)
    assert br.outcomes_text(claims) == (
        "is ahead of ResNet-18 (28 px) (0.944), cannot be told apart from ResNet-50 (224 px) "
        "(0.970) and is behind Google AutoML Vision (0.991)")
    assert br.outcomes_text(claims[:1] * 2, ["A", "B"]) == "is ahead of A and B"
    assert br.position_text(claims[0]) == "lies below our 95% CI of test AUROC (behind it)"
    assert br.position_text(claims[1]) == (
        "lies inside our 95% CI of test AUROC (the two cannot be told apart)")
    assert br.position_text(claims[2], "the ensemble's") == (
        "lies above the ensemble's 95% CI of test AUROC (ahead of it)")
    with pytest.raises(ValueError, match="no claims"):
        br.outcomes_text([])


def test_published_side_text_agrees_or_goes_model_by_model():
    above = br.published_claims("chosen ensemble", 0.976, 0.964, 0.986,
                                {"AutoML": 0.991, "DINO": 0.989, "other": 0.995})
    assert br.published_side_text(above[:2], ["AutoML", "DINO"], "the ensemble's") == (
        "both lie above the ensemble's 95% CI of test AUROC (ahead of it)")
    assert br.published_side_text(above, ["a", "b", "c"], "the ensemble's").startswith("all lie")
    low = br.published_claims("chosen ensemble", 0.976, 0.964, 0.986,
                              {"VGG16": 0.970, "AlexNet": 0.959})
    assert br.published_side_text(low, ["VGG16", "AlexNet"], "the ensemble's") == (
        "VGG16 lies inside the ensemble's 95% CI of test AUROC (the two cannot be told apart); "
        "AlexNet lies below the ensemble's 95% CI of test AUROC (behind it)")
    tied = br.published_claims("x", 0.5, 0.4, 0.6, {"a": 0.45, "b": 0.55})
    assert "none can be told apart from it" in br.published_side_text(tied, ["a", "b"], "its")
    assert br.published_side_text(tied[:1], ["a"], "its").startswith("a lies inside its")
    with pytest.raises(ValueError, match="one name per claim"):
        br.published_side_text(tied, ["a"], "its")


def test_paired_claim_is_the_seed_mean_difference_with_its_bootstrap_interval():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200)
    good = [y * 0.8 + rng.random(200) for _ in range(2)]
    weak = [y * 0.1 + rng.random(200) for _ in range(2)]
    claim = br.paired_claim("good", "weak", y, good, weak, 100, 7)
    estimate, low, high = seed_mean_difference(y, good, weak, 100, 7)
    assert claim.numbers["estimate"] == estimate and (claim.numbers["low"], claim.numbers["high"]) \
        == (low, high)
    assert claim.outcome == AHEAD and claim.interval == "bootstrap_95"
    assert br.paired_claim("weak", "good", y, weak, good, 100, 7).outcome == BEHIND
    assert br.paired_claim("good", "same", y, good, good, 100, 7).outcome == TIED


def test_recorded_names_the_metric_it_recorded():
    recorded = {}

    def add_metric(name, value, low, high, interval):
        recorded[name] = (value, low, high, interval)
        return "::".join(name)

    difference = Claim("difference", "a", "b", AHEAD,
                       {"estimate": 0.02, "low": 0.01, "high": 0.03, "higher_is_better": 1.0},
                       "bootstrap_95")
    claim = br.recorded(difference, add_metric, ("AUROC difference", "a − b"))
    assert claim.metric == "AUROC difference::a − b"
    assert recorded[("AUROC difference", "a − b")] == (0.02, 0.01, 0.03, "bootstrap_95")
    target = br.recorded(br.target_claim("m", "AUROC", 0.98, 0.97, 0.99, 0.975), add_metric,
                         ("target",))
    assert recorded[("target",)][:3] == pytest.approx((0.98, 0.97, 0.99))
    assert target.metric == "target"


def test_numbers_in_words():
    assert br.signed(0.0123) == "+0.012" and br.signed(-0.0123) == "−0.012"
    assert br.signed(-0.0001) == "0.000" and br.signed(0.0) == "0.000"
    assert br.listing(["a"]) == "a" and br.listing(["a", "b", "c"]) == "a, b and c"
    with pytest.raises(ValueError, match="nothing"):
        br.listing([])
    claim = Claim("difference", "a", "b", TIED,
                  {"estimate": 2.4, "low": -16.0, "high": 16.1, "higher_is_better": 0.0},
                  "seeds_min_max")
    assert br.difference_text(claim, 0) == "+2, range over seeds −16 to +16"
