"""medlib.survival.progression_report: the words follow the declared comparison's claim."""

import pytest

from medlib.claims.verdicts import rederive
from medlib.survival.progression_report import (
    conclusion_lead,
    interval_reach,
    paired_verdict,
    parse_comparison,
    primary_claim,
)


@pytest.mark.parametrize(("low", "high", "expected"), [
    (0.01, 0.03, "above zero: GRU ranks"),
    (-0.03, -0.01, "below zero: Cox ranks"),
    (-0.01, 0.02, "cannot be told apart"),
])
def test_paired_verdict_reads_the_interval(low, high, expected):
    claim = primary_claim("GRU", "Cox", (low + high) / 2, low, high)
    assert expected in paired_verdict(claim)
    assert rederive(claim.record()) == claim.outcome


@pytest.mark.parametrize(("low", "high", "expected"), [
    (0.01, 0.03, "buys something measurable"),
    (-0.03, -0.01, "the survival baseline wins"),
    # an interval touching zero decides nothing
    (0.0, 0.02, "buys nothing these splits can measure"),
])
def test_conclusion_lead_reads_the_interval(low, high, expected):
    assert expected in conclusion_lead(primary_claim("GRU", "Cox", 0.01, low, high))


def test_parse_comparison():
    assert parse_comparison("self-attention, time-aware|Cox, landmark") == (
        "self-attention, time-aware", "Cox, landmark")
    for bad in ("GRU", "GRU|", "|Cox", "a|b|c"):
        with pytest.raises(ValueError, match="deep model|baseline"):
            parse_comparison(bad)


@pytest.mark.parametrize(("low", "high", "expected"), [
    (0.011, 0.034, "gain in Harrell's C lies between 0.011 and 0.034"),
    (-0.034, -0.011, "loss in Harrell's C lies between 0.011 and 0.034"),
    (-0.011, 0.020, "rules out a gain in Harrell's C above 0.020 and a loss above 0.011"),
])
def test_interval_reach_says_what_the_interval_excludes(low, high, expected):
    assert expected in interval_reach(primary_claim("GRU", "Cox", (low + high) / 2, low, high))
