"""The treatment chapter's verdicts (medlib.treatment.report): every branch of every
verdict, from small made-up numbers, and that the claims re-derive."""

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
    rederive,
)
from medlib.treatment import report

LEARNER = "S-learner, Cox ridge"


def claims(hr=(1.0, 0.7, 1.4), c=(0.49, 0.38, 0.60), null=(0.5,) * 19, strong=(20, 20),
           half=(5, 20), rate=(0.004, -0.02, 0.03)):
    return report.benefit_claims(LEARNER, hr, c, list(null), strong, half, rate)


def test_outcomes_of_each_claim():
    assert claims().average.outcome == TIED
    assert claims(hr=(0.6, 0.4, 0.9)).average.outcome == AHEAD  # a lower hazard is better
    assert claims(hr=(1.6, 1.1, 2.3)).average.outcome == BEHIND
    assert claims(c=(0.62, 0.55, 0.70)).against_chance.outcome == AHEAD
    assert claims(c=(0.62, 0.55, 0.70)).against_null.outcome == ABOVE_NULL
    assert claims().against_null.outcome == WITHIN_NULL
    assert claims(null=(0.5,) * 10).against_null.outcome == UNRESOLVED
    assert claims().strong.outcome == DETECTS and claims().half.outcome == MISSES
    assert claims().targeting.outcome == TIED
    assert claims(rate=(0.05, 0.01, 0.09)).targeting.outcome == AHEAD
    assert claims(rate=(-0.05, -0.09, -0.01)).targeting.outcome == BEHIND
    for claim in claims().records():
        assert rederive(claim) == claim["outcome"]


@pytest.mark.parametrize(("c", "words"), [
    ((0.62, 0.55, 0.70), "better than chance"), ((0.38, 0.30, 0.45), "worse than chance"),
    ((0.49, 0.38, 0.60), "cannot be told apart from chance")])
def test_chance_text(c, words):
    assert words in report.chance_text(claims(c=c).against_chance)


def test_average_text():
    assert "includes 1" in report.average_text(claims().average)
    assert "lowered" in report.average_text(claims(hr=(0.6, 0.4, 0.9)).average)
    assert "raised" in report.average_text(claims(hr=(1.6, 1.1, 2.3)).average)


def test_null_text_gives_the_count_and_p():
    text = report.null_text(claims(c=(0.62, 0.55, 0.70), null=(0.5,) * 18 + (0.9,)).against_null)
    assert text.startswith("it lies within") and "1 of 19" in text and "p = 0.10" in text
    assert report.null_text(claims(c=(0.62, 0.55, 0.70)).against_null).startswith(
        "it stands above")
    assert report.null_text(claims(null=(0.5,) * 5).against_null).startswith("too few")


def test_control_text():
    assert report.control_text(claims().strong) == "found in 20 of 20 simulated trials"


def test_clinician_verdict_branches():
    signal = report.clinician_verdict(claims(c=(0.62, 0.55, 0.70)))
    assert signal.startswith("The declared benefit model finds a signal")
    half_detected = report.clinician_verdict(claims(half=(18, 20)))
    assert "unlikely" in half_detected and half_detected.startswith("No subgroup")
    strong_only = report.clinician_verdict(claims())
    assert "absence of evidence for weak heterogeneity" in strong_only
    nothing = report.clinician_verdict(claims(strong=(4, 20)))
    assert "could not have shown heterogeneity" in nothing
    average_helps = report.clinician_verdict(claims(hr=(0.6, 0.4, 0.9)))
    assert average_helps.startswith("The trial's average effect favours D-penicillamine")
    # one check alone is not a signal
    assert not report.clinician_verdict(
        claims(c=(0.62, 0.55, 0.70), null=(0.7,) * 19)).startswith("The declared")


def test_claims_round_trip_through_the_results_file():
    original = claims(c=(0.62, 0.55, 0.70))
    assert report.BenefitClaims.from_records(original.records()) == original


@pytest.mark.parametrize(("rate", "words"), [
    ((0.05, 0.01, 0.09), "gain more"), ((-0.05, -0.09, -0.01), "gain less"),
    ((0.004, -0.02, 0.03), "cannot be told apart from the average patient")])
def test_targeting_text(rate, words):
    assert words in report.targeting_text(claims(rate=rate).targeting)


def test_rate_qualifies_the_verdict_but_never_makes_it():
    agrees = report.clinician_verdict(claims(c=(0.62, 0.55, 0.70), rate=(0.05, 0.01, 0.09)))
    assert "Its RATE agrees" in agrees
    assert "does not confirm" in report.clinician_verdict(claims(c=(0.62, 0.55, 0.70)))
    lead = report.clinician_verdict(claims(rate=(0.05, 0.01, 0.09)))
    assert lead.startswith("No subgroup") and "a lead for an independent trial" in lead
    assert "a lead" not in report.clinician_verdict(claims())
    assert len(claims().records()) == 6
    assert report.BenefitClaims.from_records(claims().records()) == claims()
