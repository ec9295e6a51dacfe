"""The verdicts of the robustness chapter, computed from its test scores.

Every comparative sentence of the chapter is a :class:`medlib.claims.verdicts.Claim` made
here from the test probabilities the chapter keeps (:class:`medlib.trust.scoring.
PredictionColumns`), and its words are chosen from the claim's outcome:

- what privacy costs: the test AUROC of the strictest private run against the non-private
  run of the same network, a paired stratified bootstrap of the difference over the test
  images; a private run that did not learn a usable model (test AUROC at most
  :data:`USABLE_AUROC`) is said so on its own, whatever the difference;
- which model is most accurate at its own best threshold on the test set, the non-private
  run against each private one, the threshold chosen again in every paired resample;
- whether PGD does more harm than FGSM, per model and budget, paired on the attacked images;
- from which budget on PGD turns the standard model's ranking round: its AUROC against
  chance (0.5), with its bootstrap interval.

All intervals are 95% percentile intervals of a stratified bootstrap over test images
(``bootstrap_95``). Chapter: ``robustness``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import torch

from medlib.claims.verdicts import AHEAD, BEHIND, TIED, Claim, compare_difference, compare_value
from medlib.metrics.binary import binary_metrics, bootstrap_ci
from medlib.metrics.multiclass import accuracy, auroc_only
from medlib.metrics.paired import paired_bootstrap_difference
from medlib.models.cnn_torch import SeedCNN
from medlib.models.twins import trainable_parameter_count

BOOTSTRAP = "bootstrap_95"
#: AUROC of guessing.
CHANCE_AUROC = 0.5
#: A private run whose test AUROC is at most this did not learn a usable model.
USABLE_AUROC = 0.6
NON_PRIVATE = "non-private"


def _join(items: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def batched_best_accuracy(y_2d: np.ndarray, scores_2d: np.ndarray) -> np.ndarray:
    """Per row, the best accuracy over thresholds at the row's own scores (score >=
    threshold is positive): ``max(accuracy(y, p, t) for t in np.unique(p))``, for all
    rows at once. Optimistic, since the threshold is chosen on the cases it is scored on."""
    scores_2d = np.asarray(scores_2d, dtype=float)
    order = np.argsort(-scores_2d, axis=1, kind="stable")
    ranked = np.take_along_axis(scores_2d, order, axis=1)
    positive = np.take_along_axis(np.asarray(y_2d) == 1, order, axis=1)
    called = np.cumsum(positive, axis=1), np.cumsum(~positive, axis=1)  # TP, FP at each cut
    negatives = (~positive).sum(axis=1, keepdims=True)
    correct = called[0] + negatives - called[1]
    # a threshold calls a whole tie group at once: only the last of each group is a cut
    is_cut = np.ones(ranked.shape, dtype=bool)
    is_cut[:, :-1] = ranked[:, 1:] != ranked[:, :-1]
    return np.where(is_cut, correct, -1).max(axis=1) / ranked.shape[1]


# --- What privacy costs ----------------------------------------------------------------------

def privacy_cost_claim(y_true: np.ndarray, scores: Mapping[str, np.ndarray], private: str,
                       n_resamples: int, seed: int) -> Claim:
    """The private run ``private`` against the non-private one: the paired difference of
    their test AUROCs (private − non-private) with its bootstrap interval. ``scores`` maps
    each run (``"non-private"``, ``"DP-SGD, ε = 1"``, …) to its test probabilities."""
    estimate, low, high = paired_bootstrap_difference(
        y_true, scores[private], scores[NON_PRIVATE], n_resamples, seed)
    return compare_difference(f"tanh CNN, {private}: test AUROC",
                              f"tanh CNN, {NON_PRIVATE}: test AUROC", estimate, low, high,
                              BOOTSTRAP)


def privacy_cost_numbers(claim: Claim) -> tuple[float, float, float]:
    """The cost (non-private − private test AUROC) and its interval, from the claim."""
    n = claim.numbers
    return -n["estimate"], -n["high"], -n["low"]


def unusable_runs(private_aurocs: Mapping[str, float]) -> list[str]:
    """The private runs that did not learn a usable model (test AUROC <= :data:`USABLE_AUROC`)."""
    return [name for name, value in private_aurocs.items() if value <= USABLE_AUROC]


def privacy_cost_text(claim: Claim, private_aurocs: Mapping[str, float]) -> str:
    """What the cost of the strictest budget means. ``private_aurocs``: the test AUROC of
    every private run; one at or below :data:`USABLE_AUROC` makes the cost beside the point,
    and the text says so before anything else."""
    lead = f"the private model {claim.verb} the non-private one"
    if unusable_runs(private_aurocs):
        return (f"{lead}, but that is not the whole story, since at least one private run did "
                f"not learn a usable model (test AUROC at most {USABLE_AUROC:g}, near the "
                f"{CHANCE_AUROC:g} of guessing); at this data size privacy needs its own "
                "training budget, not a switch turned on at the end")
    if claim.outcome == BEHIND:
        return (f"{lead}, a cost larger than the sampling uncertainty of the test set (its "
                "interval lies wholly above zero)")
    if claim.outcome == AHEAD:
        return (f"{lead}; privacy cost nothing measurable here (the interval of the cost lies "
                "wholly below zero)")
    return (f"{lead}, a cost within the sampling uncertainty of the test set (its interval "
            "includes zero)")


# --- Accuracy at each model's best threshold ---------------------------------------------------

def best_accuracy_claims(y_true: np.ndarray, scores: Mapping[str, np.ndarray],
                         n_resamples: int, seed: int) -> list[Claim]:
    """The non-private run against each private run of ``scores`` on the best accuracy over
    test thresholds (:func:`batched_best_accuracy`), paired: every resample scores both runs
    on the same images, each at its own best threshold there."""
    claims = []
    for name in scores:
        if name == NON_PRIVATE:
            continue
        estimate, low, high = paired_bootstrap_difference(
            y_true, scores[NON_PRIVATE], scores[name], n_resamples, seed,
            batched_metric=batched_best_accuracy)
        claims.append(compare_difference(
            f"tanh CNN, {NON_PRIVATE}: best accuracy over test thresholds",
            f"tanh CNN, {name}: best accuracy over test thresholds", estimate, low, high,
            BOOTSTRAP))
    return claims


def _private_label(claim: Claim) -> str:
    """"ε = 8" from the reference "tanh CNN, DP-SGD, ε = 8: best accuracy …"."""
    return claim.reference.split(":")[0].split(", ")[-1]


def best_accuracy_text(claims: Sequence[Claim]) -> str:
    """The non-private run against every private one at their best thresholds."""
    if not claims:
        raise ValueError("no private run to compare the non-private one with")
    method = ("a paired bootstrap over the test images, each model's threshold chosen again "
              "in every resample")
    if len({c.outcome for c in claims}) == 1:
        return f"the non-private model {claims[0].verb} every private model ({method})"
    parts = [f"{c.verb} the {'private model' if i == 0 else 'one'} at {_private_label(c)}"
             for i, c in enumerate(claims)]
    return f"the non-private model {_join(parts)} ({method})"


# --- The attacks -------------------------------------------------------------------------------

def _attack_scores(attacks: pd.DataFrame, columns: Mapping[str, np.ndarray], rows: np.ndarray,
                   model: str, attack: str, eps: int) -> np.ndarray:
    match = attacks[(attacks["model"] == model) & (attacks["attack"] == attack)
                    & (attacks["eps (/255)"] == eps)]
    if len(match) != 1:
        raise ValueError(f"{len(match)} rows of the attack table for {model}, {attack}, "
                         f"eps {eps}/255; expected one")
    return np.asarray(columns[match["predictions_column"].iloc[0]])[rows]


def _pgd_name(attacks: pd.DataFrame) -> str:
    names = [a for a in attacks["attack"].unique() if str(a).startswith("PGD")]
    if len(names) != 1:
        raise ValueError(f"expected one PGD attack in the attack table, found {names}")
    return names[0]


def _budgets(attacks: pd.DataFrame) -> list[int]:
    return sorted(int(e) for e in attacks["eps (/255)"].unique() if e > 0)


def pgd_against_fgsm(attacks: pd.DataFrame, columns: Mapping[str, np.ndarray],
                     y_true: np.ndarray, rows: np.ndarray, n_resamples: int,
                     seed: int) -> list[Claim]:
    """Per model and budget of the attack table (:func:`medlib.trust.robustness.attack_sweep`),
    the AUROC under PGD against that under FGSM, paired on the attacked images ``rows``
    (``y_true``: their labels; ``columns``: the kept probabilities). Higher AUROC is better
    for the model, so PGD *behind* FGSM means that PGD did more harm."""
    pgd = _pgd_name(attacks)
    claims = []
    for model in attacks["model"].unique():
        for eps in _budgets(attacks):
            estimate, low, high = paired_bootstrap_difference(
                y_true, _attack_scores(attacks, columns, rows, model, pgd, eps),
                _attack_scores(attacks, columns, rows, model, "FGSM", eps), n_resamples, seed)
            claims.append(compare_difference(f"{model} model, {pgd} at ε = {eps}/255",
                                             f"{model} model, FGSM at ε = {eps}/255",
                                             estimate, low, high, BOOTSTRAP))
    return claims


def pgd_against_fgsm_text(claims: Sequence[Claim]) -> str:
    """Whether PGD did more harm than FGSM, counted over the model-budget pairs."""
    n = len(claims)
    if not n:
        raise ValueError("no model-budget pair to compare")
    count = {o: sum(c.outcome == o for c in claims) for o in (BEHIND, TIED, AHEAD)}
    parts = []
    if count[BEHIND]:
        parts.append(f"does more harm than it in {count[BEHIND]} of {n} model-budget pairs "
                     "(the model's AUROC under PGD is behind that under FGSM)")
    if count[TIED]:
        parts.append(f"cannot be told apart from it in {count[TIED]}"
                     + ("" if count[BEHIND] else f" of {n} model-budget pairs"))
    if count[AHEAD]:
        parts.append(f"does less harm than it in {count[AHEAD]} (the model's AUROC under "
                     "PGD is ahead of that under FGSM)")
    text = f"{_join(parts)}, a paired bootstrap over the attacked images"
    if count[BEHIND]:
        return f"{text}: an evaluation that tries only the weaker attack overstates robustness"
    return f"{text}: on these images PGD finds no harm that FGSM misses"


def against_chance(attacks: pd.DataFrame, columns: Mapping[str, np.ndarray],
                   y_true: np.ndarray, rows: np.ndarray, model: str, n_resamples: int,
                   seed: int) -> dict[int, Claim]:
    """Per budget, ``model``'s AUROC under PGD against chance (0.5), with the bootstrap
    interval of that AUROC over the attacked images ``rows``."""
    pgd = _pgd_name(attacks)
    claims = {}
    for eps in _budgets(attacks):
        ci = bootstrap_ci(y_true, _attack_scores(attacks, columns, rows, model, pgd, eps),
                          auroc_only, n_resamples, seed).loc["AUROC"]
        claims[eps] = compare_value(f"{model} model, {pgd} at ε = {eps}/255",
                                    f"chance (AUROC {CHANCE_AUROC:g})", CHANCE_AUROC,
                                    ci["value"], ci["ci_low"], ci["ci_high"], BOOTSTRAP)
    return claims


def below_chance_from(claims: Mapping[int, Claim]) -> int | None:
    """The smallest budget from which on every larger budget's AUROC is behind chance (its
    whole interval below 0.5), or None."""
    found = None
    for eps in sorted(claims, reverse=True):
        if claims[eps].outcome != BEHIND:
            break
        found = eps
    return found


def below_chance_text(claims: Mapping[int, Claim]) -> str:
    """From which budget on the attack turns the model's ranking round, in words."""
    if not claims:
        raise ValueError("no attack budget to compare with chance")
    start = below_chance_from(claims)
    if start is None:
        return (f"at no budget up to {max(claims)} grey levels is its AUROC behind chance from "
                f"there on (the whole 95% CI below {CHANCE_AUROC:g}, a bootstrap over the "
                "attacked images)")
    return (f"from {start} grey level{'' if start == 1 else 's'} on its AUROC is behind chance, "
            f"the whole 95% CI below {CHANCE_AUROC:g} (a bootstrap over the attacked images)")


# --- The page's facts: what the notebook glues, one dictionary per section ----------------------

#: Glue-key prefix of each attacked model.
MODEL_KEYS = (("standard", "std"), ("adversarially trained", "adv"))
CORRUPTION_SLUGS = ("noise", "blur", "contrast", "jpeg")  # in the order of SEVERITIES
PRIVATE_COLUMN = "score_tanh CNN | {}"


def _attack_series(attacks: pd.DataFrame, dropped: str, metric: str) -> pd.Series:
    return attacks[attacks["attack"] != dropped].set_index(["model", "eps (/255)"])[metric]


def pgd_aurocs(attacks: pd.DataFrame) -> pd.Series:
    """Each model's test AUROC under PGD (budget 0: clean), indexed by model and budget."""
    return _attack_series(attacks, "FGSM", "AUROC")


def attack_facts(attacks: pd.DataFrame, budgets: Sequence[int]) -> dict[str, str]:
    """Both models' AUROC and accuracy, clean and under every PGD and FGSM budget, from
    :func:`medlib.trust.robustness.attack_sweep`'s table; ``budgets`` ascending."""
    pgd, fgsm = pgd_aurocs(attacks), _attack_series(attacks, _pgd_name(attacks), "AUROC")
    pgd_accuracy = _attack_series(attacks, "FGSM", "accuracy")
    facts = {}
    for model_name, key in MODEL_KEYS:
        for eps in [0, *budgets]:
            facts[f"{key}_pgd_{eps}" if eps else f"{key}_clean"] = f"{pgd[(model_name, eps)]:.3f}"
        facts[f"{key}_clean_acc"] = f"{pgd_accuracy[(model_name, 0)]:.3f}"
        for eps in budgets:
            facts[f"{key}_fgsm_{eps}"] = f"{fgsm[(model_name, eps)]:.3f}"
        facts[f"{key}_pgd_max"] = f"{pgd[(model_name, budgets[-1])]:.3f}"
        facts[f"{key}_pgd_acc_max"] = f"{pgd_accuracy[(model_name, budgets[-1])]:.3f}"
    return facts


def _privacy_key(training: str) -> str:
    """"nonprivate" or "dp_<ε>" for a row of the privacy table ("DP-SGD, ε = 8"; ε = 0.5
    gives "dp_0_5", a glue key)."""
    if training == NON_PRIVATE:
        return "nonprivate"
    return "dp_" + training.split("= ")[1].replace(".", "_")


def operating_points(privacy: pd.DataFrame, columns: Mapping[str, np.ndarray],
                     y_true: np.ndarray) -> pd.DataFrame:
    """Each privacy run at the threshold 0.5 (accuracy, sensitivity, specificity, share
    called positive) and at the test threshold that maximises its accuracy (optimistic:
    only to compare the runs at their own best operating point)."""
    rows = []
    for training in privacy.index:
        p_run = columns[PRIVATE_COLUMN.format(training)]
        at_half = binary_metrics(y_true, p_run, 0.5)
        best_accuracy = max(accuracy(y_true, p_run, threshold) for threshold in np.unique(p_run))
        rows.append({"training": training, "accuracy at 0.5": at_half["accuracy"],
                     "sensitivity at 0.5": at_half["sensitivity"],
                     "specificity at 0.5": at_half["specificity"],
                     "share called pneumonia at 0.5": float(np.mean(p_run >= 0.5)),
                     "best accuracy over test thresholds": best_accuracy,
                     "predictions_column": PRIVATE_COLUMN.format(training)})
    return pd.DataFrame(rows).set_index("training")


def privacy_facts(privacy: pd.DataFrame, operating: pd.DataFrame, improved_attack: float,
                  y_test: np.ndarray, y_train: np.ndarray) -> dict[str, str]:
    """Every privacy run's test AUROC with its interval, its membership-attack AUROC and its
    operating points (:func:`operating_points`); the attack on the improved CNN; and the
    share of positives in the test and training splits."""
    facts = {}
    for training, row in privacy.iterrows():
        key, point = _privacy_key(training), operating.loc[training]
        facts.update({
            f"{key}_auroc": f"{row['test AUROC']:.3f}",
            f"{key}_attack": f"{row['membership attack AUROC']:.3f}",
            f"{key}_ci": f"{row['AUROC 95% CI low']:.3f} to {row['AUROC 95% CI high']:.3f}",
            f"{key}_acc": f"{point['accuracy at 0.5']:.3f}",
            f"{key}_sens": f"{point['sensitivity at 0.5']:.3f}",
            f"{key}_spec": f"{point['specificity at 0.5']:.3f}",
            f"{key}_called": f"{point['share called pneumonia at 0.5']:.0%}",
            f"{key}_best_acc": f"{point['best accuracy over test thresholds']:.3f}"})
    return {**facts, "improved_attack": f"{improved_attack:.3f}",
            "test_prevalence": f"{np.mean(y_test):.0%}",
            "train_prevalence": f"{np.mean(y_train):.0%}"}


def page_claims(privacy: pd.DataFrame, columns: Mapping[str, np.ndarray], y_test: np.ndarray,
                attacks: pd.DataFrame, attacked: np.ndarray, strictest_eps: float,
                n_resamples: int, seed: int) -> dict[str, object]:
    """Every verdict of the page as claims on the kept test scores, in the order the chapter
    makes them: best accuracy per privacy run, the cost of the private run at the strictest
    budget ``strictest_eps``, the standard model's AUROC under PGD against chance, PGD
    against FGSM."""
    scores = {training: columns[PRIVATE_COLUMN.format(training)] for training in privacy.index}
    best = best_accuracy_claims(y_test, scores, n_resamples, seed)
    cost = privacy_cost_claim(y_test, scores, f"DP-SGD, ε = {strictest_eps:g}", n_resamples,
                              seed)
    chance = against_chance(attacks, columns, y_test[attacked], attacked, "standard",
                            n_resamples, seed)
    pgd = pgd_against_fgsm(attacks, columns, y_test[attacked], attacked, n_resamples, seed)
    return {"best_accuracy": best, "privacy_cost": cost, "chance": chance, "pgd": pgd}


def claim_facts(claims: Mapping[str, object], privacy: pd.DataFrame,
                strictest_eps: float) -> dict[str, str]:
    """The page's verdicts and the numbers of the privacy cost, from :func:`page_claims`."""
    cost, low, high = privacy_cost_numbers(claims["privacy_cost"])
    return {"best_acc_order": best_accuracy_text(claims["best_accuracy"]),
            "dp_strictest": f"{strictest_eps:g}", "dp_cost": f"{cost:.3f}",
            "dp_cost_ci": f"95% CI {low:.3f} to {high:.3f}",
            "dp_cost_verdict": privacy_cost_text(
                claims["privacy_cost"], privacy.drop(index=NON_PRIVATE)["test AUROC"]),
            "std_below_chance": below_chance_text(claims["chance"]),
            "pgd_vs_fgsm": pgd_against_fgsm_text(claims["pgd"])}


def claim_records(claims: Mapping[str, object]) -> list[dict]:
    """The claims of :func:`page_claims` as the results file keeps them."""
    return [c.record() for c in (claims["privacy_cost"], *claims["best_accuracy"],
                                 *claims["pgd"], *claims["chance"].values())]


def example_facts(p_clean: np.ndarray, p_adv: np.ndarray, y_true: np.ndarray,
                  delta: np.ndarray, eps_show: int, eps_max: int) -> dict[str, str]:
    """What the attacked examples show: each probability's move, how many right calls
    flipped, how many wrong ones moved further from the truth, and the share of pixels
    perturbed by the full budget ``eps_show``/255."""
    right_before = (p_clean >= 0.5) == y_true
    wrong_after = (p_adv >= 0.5) != y_true
    away_from_truth = (p_adv - p_clean) * (2 * y_true - 1) < 0
    return {"eps_show": f"{eps_show}", "eps_max": f"{eps_max}",
            "adv_example_moves": ", ".join(f"{a:.2f} to {b:.2f}"
                                           for a, b in zip(p_clean, p_adv, strict=True)),
            "adv_right": f"{int(right_before.sum())}",
            "adv_flipped": f"{int((right_before & wrong_after).sum())}",
            "adv_wrong_before": f"{int((~right_before).sum())}",
            "adv_pushed": f"{int((~right_before & away_from_truth).sum())}",
            "adv_full_budget": f"{np.mean(np.abs(delta) >= 0.99 * eps_show / 255):.0%}"}


def _short(kind: str) -> str:
    """"Gaussian noise (sd)" -> "Gaussian noise"."""
    return kind.split(" (")[0]


def corruption_facts(corruptions: pd.DataFrame,
                     severities: Mapping[str, Sequence[float]]) -> dict[str, str]:
    """Both models' AUROC at severity 3 of every corruption, the worst and mildest for the
    standard model, and the severity levels as the methods paragraph quotes them."""
    severe = corruptions[corruptions["severity"] == 3].pivot(
        index="corruption", columns="model", values="AUROC").loc[list(severities)]
    worst, mild = severe["standard"].idxmin(), severe["standard"].idxmax()
    facts = {f"corr_{slug}_{key}": f"{severe.loc[kind, model_name]:.3f}"
             for kind, slug in zip(severities, CORRUPTION_SLUGS, strict=True)
             for model_name, key in MODEL_KEYS}
    levels = "; ".join(
        f"{_short(kind)} {', '.join(f'{level:g}' for level in values)} ({kind.split(' (')[1][:-1]})"
        for kind, values in severities.items())
    return {**facts, "severity_levels": levels,
            "worst_corruption": _short(worst).lower(),
            "worst_corruption_auroc": f"{severe.loc[worst, 'standard']:.3f}",
            "worst_corruption_adv": f"{severe.loc[worst, 'adversarially trained']:.3f}",
            "mild_corruption": _short(mild),
            "mild_corruption_auroc": f"{severe.loc[mild, 'standard']:.3f}"}


def input_check_facts(flagged: pd.DataFrame, false_alarm_rate: float,
                      severities: Sequence[str]) -> dict[str, str]:
    """The input check's alarm rate on clean test images, on pure noise and on every
    corruption at severity 3 (:func:`medlib.trust.input_check.flag_rates`' table)."""
    rate = flagged["flagged"]
    return {"false_alarm_rate": f"{false_alarm_rate:.0%}",
            "false_alarm_test": f"{rate['test split, clean']:.1%}",
            "catch_noise": f"{rate['uniform noise images']:.0%}",
            "catch_severe": ", ".join(f"{_short(k)} {rate[_short(k) + ', severity 3']:.0%}"
                                      for k in severities)}


def setting_facts(pgd_steps: int, adversarial_epochs: int, adversarial_train_eps: float,
                  n_test: int, n_attacked: int) -> dict[str, str]:
    """The run's settings and sizes as the page quotes them."""
    return {"pgd_steps": f"{pgd_steps}", "adversarial_epochs": f"{adversarial_epochs}",
            "adversarial_train_eps": f"{adversarial_train_eps:g}", "n_test": f"{n_test:,}",
            "n_attacked": f"{n_attacked:,}"}


def weight_facts(improved: torch.nn.Module, tanh_weights: int) -> dict[str, str]:
    """The trainable weights of the seed CNN, the tanh CNN and the improved CNN. The seed
    CNN is built only to count them, in a forked random state, so that drawing its initial
    weights leaves the chapter's random numbers as they were."""
    with torch.random.fork_rng():
        seed_weights = trainable_parameter_count(SeedCNN())
    return {"seed_weights": f"{seed_weights:,}", "tanh_weights": f"{tanh_weights:,}",
            "improved_weights": f"{trainable_parameter_count(improved):,}"}


def tanh_seed_spread(labelling: Mapping) -> dict[str, object]:
    """The seed spread of the tanh CNN trained on all labels in chapter labelling, from its
    results (the runs are under ``extras`` in results files of schema 2, at the top before)."""
    runs = pd.DataFrame(labelling.get("extras", labelling).get("label_efficiency_runs", []))
    if runs.empty or not (runs["share"] == 1).any():
        raise RuntimeError("labelling.json holds no per-seed full-data runs of the tanh CNN; "
                           "run: python -m medlib.book run labelling --profile book")
    full_data = runs.loc[runs["share"] == 1, "auroc"]
    return {"seeds": len(full_data), "test_auroc_min": full_data.min(),
            "test_auroc_max": full_data.max(), "test_auroc_sd": full_data.std(ddof=1)}


def seed_spread_facts(spread: Mapping[str, object], seed: int) -> dict[str, str]:
    """The seed of the privacy runs and the tanh CNN's spread over seeds in labelling."""
    return {"dp_seed": f"{seed}", "tanh_n_seeds": f"{spread['seeds']}",
            **{f"tanh_seed_{key}": f"{spread['test_auroc_' + key]:.3f}"
               for key in ("min", "max", "sd")}}
