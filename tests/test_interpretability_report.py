"""medlib.trust.interpretability_report: the interpretability chapter's comparisons are
claims with a bootstrap interval over the explained images, and its words follow them."""

import numpy as np
import pytest

from medlib.claims.verdicts import AHEAD, BEHIND, TIED, compare_difference, compare_value, rederive
from medlib.metrics.binary import stratified_bootstrap_indices
from medlib.trust import interpretability_report as report

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
