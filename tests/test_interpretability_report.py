"""medlib.trust.interpretability_report: the interpretability chapter's comparisons are
claims with a bootstrap interval over the explained images, and its words follow them."""

import numpy as np
import pandas as pd
import pytest

from medlib.claims.verdicts import AHEAD, BEHIND, TIED, compare_difference, compare_value, rederive
from medlib.metrics.binary import stratified_bootstrap_indices
from medlib.trust import interpretability_report as report
from medlib.trust.faithfulness import RANDOM_MAP, FaithfulnessCurves, faithfulness_table

WRONG = np.r_[np.zeros(8, bool), np.ones(8, bool)]
RNG = np.random.default_rng(0)


def test_mean_interval_is_a_stratified_bootstrap_of_the_mean_leaving_out_missing_values():
    values = np.r_[RNG.random(15), np.nan]
    mean, low, high = report.mean_interval(values, WRONG, 200, seed=4, level=0.9)
    assert mean == pytest.approx(np.nanmean(values))
    draws = [np.nanmean(values[i]) for i in stratified_bootstrap_indices(WRONG, 200, 4)]
    assert (low, high) == pytest.approx(tuple(np.quantile(draws, [0.05, 0.95])))


def test_group_difference_resamples_each_group_on_its_own():
    values = np.r_[np.full(8, 0.2), np.full(8, 0.5)] + RNG.normal(0, 0.01, 16)
    difference, low, high = report.group_difference_interval(values, WRONG, 300, 1)
    assert difference == pytest.approx(values[8:].mean() - values[:8].mean())
    assert 0.25 < low <= difference <= high < 0.35


def test_an_undefined_mean_is_refused():
    with pytest.raises(ValueError, match="explain more images"):
        report.mean_interval(np.full(16, np.nan), WRONG, 10)
    with pytest.raises(ValueError, match="explain more images"):
        report.group_difference_interval(np.r_[np.full(8, np.nan), np.ones(8)], WRONG, 10)


# --- edge frame ---

def shares(level, spread=0.01):
    return level + RNG.normal(0, spread, WRONG.size)


def test_edge_frame_claims_and_the_all_below_sentence():
    claims = report.edge_frame_claims({"Grad-CAM": shares(0.1), "Occlusion": shares(0.2)},
                                      0.4, WRONG, 200, 0)
    assert [c.outcome for c in claims] == [AHEAD, AHEAD]  # below an even spread is better
    assert claims[0].subject == "Grad-CAM: share of |attribution| in the edge frame"
    assert claims[0].reference == report.EVEN_SPREAD
    assert claims[0].numbers["reference_value"] == 0.4
    assert claims[0].numbers["higher_is_better"] == 0.0
    assert all(rederive(c.record()) == c.outcome for c in claims)
    assert report.edge_frame_text(claims).startswith(
        "each below the 0.40 an even spread would give, its whole 95% CI included")


def frame_claim(method, low, high, even=0.4):
    return compare_value(f"{method}: share of |attribution| in the edge frame",
                         report.EVEN_SPREAD, even, (low + high) / 2, low, high, "bootstrap_95",
                         higher_is_better=False)


def test_edge_frame_text_names_a_method_above_an_even_spread():
    claims = [frame_claim("Grad-CAM", 0.1, 0.2), frame_claim("Integrated Gradients", 0.3, 0.5),
              frame_claim("Occlusion", 0.45, 0.6)]
    assert report.edge_frame_text(claims) == (
        "against 0.40 for an even spread: Grad-CAM's share lies below it, Integrated Gradients' "
        "share cannot be told apart from it and Occlusion's share lies above it (95% CIs from "
        "a bootstrap over the explained images); at least one method puts more than that on "
        "the image's edges, where markers and labels sit")


def test_edge_frame_text_without_any_method_above():
    claims = [frame_claim("Grad-CAM", 0.1, 0.2), frame_claim("Occlusion", 0.3, 0.5)]
    assert report.edge_frame_text(claims).endswith(
        "; no method puts measurably more than that on the image's edges, where markers and "
        "labels sit")
    with pytest.raises(ValueError, match="no method"):
        report.edge_frame_text([])


# --- wrong against correct calls ---

def test_wrong_vs_right_claims_and_the_tied_sentence():
    same = {"Grad-CAM": shares(0.5, 0.1), "Occlusion": shares(0.6, 0.1)}
    claims = report.wrong_vs_right_claims(same, WRONG, 200, 0)
    assert [c.outcome for c in claims] == [TIED, TIED]
    assert (claims[0].subject, claims[0].reference) == (
        "Grad-CAM: middle-third share on wrong calls",
        "Grad-CAM: middle-third share on correct calls")
    assert report.wrong_vs_right_text(claims).startswith(
        "cannot be told apart from those of the correct calls for any method")
    assert report.wrong_vs_right_text(claims).endswith("nothing in a map marks the call as wrong")


def difference(method, low, high):
    return compare_difference(f"{method}: middle-third share on wrong calls",
                              f"{method}: middle-third share on correct calls",
                              (low + high) / 2, low, high, "bootstrap_95")


@pytest.mark.parametrize(("bounds", "start"), [
    ((0.1, 0.2), "are higher than those of the correct calls for every method"),
    ((-0.2, -0.1), "are lower than those of the correct calls for every method"),
])
def test_wrong_vs_right_text_when_every_method_moves_the_same_way(bounds, start):
    text = report.wrong_vs_right_text([difference("Grad-CAM", *bounds),
                                       difference("Occlusion", *bounds)])
    assert text.startswith(start) and "not a mark on any one map" in text


def test_wrong_vs_right_text_when_methods_differ():
    text = report.wrong_vs_right_text([difference("Grad-CAM", 0.1, 0.2),
                                       difference("Integrated Gradients", -0.1, 0.1),
                                       difference("Occlusion", -0.2, -0.1)])
    assert text.startswith("compare with those of the correct calls as follows: Grad-CAM's is "
                           "higher, Integrated Gradients' cannot be told apart and Occlusion's "
                           "is lower (")
    with pytest.raises(ValueError, match="no method"):
        report.wrong_vs_right_text([])


# --- faithfulness ---

def test_faithfulness_claims_pair_each_method_with_the_random_map():
    random = np.stack([shares(0.3), shares(0.6)], axis=1)
    areas = {"random map": random,
             "Grad-CAM": random + np.array([-0.1, 0.0]),  # deletes faster, inserts alike
             "Occlusion": random + np.array([0.1, -0.1])}  # worse on both
    claims = report.faithfulness_claims(areas, ["Grad-CAM", "Occlusion"], "random map", WRONG,
                                        100, 0)
    assert [(c.subject, c.reference) for c in claims] == [
        ("Grad-CAM: deletion area", "random map: deletion area"),
        ("Occlusion: deletion area", "random map: deletion area"),
        ("Grad-CAM: insertion area", "random map: insertion area"),
        ("Occlusion: insertion area", "random map: insertion area")]
    assert [c.outcome for c in claims] == [AHEAD, BEHIND, TIED, BEHIND]
    assert claims[0].numbers["estimate"] == pytest.approx(-0.1)
    assert [c.numbers["higher_is_better"] for c in claims] == [0.0, 0.0, 1.0, 1.0]
    assert all(rederive(c.record()) == c.outcome for c in claims)
    assert report.faithfulness_text(claims, "deletion") == (
        "Grad-CAM is ahead of the random order and Occlusion is behind it (95% CIs of the "
        "paired differences in area, from a bootstrap over the explained images)")
    assert report.faithfulness_text(claims, "insertion").startswith(
        "Grad-CAM cannot be told apart from the random order and Occlusion is behind it")
    with pytest.raises(ValueError, match="no deletion claim"):
        report.faithfulness_text([], "deletion")


# --- The page's facts ------------------------------------------------------------------------

NAMES = ["Grad-CAM", "Integrated Gradients", "Occlusion"]
LAYERS = ["head", "blocks.2", "stem"]


def test_explained_facts_count_the_rows_of_the_figure():
    assert report.explained_facts(16, np.array([0, 1, 8, 9, 10]), 8) == {
        "n_explained": "16", "n_shown_right": "2", "n_shown_wrong": "3"}


def test_location_facts_quote_every_method_and_the_even_spread():
    location = pd.DataFrame({"middle third, correct calls": [0.5, 0.4, 0.6],
                             "middle third, wrong calls": [0.45, 0.41, 0.55],
                             "edge frame, all": [0.1, 0.2, 0.05]}, index=NAMES)
    facts = report.location_facts(location, 1 / 3)
    assert (facts["mid_right_gradcam"], facts["mid_wrong_ig"], facts["frame_occlusion"]) == (
        "0.50", "0.41", "0.05")
    assert facts["mid_even"] == "0.33" and len(facts) == 10


def test_cascade_facts_read_each_step_and_the_lowest_point():
    cascade = pd.DataFrame([(name, layer, value) for name, values in
                            zip(NAMES, ([0.8, -0.1, 0.2], [0.6, 0.3, 0.1], [0.9, 0.7, 0.75]),
                                strict=True)
                            for layer, value in zip(LAYERS, values, strict=True)],
                           columns=["method", "randomised up to", "spearman"])
    facts = report.cascade_facts(cascade, LAYERS)
    assert (facts["casc_head_gradcam"], facts["casc_b2_gradcam"], facts["casc_min_gradcam"],
            facts["cascade_gradcam"]) == ("0.80", "-0.10", "-0.10", "0.20")
    assert facts["cascade_occlusion"] == "0.75" and facts["casc_min_ig"] == "0.10"


def similarity(values):
    return pd.DataFrame({"spearman": values}, index=NAMES)


def test_shuffled_label_facts_name_the_methods_failing_a_check():
    facts = report.shuffled_label_facts(similarity([0.1, 0.2, 0.7]), similarity([0.3, 0.2, 0.1]),
                                        0.987, 0.5, 200, 0.612)
    assert facts["failing_methods"] == "Occlusion"
    assert (facts["label_gradcam"], facts["memorised"], facts["random_label_images"],
            facts["random_test_auroc"]) == ("0.30", "0.99", "200", "0.61")
    passing = report.shuffled_label_facts(similarity([0.1] * 3), similarity([0.1] * 3), 1, 0.5,
                                          10, 0.5)
    assert passing["failing_methods"] == "none"


def curves_of(level):
    fraction = np.linspace(0, 1, 5)
    deletion = np.tile([0.9, level, 0.3, 0.4, 0.5], (4, 1))
    return FaithfulnessCurves(fraction, deletion, np.tile([0.2, 0.4, 0.6, 0.8, 0.9], (4, 1)))


def test_curve_facts_read_the_curves_and_leave_an_uncalled_class_out():
    curves = {"Grad-CAM": curves_of(0.1), "Integrated Gradients": curves_of(0.6),
              "Occlusion": curves_of(0.2), RANDOM_MAP: curves_of(0.7)}
    table = faithfulness_table(curves, np.zeros(4, int), ["normal", "pneumonia"])
    facts = report.curve_facts(curves, table, ["normal", "pneumonia"])
    assert (facts["del_min_gradcam"], facts["del_min_at_gradcam"]) == ("0.10", "25%")
    assert (facts["del_min_random"], facts["del_min_at_random"]) == ("0.30", "50%")
    assert facts["random_del_normal"] == f"{table.loc[RANDOM_MAP, 'deletion AUC']:.3f}"
    assert facts["random_del_pneumonia"] == "n/a"
    spaced = report.curve_facts(curves, table, ["normal", "ground glass"])
    assert "random_del_normal" in spaced and not any("ground" in key for key in spaced)
    assert (facts["del_start"], facts["del_end"], facts["ins_start"]) == ("0.90", "0.50", "0.20")
    assert facts["ins_auc_ig"] == f"{table.loc['Integrated Gradients', 'insertion AUC']:.3f}"


def test_attention_facts_quote_the_summary():
    summary = pd.Series({"test patients with >= 3 visits": 40.0,
                         "mean Spearman (attention vs gradients)": 0.123,
                         "same top visit": 0.25, "same top visit by chance": 0.2,
                         "attention on the last visit": 0.22,
                         "gradient share of the last visit": 0.7})
    assert report.attention_facts(summary, 8) == {
        "att_rho": "0.12", "att_top": "0.25", "att_chance": "0.20", "att_last": "0.22",
        "grad_last": "0.70", "att_n": "40", "att_uniform": "0.20", "n_heat": "8"}


def test_page_claims_give_every_verdict_and_keep_the_records_frame_first():
    curves = {"Grad-CAM": curves_of(0.1), "Integrated Gradients": curves_of(0.6),
              "Occlusion": curves_of(0.2), RANDOM_MAP: curves_of(0.7)}
    wrong = np.array([False, False, True, True])
    shares = {name: np.array([0.5, 0.6, 0.4, 0.5]) for name in NAMES}
    claims = report.page_claims(curves, shares, shares, 0.3, wrong, seed=0)
    faithful, wrong_right, frame = claims
    assert len(faithful) == 6 and len(wrong_right) == len(frame) == 3
    facts = report.claim_facts(*claims)
    assert set(facts) == {"beats_deletion", "beats_insertion", "wrong_vs_right", "frame_verdict"}
    assert facts["frame_verdict"] == report.edge_frame_text(frame)
    records = report.claim_records(*claims)
    assert records[0] == frame[0].record() and records[-1] == faithful[-1].record()
