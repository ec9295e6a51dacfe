"""The benchmark's best published rows as targets: gap, interval, reached or missed."""

import pandas as pd
import pytest

from medlib.claims.verdicts import AHEAD, BEHIND, TIED
from medlib.data.published import published_aorsf_bench
from medlib.survival.benchmark_targets import (
    target_claims,
    target_sentence,
    target_table,
    targets_reached_text,
)


def summary(c, c_low, c_high, ipa, ipa_low, ipa_high):
    return pd.DataFrame([{"model": "ensemble", "splits": 25,
                          "time-dependent C": c, "time-dependent C low": c_low,
                          "time-dependent C high": c_high, "IPA": ipa, "IPA low": ipa_low,
                          "IPA high": ipa_high}])


def test_targets_are_the_best_published_row_of_each_score():
    table = target_table(summary(0.897, 0.85, 0.94, 0.43, 0.42, 0.44),
                         published_aorsf_bench("pbc_orsf"), "ensemble", "pbc_orsf")
    c, ipa = table.to_dict("records")
    assert (c["target learner"], c["target"], c["target SD over splits"]) == (
        "obliqueRSF-net", 0.908, 0.022)
    assert (ipa["target learner"], ipa["target"], ipa["target SD over splits"]) == (
        "aorsf-fast", 0.423, 0.035)
    assert c["gap"] == pytest.approx(-0.011) and not c["reached"]
    assert c["gap low"] == pytest.approx(0.85 - 0.908)
    assert c["gap in target SDs"] == pytest.approx(-0.5)
    assert ipa["reached"]


def test_claims_read_the_interval_not_the_point():
    table = target_table(summary(0.897, 0.85, 0.94, 0.43, 0.425, 0.44),
                         published_aorsf_bench("pbc_orsf"), "ensemble", "pbc_orsf")
    c, ipa = target_claims(table)
    assert c.outcome == TIED and ipa.outcome == AHEAD
    assert c.numbers["reference_value"] == 0.908
    behind = target_claims(target_table(summary(0.85, 0.84, 0.86, 0.1, 0.05, 0.15),
                                        published_aorsf_bench("nafld"), "ensemble", "nafld"))
    assert [claim.outcome for claim in behind] == [BEHIND, BEHIND]


def test_sentence_and_count():
    pbc = target_table(summary(0.897, 0.85, 0.94, 0.43, 0.42, 0.44),
                       published_aorsf_bench("pbc_orsf"), "ensemble", "pbc_orsf")
    text = target_sentence(pbc, "pbc_orsf")
    assert text.startswith("On pbc_orsf the ensemble reaches time-dependent C 0.897")
    assert ("missed by 0.011, 0.5 of that row's SD over splits, and the interval includes "
            "the target;") in text
    assert "aorsf-fast's 0.423: reached, and the interval includes the target." in text
    assert targets_reached_text([pbc, pbc]) == "2 of the 4"
    below = target_table(summary(0.85, 0.84, 0.86, 0.1, 0.05, 0.15),
                         published_aorsf_bench("nafld"), "ensemble", "nafld")
    assert "the whole interval lies below the target" in target_sentence(below, "NAFLD")


def test_unknown_model_is_named():
    with pytest.raises(ValueError, match="'tree' is not in the summary"):
        target_table(summary(0.9, 0.8, 1.0, 0.4, 0.3, 0.5), published_aorsf_bench("nafld"),
                     "tree", "nafld")
