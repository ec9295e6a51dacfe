"""medlib.survival.verdict_edge: a verdict within one standard error of flipping says so."""

import pytest
from scipy import stats

from medlib.claims.verdicts import compare_difference
from medlib.survival.verdict_edge import (
    edge_lead,
    edge_note,
    nearest_end,
    on_the_edge,
    standard_error,
)


def claim(estimate, low, high):
    return compare_difference("attention", "Cox", estimate, low, high, "corrected_t_95")


def test_standard_error_undoes_the_t_interval():
    se = 0.003
    half = se * stats.t.ppf(0.975, 9)
    assert standard_error(claim(0.006, 0.006 - half, 0.006 + half), 10) == pytest.approx(se)
    with pytest.raises(ValueError, match="at least 2 splits"):
        standard_error(claim(0.0, -1.0, 1.0), 1)


@pytest.mark.parametrize(("estimate", "low", "high", "edge"), [
    (0.0066, -0.0004, 0.0137, True),   # the published NAFLD run: just includes zero
    (0.0064, 0.0001, 0.0126, True),    # the same comparison at seed 11: just excludes it
    (0.0200, 0.0120, 0.0280, False),   # clearly ahead
    (0.0000, -0.0100, 0.0100, False),  # clearly cannot be told apart
    (-0.0066, -0.0137, 0.0004, True),  # just includes zero from below
])
def test_on_the_edge_when_the_nearest_end_is_within_one_standard_error(estimate, low, high,
                                                                        edge):
    assert on_the_edge(claim(estimate, low, high), 10) is edge
    assert bool(edge_note(claim(estimate, low, high), 10)) is edge


def test_the_note_names_the_end_and_its_distance():
    note = edge_note(claim(0.0066, -0.0004, 0.0137), 10)
    assert "lower end, -0.0004" in note and "estimate, +0.007" in note
    assert nearest_end(claim(-0.0066, -0.0137, 0.0004)) == 0.0004


@pytest.mark.parametrize(("low", "high", "expected"), [
    (0.0001, 0.0126, "just above zero"),
    (-0.0126, -0.0001, "just below zero"),
    (-0.0004, 0.0137, "just includes zero"),
])
def test_edge_lead_reads_the_draw_it_came_from(low, high, expected):
    lead = edge_lead(claim((low + high) / 2, low, high))
    assert expected in lead and "another draw of the splits" in lead
