"""medlib.trust.robustness_report: the robustness chapter's verdicts come from claims on its
test scores, and each sentence follows its claims' outcomes."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from medlib.claims.verdicts import AHEAD, BEHIND, TIED, compare_difference, compare_value, rederive
from medlib.metrics.multiclass import accuracy
from medlib.trust import robustness_report as report

RNG = np.random.default_rng(0)
Y = np.r_[np.zeros(80, int), np.ones(80, int)]
GOOD = np.clip(0.5 * Y + RNG.normal(0.25, 0.15, Y.size), 0, 1)  # separates the classes well
NOISE = RNG.random(Y.size)  # separates nothing


def claim(low, high):
    return compare_difference("a", "b", (low + high) / 2, low, high, "bootstrap_95")


# --- best accuracy over thresholds ---

def test_batched_best_accuracy_is_the_best_accuracy_over_the_scores_thresholds():
    y = np.array([[0, 0, 1, 1, 1, 0], [1, 0, 1, 0, 0, 1]])
    s = np.array([[0.1, 0.4, 0.4, 0.8, 0.35, 0.4], [0.2, 0.2, 0.9, 0.5, 0.1, 0.2]])  # ties
    expected = [max(accuracy(yy, ss, t) for t in np.unique(ss))
                for yy, ss in zip(y, s, strict=True)]
    assert report.batched_best_accuracy(y, s) == pytest.approx(expected)
    perfect = report.batched_best_accuracy(Y[None], GOOD[None] + 2 * Y[None])
    assert perfect[0] == 1.0


# --- what privacy costs ---

def test_privacy_cost_claim_is_the_paired_auroc_difference():
    scores = {"non-private": GOOD, "DP-SGD, ε = 1": NOISE}
    c = report.privacy_cost_claim(Y, scores, "DP-SGD, ε = 1", 200, 0)
    assert c.subject == "tanh CNN, DP-SGD, ε = 1: test AUROC"
    assert c.reference == "tanh CNN, non-private: test AUROC"
    assert c.interval == "bootstrap_95" and c.outcome == BEHIND
    assert c.numbers["estimate"] == pytest.approx(roc_auc_score(Y, NOISE) - roc_auc_score(Y, GOOD))
    cost, low, high = report.privacy_cost_numbers(c)
    assert cost == pytest.approx(-c.numbers["estimate"]) and 0 < low <= cost <= high
    assert rederive(c.record()) == c.outcome


@pytest.mark.parametrize(("low", "high", "expected"), [
    (-0.03, -0.01, "is behind the non-private one, a cost larger than the sampling"),
    (-0.02, 0.01, "cannot be told apart from the non-private one, a cost within the"),
    (0.01, 0.02, "is ahead of the non-private one; privacy cost nothing measurable"),
])
def test_privacy_cost_text_follows_the_claim(low, high, expected):
    text = report.privacy_cost_text(claim(low, high), {"DP-SGD, ε = 1": 0.9, "DP-SGD, ε = 8": 0.95})
    assert text.startswith("the private model ") and expected in text
    assert "usable" not in text


@pytest.mark.parametrize(("low", "high"), [(-0.4, -0.3), (-0.02, 0.01)])
def test_an_unusable_private_run_is_said_so_whatever_the_difference(low, high):
    aurocs = {"DP-SGD, ε = 1": 0.6, "DP-SGD, ε = 8": 0.95}  # at the bar counts as unusable
    assert report.unusable_runs(aurocs) == ["DP-SGD, ε = 1"]
    text = report.privacy_cost_text(claim(low, high), aurocs)
    assert "not the whole story, since at least one private run did not learn a usable " \
        "model" in text
    assert "at most 0.6" in text and "sampling uncertainty" not in text
    assert report.unusable_runs({"DP-SGD, ε = 1": 0.61}) == []


# --- best accuracy claims ---

def test_best_accuracy_claims_put_the_non_private_run_first():
    scores = {"non-private": GOOD, "DP-SGD, ε = 1": NOISE, "DP-SGD, ε = 8": GOOD}
    claims = report.best_accuracy_claims(Y, scores, 100, 0)
    assert [c.reference for c in claims] == [
        "tanh CNN, DP-SGD, ε = 1: best accuracy over test thresholds",
        "tanh CNN, DP-SGD, ε = 8: best accuracy over test thresholds"]
    assert [c.outcome for c in claims] == [AHEAD, TIED]
    assert claims[1].numbers["estimate"] == 0.0
    assert all(rederive(c.record()) == c.outcome for c in claims)
    text = report.best_accuracy_text(claims)
    assert text.startswith("the non-private model is ahead of the private model at ε = 1 and "
                           "cannot be told apart from the one at ε = 8 (a paired bootstrap")


def test_best_accuracy_text_when_every_private_run_agrees():
    claims = report.best_accuracy_claims(Y, {"non-private": GOOD, "DP-SGD, ε = 1": NOISE,
                                             "DP-SGD, ε = 2": NOISE}, 100, 0)
    assert report.best_accuracy_text(claims).startswith(
        "the non-private model is ahead of every private model (")
    with pytest.raises(ValueError, match="no private run"):
        report.best_accuracy_text([])


# --- the attacks ---

def attack_table():
    """Two models, budgets 1 and 4: PGD equals FGSM for 'standard' at 1, and is noise
    (more harm) elsewhere; rows 0..79 and 120..159 of a longer test split were attacked."""
    rows = np.r_[np.arange(80), np.arange(120, 160)]
    y_all = np.r_[Y[:80], np.zeros(40, int), Y[120:]]
    records, columns = [], {}
    for model in ("standard", "robust"):
        for attack, eps, scores in (("FGSM", 1, GOOD), ("PGD-3", 1, GOOD if model == "standard"
                                                        else NOISE),
                                    ("FGSM", 4, GOOD), ("PGD-3", 4, 1 - GOOD)):
            column = f"score_{model} | {attack}, ε = {eps}/255"
            kept = np.full(y_all.size, np.nan)
            kept[rows] = scores[:rows.size]
            columns[column] = kept
            records.append({"model": model, "attack": attack, "eps (/255)": eps,
                            "predictions_column": column})
        records.append({"model": model, "attack": "none", "eps (/255)": 0,
                        "predictions_column": f"score_{model} | no attack"})
    return pd.DataFrame(records), columns, y_all[rows], rows


def test_pgd_against_fgsm_pairs_the_same_attacked_images():
    attacks, columns, y, rows = attack_table()
    claims = report.pgd_against_fgsm(attacks, columns, y, rows, 100, 0)
    assert [(c.subject, c.reference) for c in claims][:2] == [
        ("standard model, PGD-3 at ε = 1/255", "standard model, FGSM at ε = 1/255"),
        ("standard model, PGD-3 at ε = 4/255", "standard model, FGSM at ε = 4/255")]
    assert [c.outcome for c in claims] == [TIED, BEHIND, BEHIND, BEHIND]
    text = report.pgd_against_fgsm_text(claims)
    assert text == ("does more harm than it in 3 of 4 model-budget pairs (the model's AUROC "
                    "under PGD is behind that under FGSM) and cannot be told apart from it in 1, "
                    "a paired bootstrap over the attacked images: an evaluation that tries only "
                    "the weaker attack overstates robustness")


def test_pgd_against_fgsm_text_without_more_harm():
    tied, ahead = claim(-0.01, 0.01), claim(0.01, 0.02)
    assert report.pgd_against_fgsm_text([tied, tied]) == (
        "cannot be told apart from it in 2 of 2 model-budget pairs, a paired bootstrap over "
        "the attacked images: on these images PGD finds no harm that FGSM misses")
    assert report.pgd_against_fgsm_text([tied, ahead]).startswith(
        "cannot be told apart from it in 1 of 2 model-budget pairs and does less harm than it "
        "in 1 (the model's AUROC under PGD is ahead of that under FGSM)")
    with pytest.raises(ValueError, match="no model-budget pair"):
        report.pgd_against_fgsm_text([])


def test_attack_table_must_name_one_row_and_one_pgd():
    attacks, columns, y, rows = attack_table()
    with pytest.raises(ValueError, match="expected one PGD attack"):
        report.pgd_against_fgsm(attacks[attacks["attack"] != "PGD-3"], columns, y, rows, 10, 0)
    doubled = pd.concat([attacks, attacks.iloc[:1]])
    with pytest.raises(ValueError, match="2 rows of the attack table"):
        report.pgd_against_fgsm(doubled, columns, y, rows, 10, 0)


def test_against_chance_and_the_budget_it_turns_round_from():
    attacks, columns, y, rows = attack_table()
    claims = report.against_chance(attacks, columns, y, rows, "standard", 100, 0)
    assert list(claims) == [1, 4]
    assert claims[1].outcome == AHEAD and claims[4].outcome == BEHIND
    assert claims[4].reference == "chance (AUROC 0.5)"
    assert claims[4].numbers["reference_value"] == 0.5
    assert rederive(claims[4].record()) == BEHIND
    assert report.below_chance_from(claims) == 4
    assert report.below_chance_text(claims).startswith(
        "from 4 grey levels on its AUROC is behind chance, the whole 95% CI below 0.5")


def value(low, high):
    return compare_value("m", "chance", 0.5, (low + high) / 2, low, high, "bootstrap_95")


def test_below_chance_needs_every_larger_budget_behind():
    behind, tied = value(0.1, 0.3), value(0.4, 0.6)
    assert report.below_chance_from({1: behind, 2: tied, 4: behind, 8: behind}) == 4
    assert report.below_chance_text({1: behind}).startswith("from 1 grey level on")
    assert report.below_chance_from({1: behind, 8: tied}) is None
    assert report.below_chance_text({1: behind, 8: tied}) == (
        "at no budget up to 8 grey levels is its AUROC behind chance from there on (the whole "
        "95% CI below 0.5, a bootstrap over the attacked images)")
    with pytest.raises(ValueError, match="no attack budget"):
        report.below_chance_text({})


# --- the page's facts ---

def scored_attacks():
    """Both models, clean and at budgets 1 and 4 under FGSM and PGD-3, with AUROC and
    accuracy: AUROC 0.9 clean, minus 0.1 per grey level under PGD, 0.05 under FGSM."""
    rows = []
    for model, drop in (("standard", 0.1), ("adversarially trained", 0.01)):
        rows.append({"model": model, "attack": "none", "eps (/255)": 0, "AUROC": 0.9,
                     "accuracy": 0.8})
        for eps in (1, 4):
            for attack, share in (("FGSM", 0.5), ("PGD-3", 1.0)):
                rows.append({"model": model, "attack": attack, "eps (/255)": eps,
                             "AUROC": 0.9 - share * drop * eps, "accuracy": 0.8 - drop * eps})
    return pd.DataFrame(rows)


def test_attack_facts_read_both_models_clean_and_under_both_attacks():
    facts = report.attack_facts(scored_attacks(), [1, 4])
    assert (facts["std_clean"], facts["std_pgd_1"], facts["std_pgd_4"], facts["std_fgsm_4"]) == (
        "0.900", "0.800", "0.500", "0.700")
    assert (facts["adv_pgd_max"], facts["adv_pgd_acc_max"], facts["std_clean_acc"]) == (
        "0.860", "0.760", "0.800")
    assert report.pgd_aurocs(scored_attacks())[("standard", 4)] == pytest.approx(0.5)


def privacy_runs():
    privacy = pd.DataFrame({"test AUROC": [0.9, 0.7], "AUROC 95% CI low": [0.85, 0.6],
                            "AUROC 95% CI high": [0.95, 0.8],
                            "membership attack AUROC": [0.55, 0.5]},
                           index=pd.Index(["non-private", "DP-SGD, ε = 1"], name="training"))
    columns = {"score_tanh CNN | non-private": GOOD, "score_tanh CNN | DP-SGD, ε = 1": NOISE}
    return privacy, columns


def test_operating_points_and_privacy_facts_of_every_run():
    privacy, columns = privacy_runs()
    operating = report.operating_points(privacy, columns, Y)
    assert list(operating.index) == ["non-private", "DP-SGD, ε = 1"]
    assert operating.loc["non-private", "share called pneumonia at 0.5"] == np.mean(GOOD >= 0.5)
    assert operating.loc["DP-SGD, ε = 1", "best accuracy over test thresholds"] == max(
        accuracy(Y, NOISE, t) for t in np.unique(NOISE))
    facts = report.privacy_facts(privacy, operating, 0.512, Y, np.r_[Y, np.ones(40, int)])
    assert (facts["nonprivate_auroc"], facts["dp_1_ci"], facts["dp_1_attack"]) == (
        "0.900", "0.600 to 0.800", "0.500")
    assert facts["nonprivate_called"] == f"{np.mean(GOOD >= 0.5):.0%}"
    half = privacy.rename(index={"DP-SGD, ε = 1": "DP-SGD, ε = 0.5"})
    half_operating = operating.rename(index={"DP-SGD, ε = 1": "DP-SGD, ε = 0.5"})
    assert "dp_0_5_auroc" in report.privacy_facts(half, half_operating, 0.5, Y, Y)
    assert (facts["improved_attack"], facts["test_prevalence"], facts["train_prevalence"]) == (
        "0.512", "50%", "60%")


def test_page_claims_give_every_verdict_and_its_record():
    privacy, columns = privacy_runs()
    attacks, attack_columns, _, rows = attack_table()
    y_all = np.zeros(160, int)
    y_all[rows] = np.r_[Y[:80], Y[120:]]
    claims = report.page_claims(privacy, {**columns, **attack_columns}, y_all, attacks, rows,
                                1.0, 50, 0)
    assert claims["privacy_cost"].subject == "tanh CNN, DP-SGD, ε = 1: test AUROC"
    facts = report.claim_facts(claims, privacy, 1.0)
    assert facts["dp_strictest"] == "1" and facts["dp_cost_ci"].startswith("95% CI ")
    assert facts["pgd_vs_fgsm"] == report.pgd_against_fgsm_text(claims["pgd"])
    records = report.claim_records(claims)
    assert records[0] == claims["privacy_cost"].record()
    assert len(records) == 1 + len(claims["best_accuracy"]) + len(claims["pgd"]) + 2


def test_example_facts_count_flips_and_pushes():
    y = np.array([1, 0, 1, 0])
    p_clean, p_adv = np.array([0.9, 0.2, 0.3, 0.6]), np.array([0.4, 0.3, 0.2, 0.7])
    delta = np.array([[4 / 255, -4 / 255], [1 / 255, 0.0]])
    facts = report.example_facts(p_clean, p_adv, y, delta, 4, 8)
    assert facts["adv_example_moves"] == "0.90 to 0.40, 0.20 to 0.30, 0.30 to 0.20, 0.60 to 0.70"
    assert (facts["adv_right"], facts["adv_flipped"], facts["adv_wrong_before"],
            facts["adv_pushed"], facts["adv_full_budget"]) == ("2", "1", "2", "2", "50%")
    assert (facts["eps_show"], facts["eps_max"]) == ("4", "8")


SEVERITY_TABLE = {"Gaussian noise (sd, of 255)": (10.0, 20.0, 40.0),
                  "Gaussian blur (sd, pixels)": (0.5, 1.0, 1.5),
                  "contrast (factor)": (0.6, 0.4, 0.2), "JPEG (quality)": (40, 20, 10)}


def test_corruption_facts_find_the_worst_and_the_mildest():
    rows = [{"corruption": kind, "severity": 3, "model": model, "AUROC": auroc + shift}
            for kind, auroc in zip(SEVERITY_TABLE, (0.7, 0.9, 0.4, 0.88), strict=True)
            for model, shift in (("standard", 0.0), ("adversarially trained", 0.05))]
    rows.append({"corruption": "contrast (factor)", "severity": 1, "model": "standard",
                 "AUROC": 0.1})
    facts = report.corruption_facts(pd.DataFrame(rows), SEVERITY_TABLE)
    assert (facts["worst_corruption"], facts["worst_corruption_auroc"],
            facts["worst_corruption_adv"]) == ("contrast", "0.400", "0.450")
    assert (facts["mild_corruption"], facts["mild_corruption_auroc"]) == ("Gaussian blur", "0.900")
    assert facts["corr_jpeg_adv"] == "0.930" and facts["severity_levels"].startswith(
        "Gaussian noise 10, 20, 40 (sd, of 255); Gaussian blur 0.5, 1, 1.5 (sd, pixels)")


def test_input_check_setting_and_weight_facts():
    flagged = pd.DataFrame({"flagged": [0.012, 1.0, 0.5, 0.25, 0.75, 0.1]},
                           index=["test split, clean", "uniform noise images",
                                  "Gaussian noise, severity 3", "Gaussian blur, severity 3",
                                  "contrast, severity 3", "JPEG, severity 3"])
    facts = report.input_check_facts(flagged, 0.01, list(SEVERITY_TABLE))
    assert facts == {"false_alarm_rate": "1%", "false_alarm_test": "1.2%", "catch_noise": "100%",
                     "catch_severe": "Gaussian noise 50%, Gaussian blur 25%, contrast 75%, "
                                     "JPEG 10%"}
    assert report.setting_facts(3, 1, 4.0, 1234, 64) == {
        "pgd_steps": "3", "adversarial_epochs": "1", "adversarial_train_eps": "4",
        "n_test": "1,234", "n_attacked": "64"}
    torch = pytest.importorskip("torch")
    improved = torch.nn.Linear(3, 2)
    state = torch.random.get_rng_state()
    weights = report.weight_facts(improved, 1500)
    assert torch.equal(torch.random.get_rng_state(), state)  # the seed CNN drew nothing
    assert weights["improved_weights"] == "8" and weights["tanh_weights"] == "1,500"
    assert int(weights["seed_weights"].replace(",", "")) > 0


def test_the_tanh_seed_spread_comes_from_labelling_or_stops_the_run():
    runs = [{"share": 1, "auroc": a} for a in (0.8, 0.9, 0.85)] + [{"share": 0.1, "auroc": 0.5}]
    for labelling in ({"extras": {"label_efficiency_runs": runs}},
                      {"label_efficiency_runs": runs}):
        spread = report.tanh_seed_spread(labelling)
        assert spread["seeds"] == 3 and spread["test_auroc_min"] == 0.8
        assert spread["test_auroc_sd"] == pytest.approx(0.05)
    assert report.seed_spread_facts(spread, 2024) == {
        "dp_seed": "2024", "tanh_n_seeds": "3", "tanh_seed_min": "0.800",
        "tanh_seed_max": "0.900", "tanh_seed_sd": "0.050"}
    with pytest.raises(RuntimeError, match="no per-seed full-data runs"):
        report.tanh_seed_spread({"extras": {"label_efficiency_runs": runs[3:]}})
