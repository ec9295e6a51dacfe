"""The verdicts of chapter ``pretraining``, and the sentences built from them.

Every comparison of the chapter is a :class:`medlib.claims.verdicts.Claim` recorded in its
results file: the fine-tuned encoder and the linear probe against the network trained from
scratch on the same labels, the labels themselves (the most against the fewest), and the
chosen ensemble against the improved CNN alone, each from the paired difference of means
over seeds on the same test images (:func:`medlib.train.beyond_report.paired_claim`); the
ensemble against the chapter's declared target and against published results, from its
95% CI (:func:`medlib.train.beyond_report.target_claim`,
:func:`~medlib.train.beyond_report.published_claims`). The pretraining itself is one run:
every seed fine-tunes and probes the same encoder, so no interval here covers how another
pretraining run would do, and the sentences say so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from medlib.claims.verdicts import AHEAD, BEHIND, TIED, Claim, verb
from medlib.train.beyond_report import difference_text, listing

_BOUGHT = {AHEAD: "a gain", BEHIND: "a loss",
           TIED: "nothing that could be told apart from training from scratch"}
_BARE = {AHEAD: "is ahead", BEHIND: "is behind", TIED: "cannot be told apart"}
_CHANGE = {AHEAD: "gained", BEHIND: "lost", TIED: "changed nothing that could be told apart"}


def _by_outcome(phrases: Mapping[str, str], every: str) -> str:
    """Shares grouped by their phrase: "<phrase> with 1% and 10% of the labels, and
    <phrase> with 100%", or "<phrase> <every>" when all shares agree."""
    groups: dict[str, list[str]] = {}
    for share, phrase in phrases.items():
        groups.setdefault(phrase, []).append(share)
    if len(groups) == 1 and len(phrases) > 1:
        return f"{next(iter(groups))} {every}"
    return listing([f"{phrase} with {listing(shares)} of the labels"
                    for phrase, shares in groups.items()])


def pretraining_runs_text(pretraining_runs: int = 1) -> str:
    """What the seeds of the supervised runs do not vary: the pretraining."""
    if pretraining_runs == 1:
        return ("every seed fine-tunes the same, single pretraining run (one pretraining "
                "seed), so no interval covers how another pretraining run would do")
    return f"the seeds fine-tune {pretraining_runs} pretraining runs"


def transfer_verdict(claims: Mapping[str, Claim], detail: bool = False,
                     pretraining_runs: int = 1) -> str:
    """What pretraining bought, from the fine-tuned against from-scratch claims by share of
    the labels ("1%" -> claim): "a gain with 10% of the labels, and nothing that could be
    told apart from training from scratch with 1% and 100%". With ``detail``, each paired
    difference and its interval follow, and what the seeds do not cover."""
    if not claims:
        raise ValueError("no shares to state")
    every = "any" if all(c.outcome == TIED for c in claims.values()) else "every"
    text = _by_outcome({share: _BOUGHT[c.outcome] for share, c in claims.items()},
                       f"at {every} share of the labels")
    if not detail:
        return text
    differences = "; ".join(f"{share}: {difference_text(c)}" for share, c in claims.items())
    return (f"{text} (fine-tuned minus from scratch, mean over seeds, bootstrap over test "
            f"cases: {differences}; {pretraining_runs_text(pretraining_runs)})")


def probe_verdict(vs_scratch: Mapping[str, Claim], vs_finetuned: Mapping[str, Claim]) -> str:
    """The linear probe against both trained networks, share by share: "is behind both at
    every share", or per share "is behind the network from scratch and cannot be told apart
    from the fine-tuned one with 100% of the labels"."""
    if not vs_scratch or set(vs_scratch) != set(vs_finetuned):
        raise ValueError("give both comparisons for the same shares")
    phrases = {}
    for share, scratch in vs_scratch.items():
        tuned = vs_finetuned[share]
        phrases[share] = (f"{verb(scratch.outcome)} both" if scratch.outcome == tuned.outcome
                          else f"{verb(scratch.outcome)} the network from scratch and "
                               f"{verb(tuned.outcome)} the fine-tuned one")
    return _by_outcome(phrases, "at every share")


def probe_reading(vs_scratch: Mapping[str, Claim], vs_finetuned: Mapping[str, Claim]) -> str:
    """What the probe's claims say of the contrastive features."""
    claims = [*vs_scratch.values(), *vs_finetuned.values()]
    if claims and all(c.outcome == BEHIND for c in claims):
        return ("the contrastive features separate the classes, but less well than features "
                "learnt from the labels")
    return ("the contrastive features separate the classes, and not everywhere less well "
            "than features learnt from the labels")


def labels_text(claim: Claim) -> str:
    """The most labels against the fewest, for the network from scratch."""
    return f"{difference_text(claim)}: the larger label set {claim.verb} the smaller"


def ensemble_text(auroc: Claim, accuracy: Claim) -> str:
    """The chosen ensemble against the improved CNN alone: "is ahead in AUROC (…) and
    cannot be told apart in accuracy (…)"."""
    return (f"{_BARE[auroc.outcome]} in AUROC (paired difference {difference_text(auroc)}) "
            f"and {_BARE[accuracy.outcome]} in accuracy ({difference_text(accuracy)})")


def ensemble_reading(auroc: Claim, accuracy: Claim) -> str:
    """The conclusion's sentence on averaging networks, from the ensemble's claims against
    the improved CNN alone."""
    return (f"Against the improved CNN alone, averaging several networks "
            f"{_CHANGE[auroc.outcome]} in AUROC and {_CHANGE[accuracy.outcome]} in accuracy, "
            "at the cost of their training")


def target_lead(claims: Sequence[Claim]) -> str:
    """The first words of the paragraph on the target, from the target claims."""
    if not claims:
        raise ValueError("no target claims")
    if any(c.outcome == BEHIND for c in claims):
        return "Why the target is missed, as far as this book can measure it."
    if all(c.outcome == AHEAD for c in claims):
        return "What still limits the ensemble, as far as this book can measure it."
    return "Why the target is not shown to be met, as far as this book can measure it."
