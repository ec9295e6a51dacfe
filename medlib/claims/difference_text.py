"""A paired difference or an interval end as the pages print it.

Three decimals are the book's precision for a difference in C or AUROC, but an
interval end of -0.0004 printed with three reads "-0.000": a sign on a zero, which a
reader takes for a typo, and a hidden claim that the end touches zero. This module
prints such an end with the decimals it needs, so the page shows the number that decides
the verdict.
"""

from __future__ import annotations


def signed_difference(value: float, digits: int = 3) -> str:
    """``+0.005``, ``-0.011``; ``-0.0004`` (up to three more decimals, as many as it
    takes) when ``digits`` decimals would print a non-zero value as zero; ``0.000``
    without a sign for an exact zero."""
    if value == 0:
        return f"{0:.{digits}f}"
    for shown in range(digits, digits + 4):
        text = f"{value:+.{shown}f}"
        if float(text) != 0:
            return text
    return text


def signed_interval(low: float, high: float, digits: int = 3) -> str:
    """``-0.0004 to +0.014``: both ends of an interval through :func:`signed_difference`."""
    return f"{signed_difference(low, digits)} to {signed_difference(high, digits)}"
