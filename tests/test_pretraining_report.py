"""medlib.pretraining.report: the pretraining chapter's sentences follow its claims, every
branch, from made-up claims."""

import pytest

from medlib.claims.verdicts import AHEAD, BEHIND, TIED, Claim
from medlib.pretraining import report


def claim(outcome: str, estimate: float = 0.001, low: float = -0.003, high: float = 0.006) -> Claim:
    return Claim("difference", "s", "r", outcome,
                 {"estimate": estimate, "low": low, "high": high, "higher_is_better": 1.0},
                 "bootstrap_95")


def test_transfer_verdict_groups_the_shares_by_outcome():
    tied = {"1%": claim(TIED), "10%": claim(TIED), "100%": claim(TIED)}
    assert report.transfer_verdict(tied) == (
        "nothing that could be told apart from training from scratch at any share of the labels")
    assert report.transfer_verdict({"1%": claim(AHEAD), "10%": claim(AHEAD)}) == (
        "a gain at every share of the labels")
    mixed = {"1%": claim(BEHIND), "10%": claim(AHEAD), "100%": claim(TIED)}
    assert report.transfer_verdict(mixed) == (
        "a loss with 1% of the labels, a gain with 10% of the labels and nothing that could be "
        "told apart from training from scratch with 100% of the labels")
    assert report.transfer_verdict({"1%": claim(AHEAD)}) == "a gain with 1% of the labels"
    with pytest.raises(ValueError, match="no shares"):
        report.transfer_verdict({})


def test_the_detailed_verdict_says_the_pretraining_was_run_once():
    text = report.transfer_verdict({"1%": claim(TIED), "100%": claim(TIED)}, detail=True)
    assert "1%: +0.001, 95% CI −0.003 to +0.006; 100%: +0.001" in text
    assert "single pretraining run (one pretraining seed)" in text
    assert "3 pretraining runs" in report.transfer_verdict({"1%": claim(TIED)}, True, 3)


def test_probe_verdict_and_reading():
    behind = {"1%": claim(BEHIND), "100%": claim(BEHIND)}
    assert report.probe_verdict(behind, behind) == "is behind both at every share"
    assert "but less well than features learnt" in report.probe_reading(behind, behind)
    tuned = {"1%": claim(BEHIND), "100%": claim(TIED)}
    assert report.probe_verdict(behind, tuned) == (
        "is behind both with 1% of the labels and is behind the network from scratch and "
        "cannot be told apart from the fine-tuned one with 100% of the labels")
    assert "not everywhere less well" in report.probe_reading(behind, tuned)
    with pytest.raises(ValueError, match="same shares"):
        report.probe_verdict(behind, {"1%": claim(TIED)})


@pytest.mark.parametrize(("outcome", "bare", "reading"), [
    (AHEAD, "is ahead in AUROC", "gained in AUROC"),
    (BEHIND, "is behind in AUROC", "lost in AUROC"),
    (TIED, "cannot be told apart in AUROC", "changed nothing that could be told apart in AUROC"),
])
def test_ensemble_sentences(outcome, bare, reading):
    text = report.ensemble_text(claim(outcome), claim(TIED, 0.009, -0.01, 0.02))
    assert text.startswith(f"{bare} (paired difference +0.001, 95% CI −0.003 to +0.006)")
    assert text.endswith("and cannot be told apart in accuracy (+0.009, 95% CI −0.010 "
                         "to +0.020)")
    assert report.ensemble_reading(claim(outcome), claim(AHEAD)) == (
        f"Against the improved CNN alone, averaging several networks {reading} and gained in "
        "accuracy, at the cost of their training")


def test_labels_text():
    assert report.labels_text(claim(AHEAD, 0.029, 0.020, 0.040)) == (
        "+0.029, 95% CI +0.020 to +0.040: the larger label set is ahead of the smaller")


def test_target_lead():
    assert report.target_lead([claim(BEHIND), claim(TIED)]).startswith("Why the target is missed")
    assert report.target_lead([claim(TIED), claim(AHEAD)]).startswith(
        "Why the target is not shown to be met")
    assert report.target_lead([claim(AHEAD), claim(AHEAD)]).startswith("What still limits")
    with pytest.raises(ValueError, match="no target claims"):
        report.target_lead([])
