"""Whether a declared verdict sits on the edge of its interval, and the words for it.

A verdict read from a 95% interval flips when the interval's end nearest zero crosses
zero. When that end lies within about one standard error of zero, a new draw of the splits
(another seed) moves it by about that much, so the verdict itself is not settled, even
though the estimate barely moves: progression_nafld's declared comparison read "cannot be
told apart" at one seed (lower end −0.0004) and "ahead" at another (+0.0001), with
estimates of +0.0066 and +0.0064. A page must say so rather than present either word as
the answer. The standard error is the one the corrected resampled t interval was built
from: its half-width divided by the t quantile for ``splits − 1`` degrees of freedom.
"""

from __future__ import annotations

from scipy import stats

from medlib.claims.verdicts import AHEAD, BEHIND, Claim

LEVEL = 0.95


def standard_error(claim: Claim, splits: int) -> float:
    """The standard error behind a corrected-t 95% interval over ``splits`` splits."""
    if splits < 2:
        raise ValueError(f"an interval over {splits} split(s) has no standard error; "
                         "run at least 2 splits")
    half_width = (claim.numbers["high"] - claim.numbers["low"]) / 2
    return half_width / float(stats.t.ppf(0.5 + LEVEL / 2, splits - 1))


def nearest_end(claim: Claim) -> float:
    """The end of the interval nearest zero (the one whose side of zero sets the verdict)."""
    low, high = claim.numbers["low"], claim.numbers["high"]
    return low if abs(low) <= abs(high) else high


def on_the_edge(claim: Claim, splits: int) -> bool:
    """True when the interval's end nearest zero lies within one standard error of zero."""
    return abs(nearest_end(claim)) < standard_error(claim, splits)


def edge_note(claim: Claim, splits: int) -> str:
    """A sentence for a verdict on the edge (empty when it is not): which end, how close,
    and what that means for another draw of the splits."""
    if not on_the_edge(claim, splits):
        return ""
    end = nearest_end(claim)
    which = "lower" if end == claim.numbers["low"] else "upper"
    return (f"This verdict is on the edge: the interval's {which} end, {end:+.4f}, lies "
            f"within one standard error ({standard_error(claim, splits):.4f}) of zero, so "
            "another draw of the splits can carry it across and change the verdict, while "
            f"the estimate, {claim.numbers['estimate']:+.3f}, moves by much less.")


def edge_lead(claim: Claim) -> str:
    """The first sentence of a conclusion whose declared verdict is on the edge."""
    leaning = {AHEAD: "ahead of", BEHIND: "behind"}.get(claim.outcome)
    side = ("on this draw its interval lies just " + ("above" if claim.outcome == AHEAD
                                                       else "below") + " zero"
            if leaning else "on this draw its interval just includes zero")
    return (f"Here the declared deep model, {claim.subject}, and the declared baseline, "
            f"{claim.reference}, differ by about what these splits can resolve and no more: "
            f"{side}, and another draw of the splits can read the other way.")
