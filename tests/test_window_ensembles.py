"""The JMbayes2-setting attempts: names, means of curves, paired intervals and targets."""

import numpy as np
import pandas as pd
import pytest

from medlib.claims.verdicts import AHEAD, BEHIND, TIED
from medlib.metrics.repeated_splits import corrected_t_interval
from medlib.survival.window_ensembles import (
    VISIT_MODELS_MEAN,
    blend_name,
    declared_attempts,
    deep_targets_text,
    mean_curves,
    mean_ensembles,
    paired_over_folds,
    seed_ensemble_name,
    window_target_claims,
    window_target_sentence,
    window_target_table,
)


def test_mean_curves_is_the_pointwise_mean_and_names_what_is_missing():
    survival = {"a": np.array([[1.0, 0.8]]), "b": np.array([[0.9, 0.4]])}
    np.testing.assert_allclose(mean_curves(survival, ("a", "b")), [[0.95, 0.6]])
    with pytest.raises(ValueError, match=r"\['c'\].*name members"):
        mean_curves(survival, ("a", "c"))
    with pytest.raises(ValueError, match="at least two"):
        mean_curves(survival, ("a",))


def test_declared_attempts_list_seeds_visit_models_and_blend():
    attempts = declared_attempts("attn", ("GRU", "attn"), 5, "Cox")
    assert attempts == {seed_ensemble_name("attn", 5): ("attn",) * 5,
                        VISIT_MODELS_MEAN: ("GRU", "attn"),
                        blend_name("attn", "Cox"): ("attn", "Cox")}
    # the seed ensemble is fitted inside the cross-validation, not averaged after it
    assert mean_ensembles(attempts) == {VISIT_MODELS_MEAN: ("GRU", "attn"),
                                        blend_name("attn", "Cox"): ("attn", "Cox")}
    assert seed_ensemble_name("attn", 5) not in declared_attempts("attn", ("attn",), 1, "Cox")


def _per_fold(differences_auc, differences_brier, base_auc=0.8, base_brier=0.1):
    rows = []
    for i, (d_auc, d_brier) in enumerate(zip(differences_auc, differences_brier, strict=True)):
        repeat, fold = divmod(i, 5)
        for model, auc, brier, seconds in (("Cox", base_auc, base_brier, 1.0),
                                           ("deep", base_auc + d_auc, base_brier + d_brier, 3.0)):
            rows.append({"repeat": repeat, "fold": fold, "model": model, "AUC": auc,
                         "integrated Brier, Simpson": brier, "seconds": seconds})
    return pd.DataFrame(rows)


def test_paired_over_folds_uses_the_corrected_interval_with_one_fold_held_out():
    gains = [0.01, 0.03, -0.02, 0.04, 0.00, 0.02, 0.01, 0.05, -0.01, 0.03]
    per_fold = _per_fold(gains, [0.0] * 10)
    expected = corrected_t_interval(gains, 1 / 5)
    assert paired_over_folds(per_fold, "deep", "Cox", "AUC", 5) == pytest.approx(expected)
    with pytest.raises(ValueError, match="'GRU' was not scored"):
        paired_over_folds(per_fold, "GRU", "Cox", "AUC", 5)


def test_target_table_reads_brier_as_lower_is_better():
    """Higher AUC and lower Brier both reach the target; a clear gain in both is ahead."""
    per_fold = _per_fold([0.05 + 0.001 * i for i in range(10)],
                         [-0.02 - 0.001 * i for i in range(10)])
    table = window_target_table(per_fold, {"deep": ("deep",)}, "Cox", 5, ["deep"])
    assert table["reached"].tolist() == [True, True]
    assert table["ours"].iloc[0] == pytest.approx(0.8545)
    assert table["target"].tolist() == pytest.approx([0.8, 0.1])
    assert table["seconds per fold"].tolist() == [3.0, 3.0]
    claims = window_target_claims(table, "Cox")
    assert [c.outcome for c in claims] == [AHEAD, AHEAD]
    assert deep_targets_text(table).startswith("2 of the 2 targets")


def test_target_table_misses_and_leaves_unclear_what_the_folds_cannot_tell():
    noisy = [0.05, -0.08, 0.02, -0.06, 0.01, -0.07, 0.03, -0.05, 0.00, -0.04]
    behind = [-0.05 - 0.001 * i for i in range(10)]
    per_fold = pd.concat([
        _per_fold(noisy, [0.0] * 10),
        _per_fold(behind, [0.01] * 10).query("model == 'deep'").assign(model="blend"),
    ])
    table = window_target_table(per_fold, {"deep": ("deep",), "blend": ("deep", "Cox")},
                                "Cox", 5, ["deep"])
    assert not table.set_index(["attempt", "score"]).loc[("deep", "AUC"), "reached"]
    outcomes = [c.outcome for c in window_target_claims(table, "Cox")]
    assert outcomes[0] == TIED and outcomes[2] == BEHIND and outcomes[3] == BEHIND
    # the blend is not deep only: its rows do not count toward the deep targets
    assert deep_targets_text(table).startswith("1 of the 2 targets")  # Brier 0.0 ties Cox
    sentence = window_target_sentence(table, "Cox")
    assert sentence.startswith("The deep: AUC ")
    assert "; integrated Brier score " in sentence and " The blend: AUC " in sentence
    assert "behind" in sentence and "cannot be told apart" in sentence


def test_claims_name_the_published_paired_metric():
    from medlib.survival.window_ensembles import paired_metric

    per_fold = _per_fold([0.01 * i for i in range(10)], [0.0] * 10)
    table = window_target_table(per_fold, {"deep": ("deep",)}, "Cox", 5, ["deep"])
    claims = window_target_claims(table, "Cox")
    assert claims[0].metric == "::".join(paired_metric("deep", "Cox", "AUC"))
    assert claims[0].numbers["estimate"] == pytest.approx(table["difference"].iloc[0])
    assert claims[1].numbers["higher_is_better"] == 0.0  # the Brier score
    # claims are told apart by subject and reference (medlib.book.claims_check)
    assert len({(c.subject, c.reference) for c in claims}) == len(claims)


def test_attempt_facts_count_training_people_and_events_per_fold():
    from medlib.survival.window_ensembles import attempt_facts, deep_only

    attempts = declared_attempts("deep", ("GRU", "deep"), 3, "Cox")
    assert deep_only(attempts, "Cox") == [seed_ensemble_name("deep", 3), VISIT_MODELS_MEAN]
    singles = pd.DataFrame({"repeat": [0, 0, 0, 1, 1, 1], "fold": [0, 1, 2, 0, 1, 2],
                            "model": ["Cox"] * 6, "test people": [10, 10, 11, 11, 10, 10],
                            "events in window": [2, 3, 4, 3, 3, 3]})
    per_fold = _per_fold([0.01] * 10, [0.0] * 10)
    table = window_target_table(per_fold, {"deep": ("deep",)}, "Cox", 5, ["deep"])
    facts = attempt_facts(singles, table, "Cox", 3, "Cox")
    assert facts["window_train_people"] == "21"  # 31 people, a third held out per fold
    assert facts["window_train_events"] == "6"  # 9 events, 6 on average in training
    assert facts["window_folds_scored"] == "6"
    assert facts["window_deep_seeds"] == "3"
    low, high = table.loc[0, ["low", "high"]]
    assert facts["window_auc_half_widths"] == f"{(high - low) / 2:.3f} to {(high - low) / 2:.3f}"
