"""Differences and interval ends never print as a signed zero."""

import pytest

from medlib.claims.difference_text import signed_difference, signed_interval


@pytest.mark.parametrize(("value", "text"), [
    (0.0054, "+0.005"), (-0.0113, "-0.011"), (0.0, "0.000"),
    (-0.00044, "-0.0004"), (0.00004, "+0.00004"), (1e-9, "+0.000000"), (0.0005, "+0.001"),
])
def test_signed_difference(value, text):
    assert signed_difference(value) == text


def test_more_digits_are_kept():
    assert signed_difference(-0.00044, digits=4) == "-0.0004"
    assert signed_difference(0.000004, digits=4) == "+0.000004"


def test_signed_interval_formats_both_ends():
    assert signed_interval(-0.00044, 0.0137) == "-0.0004 to +0.014"
