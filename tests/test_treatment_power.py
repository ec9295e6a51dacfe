"""medlib.treatment.power: events for a main effect and for a treatment-by-subgroup
interaction."""

import math

import pytest

from medlib.treatment.power import (
    interaction_events,
    interaction_power,
    main_effect_events,
    patients_needed,
)


def test_main_effect_matches_schoenfeld_by_hand():
    # 4 (1.959964 + 0.841621)**2 / log(0.75)**2 = 31.3955 / 0.082761 = 379.35
    assert main_effect_events(math.log(0.75)) == pytest.approx(379.35, abs=0.01)
    assert main_effect_events(math.log(0.75)) == main_effect_events(-math.log(0.75))
    # a smaller alpha or a higher power costs events
    assert main_effect_events(math.log(0.75), alpha=0.01) > 380
    assert main_effect_events(math.log(0.75), power=0.9) == pytest.approx(
        4 * (1.959964 + 1.281552) ** 2 / math.log(0.75) ** 2, rel=1e-5)


def test_interaction_in_halves_needs_four_times_the_events():
    for delta in (0.2, math.log(0.75), 1.0):
        assert interaction_events(delta) == pytest.approx(4 * main_effect_events(delta),
                                                          rel=1e-12)


def test_unequal_subgroups_need_more_events_symmetrically():
    half = interaction_events(0.5, share=0.5)
    assert interaction_events(0.5, share=0.2) == pytest.approx(half / (4 * 0.2 * 0.8))
    assert interaction_events(0.5, share=0.2) == pytest.approx(interaction_events(0.5, share=0.8))


def test_power_at_the_planned_events_is_the_planned_power():
    events = interaction_events(0.4, alpha=0.05, power=0.8, share=0.3)
    assert interaction_power(events, 0.4, alpha=0.05, share=0.3) == pytest.approx(0.8, abs=1e-5)
    assert interaction_power(events / 4, 0.4, share=0.3) < 0.35
    assert interaction_power(1e9, 0.0) == pytest.approx(0.05)  # no difference: the level


def test_patients_needed_rounds_up():
    assert patients_needed(379.35, 0.5) == 759
    assert patients_needed(350, 0.7) == 500  # 350 / 0.7 is 500.00000000000006 in floats
    assert patients_needed(1, 1.0) == 1


@pytest.mark.parametrize("call", [
    lambda: main_effect_events(0.0),
    lambda: interaction_events(0.0),
    lambda: interaction_events(0.5, share=1.0),
    lambda: interaction_events(0.5, alpha=0.0),
    lambda: main_effect_events(0.5, power=1.0),
    lambda: patients_needed(100, 0.0),
])
def test_impossible_inputs_are_refused(call):
    with pytest.raises(ValueError, match="must"):
        call()
