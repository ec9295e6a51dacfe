"""medlib.survival.progression_report: the words follow the interval."""

import pytest

from medlib.survival.progression_report import conclusion_lead, paired_verdict


@pytest.mark.parametrize(("low", "high", "expected"), [
    (0.01, 0.03, "above zero: GRU ranks"),
    (-0.03, -0.01, "below zero: Cox ranks"),
    (-0.01, 0.02, "cannot be told apart"),
])
def test_paired_verdict_reads_the_interval(low, high, expected):
    assert expected in paired_verdict("GRU", "Cox", low, high)


@pytest.mark.parametrize(("low", "high", "expected"), [
    (0.01, 0.03, "buys something measurable"),
    (-0.03, -0.01, "the survival baselines win"),
    (0.0, 0.02, "buys nothing measurable"),  # an interval touching zero decides nothing
])
def test_conclusion_lead_reads_the_interval(low, high, expected):
    assert expected in conclusion_lead("GRU", "Cox", low, high)
