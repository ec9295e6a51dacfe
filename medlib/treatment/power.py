"""How many events a trial needs to show an effect, overall or differing between subgroups.

A trial sized for its average effect is far too small to show that the effect differs
between patients, and this module says by how much. With 1:1 randomisation and ``d``
events, the log hazard ratio has variance about ``4 / d`` (Schoenfeld, Biometrika 1983),
so a two-sided level-``alpha`` Wald test has power ``power`` for a true log hazard ratio
``b`` when ``d = 4 (z_{1-alpha/2} + z_power)**2 / b**2``.

A treatment-by-subgroup interaction compares two log hazard ratios estimated on disjoint
patients. With a share ``s`` of the ``D`` events in one subgroup (the events assumed to
split as the patients do), the difference has variance
``4 / (s D) + 4 / ((1 - s) D) = 4 / (s (1 - s) D)``, so
``D = 4 (z_{1-alpha/2} + z_power)**2 / (s (1 - s) delta**2)``: with two equal subgroups
four times the events of a main effect of the same size (Brookes et al., J Clin
Epidemiol 2004; 57:229-236), and more as the subgroups become unequal.
Chapter: ``treatment_benefit``.
"""

from __future__ import annotations

import math

from scipy import stats


def _check(alpha: float, power: float | None = None, share: float | None = None) -> None:
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie strictly between 0 and 1, not {alpha}")
    if power is not None and not 0 < power < 1:
        raise ValueError(f"power must lie strictly between 0 and 1, not {power}")
    if share is not None and not 0 < share < 1:
        raise ValueError(f"share must lie strictly between 0 and 1, not {share}")


def _z_sum(alpha: float, power: float) -> float:
    return float(stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power))


def main_effect_events(log_hr: float, alpha: float = 0.05, power: float = 0.8) -> float:
    """Events for a two-sided Wald test of the treatment log hazard ratio ``log_hr``
    (1:1 randomisation; Schoenfeld). Not rounded: round up for a plan."""
    _check(alpha, power)
    if log_hr == 0:
        raise ValueError("log_hr must be non-zero: no number of events detects no effect")
    return 4 * _z_sum(alpha, power) ** 2 / log_hr**2


def interaction_events(
    delta_log_hr: float, alpha: float = 0.05, power: float = 0.8, share: float = 0.5
) -> float:
    """Events for a two-sided Wald test that the treatment log hazard ratio differs by
    ``delta_log_hr`` between two subgroups holding ``share`` and ``1 - share`` of the
    events (1:1 randomisation in each). Not rounded."""
    _check(alpha, power, share)
    if delta_log_hr == 0:
        raise ValueError("delta_log_hr must be non-zero: no number of events detects no "
                         "difference")
    return 4 * _z_sum(alpha, power) ** 2 / (share * (1 - share) * delta_log_hr**2)


def interaction_power(
    events: float, delta_log_hr: float, alpha: float = 0.05, share: float = 0.5
) -> float:
    """Power of that interaction test with ``events`` events in all (the chance a
    two-sided level-``alpha`` test rejects; the far tail is counted too)."""
    _check(alpha, share=share)
    se = math.sqrt(4 / (share * (1 - share) * events))
    shift = abs(delta_log_hr) / se
    z = stats.norm.ppf(1 - alpha / 2)
    return float(stats.norm.sf(z - shift) + stats.norm.cdf(-z - shift))


def patients_needed(events: float, event_share: float) -> int:
    """Patients to enrol so that ``events`` events are expected when a share
    ``event_share`` of the patients has one during follow-up (rounded up)."""
    if not 0 < event_share <= 1:
        raise ValueError(f"event_share must lie in (0, 1], not {event_share}")
    return math.ceil(events / event_share - 1e-9)  # 1e-9: 7.000000000000001 is 7
