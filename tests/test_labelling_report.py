"""medlib.trust.labelling_report: the labelling chapter's verdicts, every branch, from small
made-up numbers, and that the claims re-derive."""

import numpy as np
import pandas as pd
import pytest
import torch

from medlib.claims.verdicts import AHEAD, BEHIND, TIED, Claim, rederive
from medlib.metrics.multiclass import accuracy
from medlib.trust import active_learning as al
from medlib.trust import labelling_report as lr

NaN = float("nan")


def needed(rows: dict[str, dict[str, list[float]]]) -> pd.DataFrame:
    """``{target: {strategy: labels needed per seed}}`` as labels_needed_summary returns it."""
    return pd.DataFrame([{"target": target, "strategy": strategy, "seed": seed,
                          "labels needed": value}
                         for target, by_strategy in rows.items()
                         for strategy, values in by_strategy.items()
                         for seed, value in enumerate(values)])


def claim(outcome: str, estimate=0.0, low=-1.0, high=1.0) -> Claim:
    return Claim("difference", "s", "r", outcome,
                 {"estimate": estimate, "low": low, "high": high, "higher_is_better": 1.0},
                 "bootstrap_95")


def test_uncertainty_is_ahead_only_when_it_needed_fewer_labels_on_every_seed():
    claims = lr.labels_needed_claims(needed({
        "95% of full": {"random": [20, 30, 40], "uncertainty": [10, 20, 30]},   # fewer on all
        "99% of full": {"random": [20, 30, 40], "uncertainty": [30, 40, 50]},   # more on all
        "90% of full": {"random": [28, 14, 8], "uncertainty": [12, 30, 14]},    # seeds disagree
    }), last_round=64)
    ahead, behind, tied = claims["95% of full"], claims["99% of full"], claims["90% of full"]
    assert (ahead.outcome, behind.outcome, tied.outcome) == (AHEAD, BEHIND, TIED)
    assert ahead.numbers["estimate"] == -10 and ahead.interval == "seeds_min_max"
    assert (tied.numbers["low"], tied.numbers["high"]) == (-16, 16)
    assert ahead.numbers["higher_is_better"] == 0.0 and ahead.numbers["seeds"] == 3
    assert ahead.subject == "uncertainty sampling, labels needed for 95% of full"
    assert ahead.reference == "random sampling, labels needed for 95% of full"
    for c in claims.values():
        assert rederive(c.record()) == c.outcome


def test_a_strategy_that_never_reached_the_target_counts_at_the_last_round():
    claims = lr.labels_needed_claims(needed({
        # seed 0: only random reached (uncertainty counted at 64); seed 1: only uncertainty
        # reached; seed 2: neither, left out
        "99% of full": {"random": [61.4, NaN, NaN], "uncertainty": [NaN, 29.2, NaN]},
        "95% of full": {"random": [NaN, NaN], "uncertainty": [NaN, NaN]},
        "90% of full": {"random": [NaN, NaN], "uncertainty": [40, 50]},
    }), last_round=64)
    mixed = claims["99% of full"]
    assert mixed.outcome == TIED  # the seeds disagree: never "saved"
    assert mixed.numbers["low"] == pytest.approx(29.2 - 64)
    assert mixed.numbers["high"] == pytest.approx(64 - 61.4)
    assert (mixed.numbers["seeds"], mixed.numbers["seeds_bounded"]) == (2, 2)
    assert claims["95% of full"] is None
    assert claims["90% of full"].outcome == AHEAD  # random never got there within 64 labels
    with pytest.raises(ValueError, match="last round"):
        lr.labels_needed_claims(needed({"t": {"random": [80], "uncertainty": [10]}}), 64)


def test_labels_needed_text_states_each_target_or_all_at_once():
    claims = lr.labels_needed_claims(needed({
        "95% of full": {"random": [28, 14, 8], "uncertainty": [12, 30, 14]},
        "99% of full": {"random": [61.4, NaN, NaN], "uncertainty": [NaN, 29.2, NaN]},
    }), last_round=64)
    text = lr.labels_needed_text(claims)
    assert text.startswith("cannot be told apart from random sampling (neither needed fewer "
                           "labels on every seed) at every target (95% of full: uncertainty "
                           "minus random +2 labels, range over 3 seeds −16 to +16; 99% of full:")
    mixed = lr.labels_needed_claims(needed({
        "95% of full": {"random": [20, 30], "uncertainty": [10, 20]},
        "99% of full": {"random": [20, 30], "uncertainty": [30, 40]},
        "90% of full": {"random": [NaN, NaN], "uncertainty": [NaN, NaN]},
    }), last_round=64)
    assert lr.labels_needed_text(mixed) == (
        "at 95% of full, needed fewer labels than random sampling on every seed (uncertainty "
        "minus random −10 labels, range over 2 seeds −10 to −10); at 99% of full, needed more "
        "labels than random sampling on every seed (uncertainty minus random +10 labels, range "
        "over 2 seeds +10 to +10); at 90% of full, could not be compared with random sampling "
        "(neither reached it on any seed)")
    assert lr.labels_needed_text({"t": None, "u": None}).endswith("at any target")
    with pytest.raises(ValueError, match="no targets"):
        lr.labels_needed_text({})


@pytest.mark.parametrize(("outcome", "efficiency", "noise"), [
    (AHEAD, "is ahead of the one trained on 1% of them", "noisy labels are ahead of"),
    (BEHIND, "is behind the one trained on 1% of them", "noisy labels are behind"),
    (TIED, "cannot be told apart from the one trained on 1% of them",
     "noisy and on clean labels cannot be told apart"),
])
def test_sentences_follow_the_outcome(outcome, efficiency, noise):
    c = claim(outcome, 0.019, 0.011, 0.028)
    assert lr.efficiency_text(c, "1%") == (f"the network trained on all the labels {efficiency} "
                                           "(+0.019, 95% CI +0.011 to +0.028)")
    assert noise in lr.noise_cost_text(c)
    assert lr.noise_cost_text(c).endswith("(paired difference +0.019, 95% CI +0.011 to +0.028)")
    assert lr.gce_text(c).startswith(f"GCE {c.verb} cross-entropy on the same test images")


def test_setting_text_groups_the_settings_by_outcome():
    claims = [claim(TIED), claim(TIED), claim(AHEAD), claim(AHEAD)]
    settings = ["clean", "symmetric 20%", "symmetric 40%", "missed pneumonia 40%"]
    assert lr.setting_text(claims, settings, "cross-entropy") == (
        "cannot be told apart from cross-entropy with clean and symmetric 20% labels and is "
        "ahead of it with symmetric 40% and missed pneumonia 40% labels")
    assert lr.setting_text([claim(BEHIND)], ["clean"], "the default threshold") == (
        "is behind the default threshold with clean labels")
    with pytest.raises(ValueError, match="one label setting per claim"):
        lr.setting_text(claims, settings[:2], "x")


def test_thresholded_decisions_give_the_accuracy_at_each_models_threshold():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 50)
    scores = [rng.random(50).astype(np.float32) for _ in range(2)]
    thresholds = [0.3, 0.7]
    decisions = lr.thresholded(scores, thresholds)
    for s, t, d in zip(scores, thresholds, decisions, strict=True):
        assert accuracy(y, d) == accuracy(y, s, t)
    with pytest.raises(ValueError, match="one threshold per model"):
        lr.thresholded(scores, [0.5])


# --- the page's facts and claims, from small made-up tables --------------------------------

def noise_runs_and_columns():
    """Two seeds of cross-entropy on clean labels, one of GCE, with their predictions."""
    runs = [{"labels": "clean", "loss": "cross-entropy", "predictions_column": "a",
             "threshold (validation, Youden)": 0.7},
            {"labels": "clean", "loss": "cross-entropy", "predictions_column": "b",
             "threshold (validation, Youden)": 0.2},
            {"labels": "clean", "loss": "GCE", "predictions_column": "c",
             "threshold (validation, Youden)": 0.5}]
    columns = {"a": {"test": np.array([0.1, 0.6, 0.9])}, "b": {"test": np.array([0.3, 0.4, 0.8])},
               "c": {"test": np.array([0.5, 0.5, 0.5])}}
    return runs, columns


def test_noise_scores_give_a_rows_scores_or_its_decisions_at_a_threshold():
    runs, columns = noise_runs_and_columns()
    scores = lr.noise_scores(runs, columns, "clean", "cross-entropy")
    assert [list(s) for s in scores] == [[0.1, 0.6, 0.9], [0.3, 0.4, 0.8]]
    refit = lr.noise_scores(runs, columns, "clean", "cross-entropy", lr.REFITTED)
    assert [list(s) for s in refit] == [[0, 0, 1], [1, 1, 1]]
    fixed = lr.noise_scores(runs, columns, "clean", "cross-entropy", 0.5)
    assert [list(s) for s in fixed] == [[0, 1, 1], [0, 0, 1]]
    assert lr.noise_scores(runs, columns, "symmetric 40%", "GCE") == []


class FakePaired:
    """Records each comparison as PairedClaims would, with a made-up claim."""

    def __init__(self):
        self.claims, self.calls = [], []

    def __call__(self, subject, reference, scores_subject, scores_reference, metric_name,
                 **options):
        self.calls.append((subject, reference, metric_name, options))
        self.claims.append(claim(TIED))
        return self.claims[-1]


def test_chapter_claims_are_made_in_the_order_the_results_file_keeps_them():
    runs, columns = noise_runs_and_columns()
    runs += [{**run, "labels": "symmetric 40%"} for run in runs]
    efficiency = pd.DataFrame({"labels": [10, 200]}, index=["5%", "100%"])
    scores_at = {0.05: [np.zeros(3)], 1.0: [np.ones(3)]}
    paired = FakePaired()
    claims = lr.chapter_claims(
        paired, efficiency, scores_at,
        needed({"95% of full": {"random": [20, 30], "uncertainty": [10, 20]},
                "99% of full": {"random": [NaN, NaN], "uncertainty": [NaN, NaN]}}),
        64, runs, columns, ["clean", "symmetric 40%"], "symmetric 40%", "GCE")
    subjects = [call[0] for call in paired.calls]
    assert subjects == ["100% of labels", "GCE, clean", "GCE, symmetric 40%",
                        "cross-entropy, symmetric 40%",
                        "threshold re-fitted on validation, cross-entropy, clean",
                        "threshold re-fitted on validation, cross-entropy, symmetric 40%"]
    assert paired.calls[0][2] == ("AUROC difference", "100% − 5% of labels")
    assert paired.calls[-1][3] == {"batched_metric": lr.batched_accuracy}
    # the one informed active-learning claim sits between efficiency and noise
    assert paired.claims[1] is claims.needed["95% of full"] and claims.needed["99% of full"] is None
    assert len(paired.claims) == 7
    assert claims.efficiency is paired.claims[0] and claims.noise is paired.claims[4]
    assert (len(claims.gce), len(claims.refit)) == (2, 2)


def test_verdict_facts_name_every_verdict_of_the_page():
    claims = lr.LabellingClaims(
        efficiency=claim(AHEAD, 0.02, 0.01, 0.03), needed={"95% of full": None},
        gce=[claim(TIED), claim(AHEAD, 0.05, 0.01, 0.09)], noise=claim(BEHIND, -0.1, -0.2, -0.05),
        refit=[claim(TIED), claim(TIED)])
    facts = lr.verdict_facts(claims, "5%", ("clean", "symmetric 40%"), "symmetric 40%")
    assert set(facts) == {"al_verdict", "gce_verdict", "gain_verdict", "noise_cost_verdict",
                          "gce_settings_verdict", "refit_verdict"}
    assert facts["gce_verdict"].startswith("GCE is ahead of cross-entropy")
    assert facts["gain_verdict"].endswith(
        "one trained on 5% of them (+0.020, 95% CI +0.010 to +0.030)")
    assert "default threshold of 0.5 with clean and symmetric 40% labels" in facts["refit_verdict"]
    assert facts["al_verdict"].endswith("at any target")


def efficiency_tables(aurocs=(0.80, 0.90, 1.0)):
    efficiency = pd.DataFrame({"labels": [10, 100, 1000], "test AUROC": list(aurocs),
                               "95% CI low": [0.7, 0.85, 0.95], "95% CI high": [0.85, 0.95, 1.0]},
                              index=pd.Index(["1%", "10%", "100%"], name="share of labels"))
    per_seed = pd.DataFrame({"share": [0.01, 0.01, 1.0], "auroc": [0.75, 0.85, 1.0]})
    return efficiency, per_seed


def test_efficiency_facts_read_the_smallest_and_the_full_budget():
    efficiency, per_seed = efficiency_tables()
    facts = lr.efficiency_facts(efficiency, per_seed, [0.85, 0.99], 1.0)
    assert facts["share_small"] == "1%" and facts["extra_labels"] == "990"
    assert facts["small_share_of_full"] == "80.0%" and facts["auroc_gain"] == "0.200"
    assert facts["auroc_small_ci"] == "0.700–0.850" and facts["labels_full"] == "1,000"
    assert facts["target_names"] == "85% and 99%" and facts["low_target"] == "85%"
    assert facts["seed_spread_small"] == "0.100"
    assert (facts["reach_low_labels"], facts["reach_top_labels"]) == ("100", "1,000")


def test_a_target_no_budget_reaches_reads_no_budget():
    efficiency, per_seed = efficiency_tables((0.8, 0.9, 0.95))
    facts = lr.efficiency_facts(efficiency, per_seed, [0.85, 0.99], 1.0)
    assert facts["reach_top_labels"] == "no budget"


@pytest.mark.parametrize(("both", "fewer", "note"), [
    (0, {"random": 0, "uncertainty": 0}, "cannot be compared seed by seed"),
    (1, {"random": 0, "uncertainty": 1}, "on that one seed uncertainty sampling needed fewer"),
    (1, {"random": 0, "uncertainty": 0}, "on that one seed neither strategy needed fewer"),
    (3, {"random": 1, "uncertainty": 2}, "on 2 of those 3 seeds uncertainty sampling needed "
                                         "fewer labels, on 1 random sampling"),
])
def test_compare_note_says_what_the_seeds_on_which_both_reached_allow(both, fewer, note):
    assert note in lr.compare_note(both, fewer)


def al_tables(targets=(0.5, 0.95)):
    """Two seeds, two rounds after a shared start of 4 labels: random reaches the 95%
    target on both seeds, uncertainty on one."""
    rows = []
    for seed, (random_aurocs, unc_aurocs) in enumerate([((0.5, 0.8, 0.96), (0.5, 0.7, 0.9)),
                                                         ((0.6, 0.9, 0.97), (0.6, 0.96, 0.97))]):
        for strategy, aurocs in (("random", random_aurocs), ("uncertainty", unc_aurocs)):
            for labels, value, share in zip((4, 8, 16), aurocs, (0.5, 0.5, 0.75), strict=True):
                rows.append({"seed": seed, "strategy": strategy, "labels": labels,
                             "auroc": value, "pneumonia share": share})
    curves = pd.DataFrame(rows)
    needed_rows, summary = al.labels_needed_summary(curves, targets, 1.0)
    al_table = curves.groupby(["labels", "strategy"])["auroc"].mean().unstack().add_prefix(
        "test AUROC, ")
    return curves, needed_rows, summary, al_table


def test_active_learning_facts_read_the_curves_and_the_highest_target():
    curves, _, summary, al_table = al_tables()
    facts = lr.active_learning_facts(summary, curves, al_table, [4, 8, 16], [0.5, 0.95], 4, 2)
    assert (facts["al_start"], facts["n_seeds"], facts["al_max_labels"]) == ("4", "2", "16")
    assert facts["top_uncertainty_reached"] == "1" and facts["top_random_reached"] == "2"
    assert facts["top_both"] == "1"
    assert facts["top_compare_note"].startswith("on that one seed uncertainty sampling")
    assert facts["al_below"] == "2" and facts["al_n_rounds"] == "2"
    assert facts["share_random_last"] == "75%" and facts["share_unc_min"] == "50%"
    assert facts["top_uncertainty_span"].endswith(" labels") and "–" not in facts[
        "top_uncertainty_span"]
    assert "–" in facts["top_random_span"]
    assert facts["al_spread_random"] == f"{(0.1 + 0.01) / 2:.3f}"


def test_a_strategy_no_seed_brought_to_the_highest_target_reads_more_than_the_last_round():
    curves, _, summary, al_table = al_tables((0.5, 0.999))
    facts = lr.active_learning_facts(summary, curves, al_table, [4, 8, 16], [0.5, 0.999], 4, 2)
    for strategy in al.STRATEGIES:
        assert facts[f"top_{strategy}"] == "more than 16"
        assert facts[f"top_{strategy}_range"] == "—" and facts[f"top_{strategy}_span"] == "none"
    assert facts["top_compare_note"].startswith("at that target the two strategies cannot")


def test_noise_facts_read_the_rows_the_prose_names():
    index = pd.MultiIndex.from_product([["clean", "symmetric 40%", "missed pneumonia 40%"],
                                        ["cross-entropy", "GCE, q = 0.3"]],
                                       names=["labels", "loss"])
    table = pd.DataFrame({"test AUROC": np.linspace(0.9, 0.6, 6), "95% CI low": 0.5,
                          "95% CI high": 0.95, "accuracy at 0.5": [0.8, 0.8, 0.7, 0.7, 0.6, 0.6],
                          "accuracy, threshold re-fitted": [0.78, 0.8, 0.72, 0.7, 0.75, 0.6]},
                         index=index)
    facts = lr.noise_facts(table, "symmetric 40%", "missed pneumonia 40%", "GCE, q = 0.3", 0.3,
                           0.4, 0.05, 2)
    rates = (facts["missed_rate"], facts["false_rate"], facts["hardest_rate"])
    assert rates == ("40%", "5%", "40%")
    assert facts["best_q"] == "0.3" and facts["n_noise_seeds"] == "2"
    assert facts["auroc_clean"] == "0.900" and facts["auroc_hard_gce"] == "0.720"
    assert facts["acc_missed"] == "0.600" and facts["acc_missed_refit"] == "0.750"
    assert facts["auroc_clean_ci"] == "0.500–0.950" and "labels_clean" not in facts
    assert facts["refit_clean_change"] == "−0.020"


def test_run_facts_count_the_runs_and_the_networks_weights():
    model = torch.nn.Linear(3, 2)
    facts = lr.run_facts(12, model, np.array([1, 1, 1, 0]), 52)
    assert facts == {"n_runs": "12", "n_params": "8", "pool_share": "75%", "n_val": "52"}


def test_labels_needed_table_counts_in_labels_and_seeds():
    _, _, summary, _ = al_tables()
    table = lr.labels_needed_table(summary)
    assert list(table.columns) == [
        "labels needed: mean over seeds that reached it", "labels needed: min–max over seeds",
        "seeds that reached it", "seeds where both strategies reached it",
        "of those, seeds where this one needed fewer labels"]
    assert table.loc[("95% of full", "random"), "seeds that reached it"] == "2 of 2"
    assert table.loc[("95% of full", "uncertainty"), "seeds where both strategies reached it"] == 1
