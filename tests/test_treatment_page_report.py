"""medlib.treatment.page_report: the facts and sentences of the treatment-benefit page,
every branch, from small made-up tables."""

import numpy as np
import pandas as pd
import pytest

from medlib.treatment import page_report as pr
from medlib.treatment import report
from medlib.treatment.trial import TwoArmTrial

LEARNER = "S-learner, Cox ridge"
OTHER = "T-learner, Cox ridge"
FOREST = "S-learner, survival forest"


def trial(event: list[bool]) -> TwoArmTrial:
    n = len(event)
    return TwoArmTrial(pd.DataFrame({"age": np.arange(n), "bili": np.ones(n)}),
                       np.array([True, False] * (n // 2)), np.arange(1.0, n + 1),
                       np.array(event), "D-penicillamine", "placebo", "death")


def effect_table(value: float, low: float, high: float, p: float) -> pd.DataFrame:
    return pd.DataFrame([{"measure": "hazard ratio", "value": value, "low": low, "high": high,
                          "p (log-rank)": p},
                         {"measure": "survival difference at 5", "value": 0.01, "low": -0.1,
                          "high": 0.1, "p (log-rank)": p}])


EFFECTS = {pr.PRIMARY_ENDPOINT: effect_table(1.06, 0.75, 1.5, 0.75),
           pr.SENSITIVITY_ENDPOINT: effect_table(0.98, 0.71, 1.36, 0.9)}


def trust(primary=(0.49, 0.40, 0.58), other=(0.52, 0.45, 0.60)) -> pd.DataFrame:
    return pd.DataFrame([{"learner": LEARNER, "c-for-benefit": primary[0], "low": primary[1],
                          "high": primary[2]},
                         {"learner": OTHER, "c-for-benefit": other[0], "low": other[1],
                          "high": other[2]}])


def null() -> pd.DataFrame:
    return pd.DataFrame({"permutation": [0, 1, 0, 1], "learner": [LEARNER, LEARNER, OTHER, OTHER],
                         "c-for-benefit": [0.50, 0.55, 0.48, 0.61],
                         "finds benefit": [False, False, False, True]})


def control() -> dict[str, pd.DataFrame]:
    return {"covariate": pd.DataFrame({"found": [True, True], "death share": [0.3, 0.5]}),
            "covariate_half": pd.DataFrame({"found": [False, True], "death share": [0.4, 0.4]})}


def rates(primary_autoc=(0.01, -0.03, 0.05), other_autoc=(0.06, 0.02, 0.10)) -> pd.DataFrame:
    rows = []
    for learner, autoc in ((LEARNER, primary_autoc), (OTHER, other_autoc)):
        for target, (value, low, high) in (("AUTOC", autoc), ("QINI", (0.004, -0.01, 0.02))):
            rows.append({"learner": learner, "target": target, "value": value, "low": low,
                         "high": high, "p_value": 0.5, "std_error": 0.02})
    return pd.DataFrame(rows)


def claims(primary=(0.49, 0.40, 0.58), autoc=(0.01, -0.03, 0.05)) -> report.BenefitClaims:
    return pr.page_claims(LEARNER, EFFECTS, trust(primary), null(), control(), 2, rates(autoc))


def test_page_claims_rest_on_the_declared_learner_and_the_primary_endpoint():
    made = claims()
    expected = report.benefit_claims(LEARNER, (1.06, 0.75, 1.5), (0.49, 0.40, 0.58),
                                     [0.50, 0.55], (2, 2), (1, 2), (0.01, -0.03, 0.05))
    assert made.records() == expected.records()


def test_rate_facts_read_the_declared_learner_and_name_the_exploratory_ones():
    facts = pr.rate_facts(rates(), np.array([0.1, -0.05]), claims(), LEARNER)
    assert facts["rate_autoc_text"] == ("0.010 (95% CI -0.030 to 0.050, bootstrap over "
                                        "patients; p = 0.50)")
    assert facts["rate_qini_text"].startswith("0.004 (95% CI -0.010 to 0.020")
    assert "cannot be told apart" in facts["rate_verdict"]
    assert facts["rate_exploratory"] == f"1 of the 1 ({OTHER})"
    assert facts["dr_mean"] == "+0.025"
    none = pr.rate_facts(rates(other_autoc=(0.0, -0.1, 0.1)), np.zeros(2), claims(), LEARNER)
    assert none["rate_exploratory"] == "0 of the 1"
    with pytest.raises(KeyError, match="AUTOC rows"):
        pr.declared_rate(rates(), "nobody", "AUTOC")


def test_rank_agreement_is_one_value_per_pair_of_learners():
    benefits = {name: pd.DataFrame({"benefit": values}) for name, values in
                {"a": [1, 2, 3], "b": [3, 2, 1], "c": [1, 3, 2]}.items()}
    np.testing.assert_allclose(pr.rank_agreement(benefits), [-1.0, 0.5, -0.5])


def test_trial_facts_count_the_arms_and_the_transplants():
    randomised = trial([True, False, False, False])
    with_transplants = trial([True, True, False, True])
    assert pr.trial_facts(6, randomised, with_transplants) == {
        "n_all": "6", "n_randomised": "4", "n_treated": "2", "n_control": "2",
        "n_not_randomised": "2", "n_transplants": "2", "n_covariates": "2"}


def test_average_facts():
    assert pr.average_facts(EFFECTS) == {
        "hr_text": "1.06 (95% CI 0.75–1.50)",
        "hr_sensitivity_text": "hazard ratio 0.98, 95% CI 0.71–1.36",
        "hr_low_pct": "25%", "hr_high_pct": "50%", "logrank_p": "0.75"}


def test_design_facts_glue_the_counts_by_name():
    facts = pr.design_facts(5.0, (5.0, 10.0), np.array([True, False, True]), LEARNER, 1000,
                            n_folds=5, rsf_trees=20)
    assert facts == {"n_bootstrap": "1,000", "horizon_years": "5", "rmst_max": "10",
                     "rmst_years": "5 or 10", "n_known": "2", "primary_learner": LEARNER,
                     "n_folds": "5", "rsf_trees": "20"}


def calibration(observed_a, low_a, high_a, observed_b=(-0.1, 0.1), low_b=(-0.3, -0.1),
                high_b=(0.1, 0.3)) -> pd.DataFrame:
    rows = []
    for learner, observed, low, high in (("a", observed_a, low_a, high_a),
                                         ("b", observed_b, low_b, high_b)):
        for group, (o, lo, hi, predicted) in enumerate(zip(observed, low, high, (-0.05, 0.05),
                                                           strict=True), start=1):
            rows.append({"learner": learner, "group": group, "predicted": predicted,
                         "observed": o, "low": lo, "high": hi})
    return pd.DataFrame(rows)


def test_calibration_verdict_when_every_interval_includes_zero():
    text = pr.calibration_verdict(calibration((0.1, -0.1), (-0.2, -0.3), (0.3, 0.2)))
    assert text == ("the observed benefit rises steadily from the lowest to the highest group "
                    "for 1 of the 2 learners, and 0 of the 4 groups have an interval that "
                    "excludes zero.")


def test_calibration_verdict_names_one_exception_on_the_opposite_side():
    text = pr.calibration_verdict(calibration((0.2, 0.3), (0.05, -0.1), (0.35, 0.6)))
    assert "for 2 of the 2 learners" in text
    assert text.endswith("1 of the 4 groups has an interval that excludes zero (the exception "
                         "is a's group 1, predicted -0.050 and observed +0.200 (95% CI +0.050 "
                         "to +0.350), on the opposite side of zero from its prediction).")


def test_calibration_verdict_names_several_exceptions():
    text = pr.calibration_verdict(calibration((-0.2, 0.3), (-0.35, 0.1), (-0.05, 0.5)))
    assert "2 of the 4 groups have" in text
    assert "a's group 1, predicted -0.050 and observed -0.200 (95% CI -0.350 to -0.050); " \
           "the exception is a's group 2" in text
    assert "opposite side" not in text


def test_learner_facts():
    summary = pd.DataFrame({"learner": [LEARNER, OTHER, FOREST], "SD": [0.05, 0.2, 0.01],
                            "prognostic C": [0.81, 0.79, 0.84]})
    facts = pr.learner_facts(summary, np.array([0.1, 0.3, 0.5]),
                             calibration((0.1, -0.1), (-0.2, -0.3), (0.3, 0.2)))
    assert {k: v for k, v in facts.items() if k != "calibration_verdict"} == {
        "sd_t_cox": "0.200", "sd_s_forest": "0.010", "median_rank_agreement": "0.30",
        "prognostic_range": "0.79–0.84", "real_sd_range": "0.010–0.200"}
    assert facts["calibration_verdict"].startswith("the observed benefit rises")


def test_null_facts():
    summary = pd.DataFrame({pr.NULL_SD: [0.02, 0.15]}, index=[LEARNER, OTHER])
    assert pr.null_facts(null(), summary) == {
        "null_sd_range": "0.020–0.150", "null_finds": "1", "null_runs": "4",
        "null_expected": "0", "null_mean_c": "0.535", "null_p_floor": "0.33"}


def test_exploratory_text_with_and_without_learners_that_exclude_half():
    assert pr.exploratory_text(trust(), LEARNER) == "0 of the 1 have an interval that excludes 0.5."
    assert pr.exploratory_text(trust(other=(0.6, 0.52, 0.68)), LEARNER) == (
        f"1 of the 1 have an interval that excludes 0.5 ({OTHER}).")


def test_primary_facts():
    by_repeat = pd.DataFrame({"learner": [LEARNER, LEARNER, OTHER],
                              "c-for-benefit": [0.47, 0.52, 0.7]})
    made = claims()
    facts = pr.primary_facts(made, trust(), by_repeat, LEARNER)
    assert facts == {
        "primary_cfb_text": "0.490 (95% CI 0.400–0.580, bootstrap over patients)",
        "primary_chance_text": report.chance_text(made.against_chance),
        "primary_chance_short": f"{made.against_chance.verb} chance",
        "primary_repeat_range": "0.470 to 0.520",
        "exploratory_text": "0 of the 1 have an interval that excludes 0.5.",
        "primary_null_text": report.null_text(made.against_null)}


def test_control_facts():
    made = claims()
    assert pr.control_facts(made, control()) == {
        "control_intercept": "-0.3", "control_strong_slope": "0.9", "control_half_slope": "0.45",
        "control_death_share": "40%", "control_strong_text": "found in 2 of 2 simulated trials",
        "control_half_text": "found in 1 of 2 simulated trials"}


def test_verdict_facts():
    made = claims()
    assert pr.verdict_facts(made) == {"average_verdict": report.average_text(made.average),
                                      "clinician_verdict": report.clinician_verdict(made)}


def test_power_facts():
    interaction = {"delta log HR": -0.41, "low": -1.2, "high": 0.38, "p": 0.31}
    power = {"events needed": 1873.2, "event share": 0.4, "patients needed": 4683.1}
    assert pr.power_facts(LEARNER, interaction, power) == {
        "power_learner": LEARNER, "delta_text": "-0.41 (95% CI -1.20 to +0.38, p = 0.31)",
        "events_needed": "1,873", "event_share": "40%", "patients_needed": "4,683"}
