"""medlib.pretraining.report: the pretraining chapter's sentences follow its claims, every
branch, from made-up claims."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from medlib.claims.verdicts import AHEAD, BEHIND, TIED, Claim, compare_difference
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
    assert "own pretraining run (3 runs)" in report.transfer_verdict({"1%": claim(TIED)}, True, 3)


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


# --- the page's facts ---


class FakePaired:
    """Stands in for PairedClaims: remembers each comparison, returns a tied claim."""

    def __init__(self):
        self.calls = []

    def __call__(self, subject, reference, scores_subject, scores_reference, name, **options):
        self.calls.append((subject, reference, name, options))
        return compare_difference(subject, reference, 0.001, -0.002, 0.004, "bootstrap_95")


def test_runs_from_orders_cases_and_seeds():
    frame = pd.DataFrame({"split": ["test", "val", "test", "val", "train"],
                          "case_id": [2, 1, 1, 0, 0],
                          "score_a_seed2": [0.2, 0.1, 0.3, 0.4, 0.9],
                          "score_a_seed1": [0.5, 0.6, 0.7, 0.8, 0.9], "other": 0.0})
    runs = report.runs_from(frame, "score_a_seed")
    assert len(runs) == 2 and set(runs[0]) == {"val", "test"}
    assert runs[0]["test"].tolist() == [0.7, 0.5] and runs[0]["val"].tolist() == [0.8, 0.6]
    assert runs[1]["test"].tolist() == [0.3, 0.2]


def test_label_claims_compare_every_arm_at_every_share_then_the_labels():
    paired = FakePaired()
    scores = {(arm, share): [np.zeros(3)] for arm in report.ARMS for share in (0.01, 1.0)}
    claims = report.label_claims(paired, scores, [0.01, 1.0])
    assert set(claims.tuned) == set(claims.probe_vs_scratch) == set(claims.probe_vs_tuned) == {
        "1%", "100%"}
    assert [call[:2] for call in paired.calls[:3]] == [
        ("fine-tuned, 1% of labels", "from scratch, 1% of labels"),
        ("linear probe, 1% of labels", "from scratch, 1% of labels"),
        ("linear probe, 1% of labels", "fine-tuned, 1% of labels")]
    assert paired.calls[2][2] == ("AUROC difference", "linear probe − fine-tuned", "1% of labels")
    assert paired.calls[-1][:3] == ("from scratch, 100% of labels", "from scratch, 1% of labels",
                                    ("AUROC difference", "from scratch", "100% − 1% of labels"))
    assert claims.labels.subject == "from scratch, 100% of labels"


BEST = pd.DataFrame({"value": [0.95, 0.90], "ci_low": [0.94, 0.88], "ci_high": [0.96, 0.92]},
                    index=["AUROC", "accuracy"])


def test_ensemble_claims_against_the_improved_cnn_targets_and_published_rows():
    paired = FakePaired()
    anchors = pd.DataFrame({"model": ["Google AutoML Vision", "VGG16, ImageNet-pretrained (28 px)",
                                      "unrelated"], "test AUROC": [0.991, 0.93, np.nan]})
    runs = [{"val": np.zeros(2), "test": np.ones(2)}]
    claims = report.ensemble_claims(paired, runs, runs, BEST, {"AUROC": 0.985, "accuracy": 0.85},
                                    anchors)
    assert paired.calls[0][1] == "improved CNN (cnn_beyond): test AUROC"
    assert "batched_metric" in paired.calls[1][3]
    assert [c.outcome for c in claims.targets] == [BEHIND, AHEAD]
    assert claims.published["top"][1] == ["Google AutoML Vision"]
    assert claims.published["low"][1] == ["VGG16"]
    assert [c.reference for c in claims.fixed_claims()] == [
        "declared target, test AUROC", "declared target, test accuracy",
        "Google AutoML Vision (0.991)", "VGG16, ImageNet-pretrained (28 px) (0.930)"]
    record = report.target_record(claims, BEST, {"AUROC": 0.985, "accuracy": 0.85})
    assert record["met"] is False and record["auroc_short_by"] == pytest.approx(0.035)
    assert record["accuracy_short_by"] == 0.0
    verdicts = report.published_verdicts(claims)
    assert verdicts["published_top_verdict"] == (
        "Google AutoML Vision lies above the ensemble's 95% CI of test AUROC (ahead of it)")
    none = report.ensemble_claims(paired, runs, runs, BEST, {"AUROC": 0.9, "accuracy": 0.8},
                                  anchors.iloc[2:])
    assert report.published_verdicts(none)["published_low_verdict"] == (
        "are not published for this data set")


def test_setup_facts_are_texts():
    pretrained = [SimpleNamespace(history=pd.DataFrame({"loss": [5.0, 4.321]}), images=5000,
                                  seconds=12.4),
                  SimpleNamespace(history=pd.DataFrame({"loss": [5.2, 4.521]}), images=5000,
                                  seconds=14.4)]
    settings = {"n_seeds": 2, "first_seed": 2024, "encoder_width": 2, "size": 28,
                "pretrain_batch": 256, "temperature": 0.2, "epochs": 1, "pretrain_epochs": 1,
                "min_images_per_epoch": 2048, "target_auroc": 0.985, "target_accuracy": 0.93}
    facts = report.setup_facts(settings, 12345, [0.01, 1.0], pretrained)
    assert facts["encoder_weights"] == "12,345" and facts["transfer_shares_text"] == "1%, 100%"
    assert facts["min_images"] == "2,048" and facts["temperature"] == "0.2"
    assert (facts["loss_first"], facts["loss_last"], facts["loss_chance"]) == (
        "5.10", "4.42", f"{np.log(511):.2f}")
    assert facts["pretrain_seconds"] == "13" and facts["target_accuracy"] == "0.930"
    assert facts["n_pretraining_runs"] == "2"
    with pytest.raises(ValueError, match="no pretraining run"):
        report.setup_facts(settings, 1, [1.0], [])
    assert all(isinstance(v, str) for v in facts.values())


LAW = pd.DataFrame({"exponent b": [0.5], "floor c": [0.02], "R² (log error)": [0.9],
                    "law stops near": [12000.0]})


def test_label_reading_says_whether_the_law_has_a_floor():
    assert report.label_reading(LAW.iloc[0]) == "the law stops near 12,000 labels."
    assert report.label_reading(LAW.assign(**{"floor c": 0.001}).iloc[0]).startswith(
        "within these labels the curve shows no floor yet")


def test_label_facts():
    shares = [0.01, 0.1, 1.0]
    arm_rows, run_rows = [], []
    for share, labels in zip(shares, (50, 500, 5000), strict=True):
        for k, arm in enumerate(report.ARMS):
            auroc = 0.8 + share / 10 + k / 100
            arm_rows.append({"arm": arm, "share": share, "labels": labels, "test AUROC": auroc,
                             "error": 1 - auroc})
            for seed, shift in ((1, 0.0), (2, 0.01 * (arm == "fine-tuned"))):
                run_rows.append({"arm": arm, "share": share, "seed": seed,
                                 "test AUROC": auroc + shift})
    paired = FakePaired()
    scores = {(arm, share): [] for arm in report.ARMS for share in shares}
    claims = report.label_claims(paired, scores, shares)
    facts = report.label_facts(pd.DataFrame(arm_rows), pd.DataFrame(run_rows), shares, claims, LAW)
    assert facts["labels_small"] == "50" and facts["labels_mid"] == "500"
    assert facts["labels_full"] == "5,000"
    assert facts["ft_small"] == "0.801" and facts["scratch_small"] == "0.811"
    assert facts["diff_small"] == "-0.005" and facts["diff_small_range"] == "-0.010 to +0.000"
    assert facts["label_gain"] == "+0.099" and facts["labels_for_half"] == "4"
    assert facts["verdict"].startswith("nothing that could be told apart")
    assert facts["label_reading"] == "the law stops near 12,000 labels."


def test_best_on_test_text():
    subsets = pd.DataFrame({"members": ["A", "A + B"], "test AUROC": [0.95, 0.96]})
    assert report.best_on_test_text(subsets, "A + B", 0.96).startswith(
        "Its choice is also the best")
    assert report.best_on_test_text(subsets, "A", 0.95) == (
        "The best subset on test (A + B) scores 0.960, +0.010 against the chosen one.")


def test_ensemble_facts():
    paired = FakePaired()
    anchors = pd.DataFrame({"model": ["Google AutoML Vision"], "test AUROC": [0.991]})
    runs = [{"val": np.zeros(2), "test": np.ones(2)}]
    claims = report.ensemble_claims(paired, runs, runs, BEST, {"AUROC": 0.9, "accuracy": 0.8},
                                    anchors)
    choice = pd.DataFrame({"members": ["CNN + ViT", "ViT-S"], "val AUROC": [0.99, 0.97]})
    subsets = choice.assign(**{"test AUROC": [0.95, 0.94]})
    beyond = {"test_AUROC": {"value": 0.94}, "test_accuracy": {"value": 0.91}}
    cost = [{"model": "CNN-64", "family": "CNN", "projected hours, 100 epochs at 224 px": 3.2},
            {"model": "ViT", "family": "ViT", "projected hours, 100 epochs at 224 px": 9.0}]
    facts = report.ensemble_facts(choice, subsets, BEST, 3, claims, beyond, cost)
    assert facts["chosen"] == "CNN + ViT" and facts["n_subsets"] == "2" and facts["n_runs"] == "3"
    assert facts["best_auroc_ci"] == "0.940–0.960" and facts["beyond_gain"] == "+0.010"
    assert facts["beyond_gain_acc"] == "-0.010" and facts["val_low"] == facts["val_high"] == "0.990"
    assert facts["val_test_gap"] == "0.040" and facts["cnn_224_hours"] == "3"
    assert facts["target_lead"].startswith("What still limits")
    assert facts["published_low_verdict"] == "are not published for this data set"
    assert facts["best_on_test"].startswith("Its choice is also the best")


def test_pretraining_runs_text_says_what_the_seeds_vary():
    assert "single pretraining run" in report.pretraining_runs_text(1)
    many = report.pretraining_runs_text(3)
    assert "its own pretraining run (3 runs)" in many and "does not" in many
