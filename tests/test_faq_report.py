"""medlib.summary.faq_report: the FAQ page's texts are read from the chapters' results, on
the published results and on small hand-made ones."""

import pytest

from medlib.book.paths import RESULTS_DIR
from medlib.chapter.results import load_results
from medlib.claims.verdicts import compare_value
from medlib.summary import faq
from medlib.summary import faq_report as report


def published_results() -> dict[str, dict]:
    everything = load_results(RESULTS_DIR)
    return {name: everything[name] for name in faq.chapters_used()}


def test_page_facts_cover_every_number_and_every_other_text_the_page_glues():
    facts = report.page_facts(published_results())
    assert set(faq.FAQ_NUMBERS) < set(facts)
    others = set(facts) - set(faq.FAQ_NUMBERS)
    assert others == {f"{name}_{kind}" for name in report.PROGRESSION_COHORTS
                      for kind in ("deep", "baseline", "sentence")} | {
        "cnn_largest_weights", "cnn_weight_ratio", "treatment_learner", "treatment_chance_text",
        "treatment_chance_short", "image_sizes"}
    assert all(isinstance(text, str) and text for text in facts.values())
    assert facts["progression_pbc_sentence"].startswith("In PBC, the declared deep model (")
    assert facts["progression_nafld_sentence"].startswith("In NAFLD, the declared deep model (")


def test_large_models_facts_read_the_ladder_weights():
    large = {"large_models": {"extras": {"size_curve": [
        {"model": "CNN w1", "weights": 1_000}, {"model": "CNN w16", "weights": 16_400}]}}}
    assert report.large_models_facts(large) == {"cnn_largest_weights": "16,400",
                                                "cnn_weight_ratio": "16"}
    with pytest.raises(KeyError, match="no model 'CNN w1'"):
        report.large_models_facts({"large_models": {"extras": {"size_curve": [
            {"model": "CNN w16", "weights": 16_400}]}}})


@pytest.mark.parametrize(("low", "high", "short"), [
    (0.40, 0.60, "cannot be told apart from chance"),
    (0.55, 0.70, "is ahead of chance"),
    (0.30, 0.45, "is behind chance"),
])
def test_treatment_facts_restate_the_recorded_verdict_against_chance(low, high, short):
    against_chance = compare_value("S-learner, Cox ridge", "chance (0.5)", 0.5,
                                   (low + high) / 2, low, high, "bootstrap_95")
    records = [against_chance.record()] * 6  # one per BenefitClaims field
    facts = report.treatment_facts({"treatment_benefit": {"extras": {"claims": records}}})
    assert facts["treatment_learner"] == "S-learner, Cox ridge"
    assert facts["treatment_chance_short"] == f"{against_chance.verb} chance" == short
    assert "S-learner, Cox ridge" in facts["treatment_chance_text"]


def test_image_sizes_list_the_sides_of_the_registered_files_read():
    assert report.image_sizes_text({"a": {"data": {"pneumoniamnist.npz": {}}},
                                    "b": {"data": {"pneumoniamnist_224.npz": {}}},
                                    "c": {"data": {"pbc.csv": {}}}, "d": {}}) == "28 and 224"
    assert report.image_sizes_text({"a": {"data": {"pneumoniamnist.npz": {}}}}) == "28"
    assert report.image_sizes_text({"c": {}}) == ""
