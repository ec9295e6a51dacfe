"""Power laws of error against size, and where they stop (chapter ``large_models``).

Scaling-law studies (Hestness et al., 2017; Kaplan et al., 2020) find that test error falls
as a power of model size or of data, ``error = a * n ** -b``, a straight line on log-log
axes, until something else (too little data, too short a training run, label noise, an
irreducible error) takes over and the curve flattens. :func:`fit_saturating_power_law` fits
both regimes at once, ``error = a * n ** -b + c``: the power law plus a floor ``c`` that no
size removes. The law holds while the power term dominates and stops where it falls to the
floor, at ``n* = (a / c) ** (1 / b)`` (:attr:`SaturatingPowerLaw.crossover`); beyond it, more
of the same buys less than the floor it cannot touch. :func:`fit_power_law` is the plain law
(a line through the logs), which the saturating fit starts from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats


@dataclass(frozen=True)
class PowerLaw:
    """``error = coefficient * n ** -exponent``; ``exponent_se`` is the standard error of
    the exponent (of the log-log slope) and ``r_squared`` the share of the variance of log
    error the line explains."""

    coefficient: float
    exponent: float
    exponent_se: float
    r_squared: float

    def predict(self, sizes: Sequence[float] | np.ndarray) -> np.ndarray:
        """The error the law predicts at each size."""
        return self.coefficient * np.asarray(sizes, dtype=float) ** -self.exponent


@dataclass(frozen=True)
class SaturatingPowerLaw:
    """``error = coefficient * n ** -exponent + floor``; ``r_squared`` is computed on log
    error, the scale the fit works on."""

    coefficient: float
    exponent: float
    floor: float
    r_squared: float

    def predict(self, sizes: Sequence[float] | np.ndarray) -> np.ndarray:
        """The error the law predicts at each size."""
        return self.coefficient * np.asarray(sizes, dtype=float) ** -self.exponent + self.floor

    @property
    def crossover(self) -> float:
        """The size at which the power term equals the floor: where the law stops (infinite
        when the fit finds no floor)."""
        if self.floor <= 0:
            return float("inf")
        with np.errstate(over="ignore"):
            return float(np.power(self.coefficient / self.floor, 1 / self.exponent))


def _checked(sizes: Sequence[float], errors: Sequence[float], minimum: int):
    sizes, errors = np.asarray(sizes, dtype=float), np.asarray(errors, dtype=float)
    if len(sizes) != len(errors) or len(np.unique(sizes)) < minimum:
        raise ValueError(f"the fit needs (size, error) pairs of equal length at {minimum} or "
                         "more distinct sizes")
    if np.any(sizes <= 0) or np.any(errors <= 0):
        raise ValueError("sizes and errors must be positive to be fitted on log-log axes")
    return sizes, errors


def fit_power_law(sizes: Sequence[float], errors: Sequence[float]) -> PowerLaw:
    """Least-squares line through ``(log size, log error)`` (scipy's ``linregress``), at
    three or more distinct sizes."""
    sizes, errors = _checked(sizes, errors, 3)
    line = stats.linregress(np.log(sizes), np.log(errors))
    return PowerLaw(float(np.exp(line.intercept)), float(-line.slope), float(line.stderr),
                    float(line.rvalue**2))


def fit_saturating_power_law(sizes: Sequence[float], errors: Sequence[float]) -> SaturatingPowerLaw:
    """Least squares on log error of ``a * n ** -b + c`` (scipy's ``curve_fit``), with
    ``a > 0``, ``0 < b <= 3`` and ``0 <= c`` below the smallest error; at four or more distinct
    sizes (three parameters). Pass every seed's error, not only the means: the scatter
    between seeds is information the fit should weigh."""
    sizes, errors = _checked(sizes, errors, 4)
    scale = sizes.min()
    start = fit_power_law(sizes, errors)

    def log_error(n, log_a, b, c):
        return np.log(np.exp(log_a) * (n / scale) ** -b + c)

    p0 = [np.log(start.coefficient * scale ** -start.exponent), min(max(start.exponent, 0.01), 3),
          0.5 * errors.min()]
    bounds = ([-np.inf, 1e-6, 0.0], [np.inf, 3.0, errors.min() * (1 - 1e-9)])
    (log_a, b, c), _ = optimize.curve_fit(log_error, sizes, np.log(errors), p0=p0, bounds=bounds,
                                          maxfev=20000)
    residual = np.log(errors) - log_error(sizes, log_a, b, c)
    total = np.log(errors) - np.log(errors).mean()
    return SaturatingPowerLaw(
        coefficient=float(np.exp(log_a) * scale**b), exponent=float(b), floor=float(c),
        r_squared=float(1 - (residual @ residual) / (total @ total)),
    )
