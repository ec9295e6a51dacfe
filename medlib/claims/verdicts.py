"""One function per kind of comparison, each returning a :class:`Claim`.

Three kinds cover the book's comparative sentences:

- ``difference``: an estimated difference (subject minus reference) with an interval.
  The subject is *ahead* when the whole interval lies on the better side of zero,
  *behind* when it lies on the worse side, and otherwise the two *cannot be told apart*.
  A value against a fixed reference (a c-for-benefit against 0.5) is the same kind, with
  the reference subtracted.
- ``against_null``: an observed statistic against the same statistic recomputed under a
  null (shuffled labels). Its p-value is the permutation p-value ``(1 + k) / (1 + n)``,
  with ``k`` of ``n`` null runs at or beyond the observed value (Phipson and Smyth, 2010,
  doi:10.2202/1544-6115.1585), which is valid for any ``n``. With too few null runs to
  reach the level at all (``1 / (1 + n) > alpha``) the verdict is *unresolved*: the design
  could not have found a signal, and the page must not read that as a negative.
- ``detection``: how often a pipeline finds an effect that is known to be there (a
  positive control on simulated data). It *detects* the effect when the share of
  simulated runs that find it reaches the power asked for (80% by default), and otherwise
  *misses* it: a null result of the same design says little about effects of that size.

Outcomes are short identifiers stored in the results file; :func:`verb` turns one into
the words a page glues. :func:`rederive` recomputes an outcome from a stored claim's
numbers, which is what the book's claims check does for every published verdict.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

AHEAD, BEHIND, TIED = "ahead", "behind", "cannot be told apart"
ABOVE_NULL, WITHIN_NULL, UNRESOLVED = "above the null", "within the null", "unresolved"
DETECTS, MISSES = "detects", "misses"
#: The outcomes each kind of comparison can reach.
OUTCOMES = {
    "difference": (AHEAD, BEHIND, TIED),
    "against_null": (ABOVE_NULL, WITHIN_NULL, UNRESOLVED),
    "detection": (DETECTS, MISSES),
}
_VERBS = {
    AHEAD: "is ahead of",
    BEHIND: "is behind",
    TIED: "cannot be told apart from",
    ABOVE_NULL: "stands above",
    WITHIN_NULL: "lies within",
    UNRESOLVED: "cannot be placed against",
    DETECTS: "detects",
    MISSES: "misses",
}


@dataclass(frozen=True)
class Claim:
    """One verdict with the numbers it was computed from.

    ``interval`` says what the interval of a ``difference`` is: a kind of
    :data:`medlib.chapter.results.INTERVAL_KINDS`, or ``"rounds_min_max"`` where every
    round of a repeated cross-validation must agree. ``metric`` optionally names the
    results-file metric whose value and interval are the claim's ``estimate``, ``low``
    and ``high``, so that the claims check also confirms that the numbers behind the
    verdict are the published ones.
    """

    kind: str
    subject: str
    reference: str
    outcome: str
    numbers: dict[str, float] = field(default_factory=dict)
    interval: str | None = None
    metric: str | None = None

    def record(self) -> dict:
        """The claim as the JSON a results file keeps under ``extras["claims"]``."""
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_record(cls, record: dict) -> Claim:
        """The claim a results file kept (:meth:`record`), for pages that read another
        chapter's verdicts; its outcome must re-derive from its numbers."""
        claim = cls(**record)
        if rederive(record) != claim.outcome:
            raise ValueError(f"claim {claim.sentence()!r}: its numbers give "
                             f"{rederive(record)!r}; re-publish the chapter that made it")
        return claim

    @property
    def verb(self) -> str:
        """The words a sentence uses for this outcome, e.g. "cannot be told apart from"."""
        return verb(self.outcome)

    def sentence(self) -> str:
        """"<subject> <verb> <reference>": the bare verdict, for lists and tables."""
        return f"{self.subject} {self.verb} {self.reference}"


def verb(outcome: str) -> str:
    """The verb phrase of an outcome."""
    if outcome not in _VERBS:
        raise ValueError(f"unknown outcome {outcome!r}; known: {', '.join(_VERBS)}")
    return _VERBS[outcome]


def _finite(name: str, value: float) -> float:
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} is {value}: a verdict needs a finite number; check the "
                         "run that produced it")
    return value


def difference_outcome(low: float, high: float, higher_is_better: bool = True) -> str:
    """Ahead, behind, or cannot be told apart, from an interval of subject − reference."""
    low, high = _finite("low", low), _finite("high", high)
    if low > high:
        raise ValueError(f"interval {low} to {high} is reversed: give its lower end first")
    if low > 0:
        return AHEAD if higher_is_better else BEHIND
    if high < 0:
        return BEHIND if higher_is_better else AHEAD
    return TIED


def compare_difference(
    subject: str, reference: str, estimate: float, low: float, high: float, interval: str,
    higher_is_better: bool = True, metric: str | None = None,
) -> Claim:
    """The verdict on ``subject`` against ``reference`` from the estimated difference
    (subject − reference), its interval ``low``–``high`` and what that interval is."""
    if not interval:
        raise ValueError("say what the interval is (interval=, e.g. 'corrected_t_95')")
    outcome = difference_outcome(low, high, higher_is_better)
    numbers = {"estimate": _finite("estimate", estimate), "low": float(low),
               "high": float(high), "higher_is_better": 1.0 if higher_is_better else 0.0}
    return Claim("difference", subject, reference, outcome, numbers, interval, metric)


def compare_value(
    subject: str, reference: str, reference_value: float, value: float, low: float,
    high: float, interval: str, higher_is_better: bool = True, metric: str | None = None,
) -> Claim:
    """A value with its interval against a fixed reference value (a c-for-benefit against
    chance, 0.5): a ``difference`` claim on value − reference_value."""
    claim = compare_difference(subject, reference, value - reference_value,
                               low - reference_value, high - reference_value, interval,
                               higher_is_better, metric)
    return Claim(claim.kind, subject, reference, claim.outcome,
                 {**claim.numbers, "reference_value": float(reference_value)}, interval,
                 metric)


def permutation_p_value(observed: float, null: Sequence[float],
                        higher_is_better: bool = True) -> tuple[float, int, int]:
    """``(p, k, n)``: the permutation p-value ``(1 + k) / (1 + n)`` of ``observed`` among
    ``n`` null values, ``k`` of which are at least as good as it."""
    values = np.asarray(null, dtype=float)
    if values.size == 0 or not np.all(np.isfinite(values)):
        raise ValueError("the null needs at least one run and only finite values")
    observed = _finite("observed", observed)
    k = int(np.sum(values >= observed) if higher_is_better else np.sum(values <= observed))
    return (1 + k) / (1 + values.size), k, int(values.size)


def null_outcome(k: int, n: int, alpha: float = 0.05) -> str:
    """Above the null, within it, or unresolved (``n`` too small to ever reach ``alpha``)."""
    if not 0 < alpha < 1 or n < 1 or not 0 <= k <= n:
        raise ValueError(f"need 0 < alpha < 1 and 0 <= k <= n >= 1 (got {alpha}, {k}, {n})")
    if 1 / (1 + n) > alpha:
        return UNRESOLVED
    return ABOVE_NULL if (1 + k) / (1 + n) <= alpha else WITHIN_NULL


def compare_to_null(
    subject: str, reference: str, observed: float, null: Sequence[float], alpha: float = 0.05,
    higher_is_better: bool = True,
) -> Claim:
    """The verdict on an observed statistic against its null runs (``reference`` names
    them, e.g. "shuffled arms")."""
    p, k, n = permutation_p_value(observed, null, higher_is_better)
    numbers = {"observed": float(observed), "null_at_or_beyond": float(k), "null_runs": float(n),
               "p": p, "alpha": float(alpha), "higher_is_better": 1.0 if higher_is_better else 0.0}
    return Claim("against_null", subject, reference, null_outcome(k, n, alpha), numbers)


def detection_outcome(found: int, runs: int, power: float = 0.8) -> str:
    """Whether a positive control found its known effect in at least ``power`` of its runs."""
    if runs < 1 or not 0 <= found <= runs or not 0 < power <= 1:
        raise ValueError(f"need 0 <= found <= runs >= 1 and 0 < power <= 1 "
                         f"(got {found}, {runs}, {power})")
    return DETECTS if found / runs >= power else MISSES


def detection(subject: str, reference: str, found: int, runs: int,
              power: float = 0.8) -> Claim:
    """A positive control: ``subject`` (a pipeline) found ``reference`` (the known effect)
    in ``found`` of ``runs`` simulated data sets."""
    numbers = {"found": float(found), "runs": float(runs), "power": float(power)}
    return Claim("detection", subject, reference, detection_outcome(found, runs, power),
                 numbers)


def rederive(record: dict) -> str:
    """The outcome a stored claim's numbers give, by the same rule that made it."""
    kind, n = record.get("kind"), record.get("numbers", {})
    if kind == "difference":
        return difference_outcome(n["low"], n["high"], bool(n["higher_is_better"]))
    if kind == "against_null":
        return null_outcome(int(n["null_at_or_beyond"]), int(n["null_runs"]), n["alpha"])
    if kind == "detection":
        return detection_outcome(int(n["found"]), int(n["runs"]), n["power"])
    raise ValueError(f"unknown claim kind {kind!r}; known: {', '.join(OUTCOMES)}")


def changed_outcomes(before: list[dict], after: list[dict]) -> list[str]:
    """The claims whose outcome differs between two runs (matched by kind, subject and
    reference), one line each: how a re-run with another seed is compared."""
    def key(c: dict) -> tuple[str, str, str]:
        return c["kind"], c["subject"], c["reference"]
    old = {key(c): c["outcome"] for c in before}
    new = {key(c): c["outcome"] for c in after}
    lines = [f"{' / '.join(k)}: {old[k]} → {new.get(k, 'missing')}"
             for k in old if new.get(k) != old[k]]
    return lines + [f"{' / '.join(k)}: new, {new[k]}" for k in new if k not in old]
