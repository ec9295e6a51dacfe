"""medlib.summary.claims: the summary pages restate recorded verdicts, never re-decide them."""

import pytest

from medlib.claims.verdicts import compare_difference
from medlib.summary.claims import (
    against_published,
    chapter_claims,
    find_claim,
    progression_sentence,
    published_phrase,
)


def progression_result(low: float, high: float) -> dict:
    claim = compare_difference("attention", "Cox", (low + high) / 2, low, high,
                               "corrected_t_95")
    return {"notebook": "progression_pbc",
            "metrics": {"C Harrell::attention": {"value": 0.81},
                        "C Harrell::Cox": {"value": 0.8}},
            "extras": {"primary_comparison": {"deep": "attention", "baseline": "Cox",
                                              "splits_deep_better": 4, "splits": 6},
                       "claims": [claim.record()]}}


@pytest.mark.parametrize(("low", "high", "verb"), [
    (-0.02, 0.03, "cannot be told apart from"), (0.01, 0.03, "is ahead of"),
    (-0.03, -0.01, "is behind")])
def test_progression_sentence_carries_the_recorded_verb(low, high, verb):
    sentence = progression_sentence(progression_result(low, high), "PBC")
    assert sentence.startswith("In PBC, the declared deep model (attention, Harrell's C 0.810)")
    assert f"{verb} the declared baseline (Cox, 0.800)" in sentence
    assert sentence.endswith("ahead in 4 of 6 splits.")


def test_an_edited_verdict_is_refused():
    result = progression_result(-0.02, 0.03)
    result["extras"]["claims"][0]["outcome"] = "ahead"
    with pytest.raises(ValueError, match="re-publish"):
        chapter_claims(result)


def test_find_claim_wants_exactly_one():
    with pytest.raises(KeyError, match="0 claims about 'GRU'"):
        find_claim(progression_result(-0.02, 0.03), "GRU")


def test_against_published_reads_our_interval_against_their_value():
    entry = {"value": 0.93, "low": 0.91, "high": 0.95, "interval": "bootstrap_95"}
    assert published_phrase(against_published(entry, "CNN", "ResNet-18", 0.854)) == \
        "is ahead of ResNet-18 (0.854)"
    assert published_phrase(against_published(entry, "CNN", "AutoML", 0.991)) == \
        "is behind AutoML (0.991)"
    assert against_published(entry, "CNN", "X", 0.94).outcome == "cannot be told apart"
    with pytest.raises(ValueError, match="no interval"):
        against_published({"value": 0.9, "low": None}, "CNN", "X", 0.9)


@pytest.mark.parametrize(("low", "high", "outcome"), [
    (-0.0004, 0.0137, "cannot be told apart"), (0.0001, 0.0126, "ahead")])
def test_a_verdict_on_the_edge_is_restated_as_one(low, high, outcome):
    sentence = progression_sentence(progression_result(low, high), "NAFLD")
    assert "differ by about what the splits can resolve" in sentence
    assert f"(on this draw, {outcome}) can change with the seed." in sentence


def test_an_interval_end_near_zero_is_printed_with_the_decimals_it_needs():
    sentence = progression_sentence(progression_result(-0.0004, 0.0137), "NAFLD")
    assert "corrected 95% CI -0.0004 to +0.014" in sentence
    assert "-0.000 " not in sentence
