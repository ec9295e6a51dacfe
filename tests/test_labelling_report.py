"""medlib.trust.labelling_report: the labelling chapter's verdicts, every branch, from small
made-up numbers, and that the claims re-derive."""

import numpy as np
import pandas as pd
import pytest

from medlib.claims.verdicts import AHEAD, BEHIND, TIED, Claim, rederive
from medlib.metrics.multiclass import accuracy
from medlib.trust import labelling_report as lr

NaN = float("nan")


def needed(rows: dict[str, dict[str, list[float]]]) -> pd.DataFrame:
    """``{target: {strategy: labels needed per seed}}`` as labels_needed_summary returns it."""
    return pd.DataFrame([{"target": target, "strategy": strategy, "seed": seed,
                          "labels needed": value}
                         for target, by_strategy in rows.items()
                         for strategy, values in by_strategy.items()
                         for seed, value in enumerate(values)])


def claim(outcome: str, estimate=0.0, low=-1.0, high=1.0) -> Claim:
    return Claim("difference", "s", "r", outcome,
                 {"estimate": estimate, "low": low, "high": high, "higher_is_better": 1.0},
                 "bootstrap_95")


def test_uncertainty_is_ahead_only_when_it_needed_fewer_labels_on_every_seed():
    claims = lr.labels_needed_claims(needed({
        "95% of full": {"random": [20, 30, 40], "uncertainty": [10, 20, 30]},   # fewer on all
        "99% of full": {"random": [20, 30, 40], "uncertainty": [30, 40, 50]},   # more on all
        "90% of full": {"random": [28, 14, 8], "uncertainty": [12, 30, 14]},    # seeds disagree
    }), last_round=64)
    ahead, behind, tied = claims["95% of full"], claims["99% of full"], claims["90% of full"]
    assert (ahead.outcome, behind.outcome, tied.outcome) == (AHEAD, BEHIND, TIED)
    assert ahead.numbers["estimate"] == -10 and ahead.interval == "seeds_min_max"
    assert (tied.numbers["low"], tied.numbers["high"]) == (-16, 16)
    assert ahead.numbers["higher_is_better"] == 0.0 and ahead.numbers["seeds"] == 3
    assert ahead.subject == "uncertainty sampling, labels needed for 95% of full"
    assert ahead.reference == "random sampling, labels needed for 95% of full"
    for c in claims.values():
        assert rederive(c.record()) == c.outcome


def test_a_strategy_that_never_reached_the_target_counts_at_the_last_round():
    claims = lr.labels_needed_claims(needed({
        # seed 0: only random reached (uncertainty counted at 64); seed 1: only uncertainty
        # reached; seed 2: neither, left out
        "99% of full": {"random": [61.4, NaN, NaN], "uncertainty": [NaN, 29.2, NaN]},
        "95% of full": {"random": [NaN, NaN], "uncertainty": [NaN, NaN]},
        "90% of full": {"random": [NaN, NaN], "uncertainty": [40, 50]},
    }), last_round=64)
    mixed = claims["99% of full"]
    assert mixed.outcome == TIED  # the seeds disagree: never "saved"
    assert mixed.numbers["low"] == pytest.approx(29.2 - 64)
    assert mixed.numbers["high"] == pytest.approx(64 - 61.4)
    assert (mixed.numbers["seeds"], mixed.numbers["seeds_bounded"]) == (2, 2)
    assert claims["95% of full"] is None
    assert claims["90% of full"].outcome == AHEAD  # random never got there within 64 labels
    with pytest.raises(ValueError, match="last round"):
        lr.labels_needed_claims(needed({"t": {"random": [80], "uncertainty": [10]}}), 64)


def test_labels_needed_text_states_each_target_or_all_at_once():
    claims = lr.labels_needed_claims(needed({
        "95% of full": {"random": [28, 14, 8], "uncertainty": [12, 30, 14]},
        "99% of full": {"random": [61.4, NaN, NaN], "uncertainty": [NaN, 29.2, NaN]},
    }), last_round=64)
    text = lr.labels_needed_text(claims)
    assert text.startswith("cannot be told apart from random sampling (neither needed fewer "
                           "labels on every seed) at every target (95% of full: uncertainty "
                           "minus random +2 labels, range over 3 seeds −16 to +16; 99% of full:")
    mixed = lr.labels_needed_claims(needed({
        "95% of full": {"random": [20, 30], "uncertainty": [10, 20]},
        "99% of full": {"random": [20, 30], "uncertainty": [30, 40]},
        "90% of full": {"random": [NaN, NaN], "uncertainty": [NaN, NaN]},
    }), last_round=64)
    assert lr.labels_needed_text(mixed) == (
        "at 95% of full, needed fewer labels than random sampling on every seed (uncertainty "
        "minus random −10 labels, range over 2 seeds −10 to −10); at 99% of full, needed more "
        "labels than random sampling on every seed (uncertainty minus random +10 labels, range "
        "over 2 seeds +10 to +10); at 90% of full, could not be compared with random sampling "
        "(neither reached it on any seed)")
    assert lr.labels_needed_text({"t": None, "u": None}).endswith("at any target")
    with pytest.raises(ValueError, match="no targets"):
        lr.labels_needed_text({})


@pytest.mark.parametrize(("outcome", "efficiency", "noise"), [
    (AHEAD, "is ahead of the one trained on 1% of them", "noisy labels are ahead of"),
    (BEHIND, "is behind the one trained on 1% of them", "noisy labels are behind"),
    (TIED, "cannot be told apart from the one trained on 1% of them",
     "noisy and on clean labels cannot be told apart"),
])
def test_sentences_follow_the_outcome(outcome, efficiency, noise):
    c = claim(outcome, 0.019, 0.011, 0.028)
    assert lr.efficiency_text(c, "1%") == (f"the network trained on all the labels {efficiency} "
                                           "(+0.019, 95% CI +0.011 to +0.028)")
    assert noise in lr.noise_cost_text(c)
    assert lr.noise_cost_text(c).endswith("(paired difference +0.019, 95% CI +0.011 to +0.028)")
    assert lr.gce_text(c).startswith(f"GCE {c.verb} cross-entropy on the same test images")


def test_setting_text_groups_the_settings_by_outcome():
    claims = [claim(TIED), claim(TIED), claim(AHEAD), claim(AHEAD)]
    settings = ["clean", "symmetric 20%", "symmetric 40%", "missed pneumonia 40%"]
    assert lr.setting_text(claims, settings, "cross-entropy") == (
        "cannot be told apart from cross-entropy with clean and symmetric 20% labels and is "
        "ahead of it with symmetric 40% and missed pneumonia 40% labels")
    assert lr.setting_text([claim(BEHIND)], ["clean"], "the default threshold") == (
        "is behind the default threshold with clean labels")
    with pytest.raises(ValueError, match="one label setting per claim"):
        lr.setting_text(claims, settings[:2], "x")


def test_thresholded_decisions_give_the_accuracy_at_each_models_threshold():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 50)
    scores = [rng.random(50).astype(np.float32) for _ in range(2)]
    thresholds = [0.3, 0.7]
    decisions = lr.thresholded(scores, thresholds)
    for s, t, d in zip(scores, thresholds, decisions, strict=True):
        assert accuracy(y, d) == accuracy(y, s, t)
    with pytest.raises(ValueError, match="one threshold per model"):
        lr.thresholded(scores, [0.5])
