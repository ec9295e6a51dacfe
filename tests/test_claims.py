"""The verdict functions of medlib.claims: every branch, the reversal of "better", the
permutation p-value, and that a stored claim re-derives to the outcome it was made with."""

import json

import pytest

from medlib.claims.verdicts import (
    ABOVE_NULL,
    AHEAD,
    BEHIND,
    DETECTS,
    MISSES,
    TIED,
    UNRESOLVED,
    WITHIN_NULL,
    changed_outcomes,
    compare_difference,
    compare_to_null,
    compare_value,
    detection,
    permutation_p_value,
    rederive,
    verb,
)


@pytest.mark.parametrize(("low", "high", "better", "outcome"), [
    (0.01, 0.05, True, AHEAD), (-0.05, -0.01, True, BEHIND), (-0.01, 0.05, True, TIED),
    (0.01, 0.05, False, BEHIND), (-0.05, -0.01, False, AHEAD), (0.0, 0.05, True, TIED),
])
def test_difference_outcomes(low, high, better, outcome):
    claim = compare_difference("A", "B", (low + high) / 2, low, high, "corrected_t_95", better)
    assert claim.outcome == outcome
    assert rederive(json.loads(json.dumps(claim.record()))) == outcome


def test_difference_refuses_reversed_or_missing_numbers():
    with pytest.raises(ValueError, match="reversed"):
        compare_difference("A", "B", 0.0, 0.1, -0.1, "corrected_t_95")
    with pytest.raises(ValueError, match="finite"):
        compare_difference("A", "B", 0.0, float("nan"), 0.1, "corrected_t_95")
    with pytest.raises(ValueError, match="say what the interval is"):
        compare_difference("A", "B", 0.0, -0.1, 0.1, "")


def test_value_against_a_fixed_reference():
    above = compare_value("T-learner", "chance", 0.5, 0.62, 0.55, 0.70, "bootstrap_95")
    assert above.outcome == AHEAD and above.numbers["low"] == pytest.approx(0.05)
    assert compare_value("S", "chance", 0.5, 0.48, 0.36, 0.59, "bootstrap_95").outcome == TIED


def test_permutation_p_value_counts_ties_against_the_observed_value():
    assert permutation_p_value(0.6, [0.5, 0.6, 0.7]) == (0.75, 2, 3)
    assert permutation_p_value(0.4, [0.5, 0.6], higher_is_better=False) == (1 / 3, 0, 2)


@pytest.mark.parametrize(("null", "outcome"), [
    ([0.5] * 19, ABOVE_NULL),               # p = 1/20 = alpha
    ([0.5] * 18 + [0.9], WITHIN_NULL),       # p = 2/20
    ([0.5] * 10, UNRESOLVED),               # 1/11 > 0.05: could never reach the level
])
def test_null_outcomes(null, outcome):
    claim = compare_to_null("T-learner", "shuffled arms", 0.8, null)
    assert claim.outcome == outcome
    assert rederive(claim.record()) == outcome


def test_detection_outcomes():
    assert detection("pipeline", "simulated effect", 17, 20).outcome == DETECTS
    assert detection("pipeline", "simulated effect", 9, 20).outcome == MISSES
    with pytest.raises(ValueError):
        detection("pipeline", "effect", 3, 2)


def test_from_record_round_trips_and_refuses_an_edited_verdict():
    from medlib.claims.verdicts import Claim

    claim = compare_to_null("T", "shuffled", 0.8, [0.5] * 19)
    assert Claim.from_record(json.loads(json.dumps(claim.record()))) == claim
    edited = {**claim.record(), "outcome": WITHIN_NULL}
    with pytest.raises(ValueError, match="re-publish"):
        Claim.from_record(edited)


def test_rederive_catches_an_edited_number():
    record = compare_difference("A", "B", 0.02, 0.01, 0.03, "corrected_t_95").record()
    record["numbers"]["low"] = -0.01
    assert rederive(record) != record["outcome"]
    with pytest.raises(ValueError, match="unknown claim kind"):
        rederive({"kind": "vibes", "numbers": {}})


def test_verbs_and_sentence():
    claim = compare_difference("attention", "landmark Cox", 0.0, -0.02, 0.03, "corrected_t_95")
    assert claim.sentence() == "attention cannot be told apart from landmark Cox"
    assert verb(AHEAD) == "is ahead of"
    with pytest.raises(ValueError, match="unknown outcome"):
        verb("better")


def test_changed_outcomes_lists_flips_and_new_claims():
    a = compare_difference("A", "B", 0.0, -0.1, 0.1, "corrected_t_95").record()
    b = compare_difference("A", "B", 0.2, 0.1, 0.3, "corrected_t_95").record()
    c = detection("p", "e", 1, 2).record()
    assert changed_outcomes([a], [a]) == []
    assert changed_outcomes([a], [b, c]) == [
        "difference / A / B: cannot be told apart → ahead", "detection / p / e: new, misses"]
