"""The verdicts of the treatment-benefit chapter, computed from its numbers.

The chapter declares one benefit model before looking at the results
(``primary_learner`` in ``notebooks/params.yml``); its verdicts rest on that learner, and
the other learners are exploratory. Each verdict is a :class:`medlib.claims.verdicts.Claim`
(written to the results file and re-derived by the claims check); the sentences the page
glues are built here from those claims, so that a sentence cannot say more than its
claim. A null is never stated as a proven negative: the positive control says what the
same design finds when an effect is known to be there. Chapter: ``treatment_benefit``.
"""

from __future__ import annotations

from dataclasses import dataclass

from medlib.claims.verdicts import (
    ABOVE_NULL,
    AHEAD,
    BEHIND,
    DETECTS,
    UNRESOLVED,
    Claim,
    compare_to_null,
    compare_value,
    detection,
)

CHANCE = "chance (0.5)"
SHUFFLED = "the shuffled-arm runs"
STRONG = "a strong simulated difference in benefit"
HALF = "a simulated difference in benefit half as strong"
NO_TARGETING = "no targeting (RATE 0)"


@dataclass(frozen=True)
class BenefitClaims:
    """The chapter's verdicts on its declared learner and the average effect."""

    average: Claim  # hazard ratio against no effect (1)
    against_chance: Claim  # declared learner's c-for-benefit against 0.5
    against_null: Claim  # the same against the shuffled-arm runs
    strong: Claim  # positive control: simulated trials with a strong known effect
    half: Claim  # the same with an effect half as strong
    targeting: Claim  # the declared learner's RATE (AUTOC) against 0: a second measure

    def records(self) -> list[dict]:
        """The claims as a results file keeps them."""
        return [c.record() for c in (self.average, self.against_chance, self.against_null,
                                     self.strong, self.half, self.targeting)]

    @classmethod
    def from_records(cls, records: list[dict]) -> BenefitClaims:
        """The claims back from a results file (each re-derived from its numbers), for
        the pages that restate the chapter's verdict."""
        return cls(*(Claim.from_record(r) for r in records))


def benefit_claims(
    learner: str, hazard_ratio: tuple[float, float, float], c_benefit: tuple[float, float, float],
    null_c: list[float], strong_found: tuple[int, int], half_found: tuple[int, int],
    rate_autoc: tuple[float, float, float], alpha: float = 0.05,
) -> BenefitClaims:
    """The verdicts from: the average hazard ratio ``(value, low, high)`` (Wald 95%), the
    declared learner's c-for-benefit ``(value, low, high)`` (bootstrap 95% over patients),
    its c-for-benefit on each shuffled-arm run, and ``(found, runs)``: in how many simulated
    trials with a known strong (and a half as strong) effect the same learner's interval
    lay above 0.5, and the declared learner's RATE (AUTOC) ``(value, low, high)`` (bootstrap
    95% over patients, :mod:`medlib.treatment.rate`)."""
    value, low, high = hazard_ratio
    average = compare_value("D-penicillamine", "placebo (hazard ratio 1)", 1.0, value, low,
                            high, "wald_95", higher_is_better=False)
    c, c_low, c_high = c_benefit
    return BenefitClaims(
        average=average,
        against_chance=compare_value(learner, CHANCE, 0.5, c, c_low, c_high, "bootstrap_95"),
        against_null=compare_to_null(learner, SHUFFLED, c, null_c, alpha),
        strong=detection(learner, STRONG, *strong_found),
        half=detection(learner, HALF, *half_found),
        targeting=compare_value(learner, NO_TARGETING, 0.0, *rate_autoc, "bootstrap_95"),
    )


def average_text(claim: Claim) -> str:
    """Whether the trial shows an average effect, in words."""
    if claim.outcome == AHEAD:
        return "the hazard ratio's interval lies below 1: D-penicillamine lowered the hazard"
    if claim.outcome == BEHIND:
        return "the hazard ratio's interval lies above 1: D-penicillamine raised the hazard"
    return ("the hazard ratio's interval includes 1: the trial cannot tell D-penicillamine "
            "from placebo on average")


def chance_text(claim: Claim) -> str:
    """The declared learner's c-for-benefit against chance."""
    if claim.outcome == AHEAD:
        return f"its interval lies above 0.5: {claim.subject} ranks patients by benefit " \
               "better than chance"
    if claim.outcome == BEHIND:
        return f"its interval lies below 0.5: {claim.subject} ranks patients by benefit " \
               "worse than chance"
    return f"its interval includes 0.5: {claim.subject} cannot be told apart from chance"


def null_text(claim: Claim) -> str:
    """The declared learner's c-for-benefit against its shuffled-arm runs."""
    n = claim.numbers
    runs = f"{int(n['null_at_or_beyond'])} of {int(n['null_runs'])} shuffled-arm runs " \
           f"reach it (permutation p = {n['p']:.2f})"
    if claim.outcome == ABOVE_NULL:
        return f"it stands above the shuffled-arm runs: {runs}"
    if claim.outcome == UNRESOLVED:
        return f"too few shuffled-arm runs to place it at the {n['alpha']:.0%} level: {runs}"
    return f"it lies within the shuffled-arm runs: {runs}"


def targeting_text(claim: Claim) -> str:
    """The declared learner's RATE against 0: do the patients it ranks first gain more
    than the average patient?"""
    if claim.outcome == AHEAD:
        return ("its interval lies above 0: the patients it ranks first gain more from "
                "D-penicillamine than the average patient")
    if claim.outcome == BEHIND:
        return ("its interval lies below 0: the patients it ranks first gain less from "
                "D-penicillamine than the average patient")
    return ("its interval includes 0: the patients it ranks first cannot be told apart "
            "from the average patient in what D-penicillamine does for them")


def control_text(claim: Claim) -> str:
    """One positive control in words: "found in 20 of 20 simulated trials"."""
    n = claim.numbers
    return f"found in {int(n['found'])} of {int(n['runs'])} simulated trials"


def clinician_verdict(claims: BenefitClaims) -> str:
    """The recommendation, from the claims. A signal needs both checks of the declared
    measure, the c-for-benefit (against chance and against the shuffled runs); RATE, the
    second measure, is reported beside it and can only qualify the verdict. Without a
    signal, the verdict says what the trial could not show rather than that there is
    nothing."""
    signal = (claims.against_chance.outcome == AHEAD
              and claims.against_null.outcome == ABOVE_NULL)
    targets = claims.targeting.outcome == AHEAD
    if signal:
        second = ("Its RATE agrees: the patients it ranks first gain more than the average "
                  "patient. " if targets else
                  "Its RATE does not confirm it: the patients it ranks first cannot be shown "
                  "to gain more than the average patient. ")
        return ("The declared benefit model finds a signal: it ranks patients by benefit "
                "better than chance and better than on shuffled arms. " + second +
                "One trial's signal would need confirmation in an independent trial before "
                "any patient is treated on its strength.")
    lead = ("No subgroup can be recommended D-penicillamine on this evidence. "
            if claims.average.outcome != AHEAD else
            "The trial's average effect favours D-penicillamine, but no subgroup can be "
            "singled out on this evidence. ")
    base = ("The declared benefit model does not rank patients by benefit better than "
            "chance or than on shuffled arms. ")
    if targets:
        base += ("Its RATE, the second measure, does place the patients it ranks first above "
                 "the average patient: a lead for an independent trial to test, not a "
                 "recommendation. ")
    if claims.half.outcome == DETECTS:
        return lead + base + (
            "The design could have seen a difference in benefit even half as strong as the "
            "simulated one, so a difference of that size is unlikely; a weaker one, of the "
            "size subgroup claims usually rest on, would still go unseen.")
    if claims.strong.outcome == DETECTS:
        return lead + base + (
            "This is absence of evidence for weak heterogeneity, not evidence of its absence: "
            "the design sees a strong simulated difference in benefit, but misses one half as "
            "strong in most simulated trials of this size.")
    return lead + base + (
        "This is absence of evidence, not evidence of absence: the same design misses even "
        "a strong simulated difference in benefit in most trials of this size, so this trial "
        "could not have shown heterogeneity of treatment effect.")
