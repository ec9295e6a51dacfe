"""Each bug of the source's attention code, shown by running the source (and the fix)."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from medlib.foundations import seed_attention
from medlib.foundations.memory import state_sensitivity
from medlib.foundations.seed_attention import CRASH_FIXES, apply_fixes, run_source, source_text

SEED_POST = Path(__file__).resolve().parents[2] / "shared" / "seed"
BOOK_LAYOUT = torch.zeros(2, 3, seed_attention.SOURCE_D_MODEL)  # (patients, visits, d_model)


def _code_lines_of_section_4_3(post: str) -> list[str]:
    lines = post.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("4.3"))
    end = next(i for i, line in enumerate(lines) if line.startswith("5."))
    return [line for line in lines[start + 1:end] if line.isascii() and line.strip()]


def test_the_kept_snippet_is_the_posts_code_verbatim_up_to_indentation():
    posts = sorted(SEED_POST.glob("*.txt"))
    assert posts, f"the source post is expected in {SEED_POST}"
    kept = [line.strip() for line in source_text().splitlines() if line.strip()]
    assert kept == _code_lines_of_section_4_3(posts[0].read_text(encoding="utf-8"))


def test_as_printed_the_snippet_does_not_parse():
    with pytest.raises(IndentationError):
        run_source(source_text(indented=False), BOOK_LAYOUT)


def test_layer_is_a_keras_name_never_imported():
    with pytest.raises(NameError, match="'Layer'"):
        run_source(source_text(), BOOK_LAYOUT)


def test_dropout_is_used_without_import():
    with pytest.raises(NameError, match="'Dropout'"):
        run_source(apply_fixes(source_text(), CRASH_FIXES[:1]), BOOK_LAYOUT)


def test_the_attention_tuple_is_passed_to_a_linear_layer():
    with pytest.raises(TypeError, match="not tuple"):
        run_source(apply_fixes(source_text(), CRASH_FIXES[:2]), BOOK_LAYOUT)


def test_with_its_three_crashes_fixed_the_source_runs():
    namespace = run_source(apply_fixes(source_text(), CRASH_FIXES), BOOK_LAYOUT)
    assert namespace["x"].shape == BOOK_LAYOUT.shape


def test_crash_table_reports_each_stage_in_order():
    table = seed_attention.crash_table(BOOK_LAYOUT)
    outcomes = table["what happens"].tolist()
    assert [o.split(" ")[0] for o in outcomes] == [
        "IndentationError", "NameError", "NameError", "TypeError", "runs;"]
    assert "(line 22)" in outcomes[3]  # `x = self.linear2(x)`: the source's line, not torch's


def test_a_fix_that_does_not_match_the_source_is_refused():
    with pytest.raises(ValueError, match="occurs 0 times"):
        apply_fixes("print(1)\n", CRASH_FIXES[:1])


def test_patients_features_do_not_fit_the_source_layer():
    assert "mat1 and mat2 shapes cannot be multiplied" in seed_attention.wrong_width_error(17)


@pytest.fixture(scope="module")
def silent():
    """The measured silent bugs, one row per bug, indexed by the bug's first words."""
    table = seed_attention.silent_bugs(seed=0)
    table.index = [" ".join(bug.split()[:3]) for bug in table["bug"]]
    return table


def test_the_source_mixes_patients_and_the_corrected_layer_does_not(silent):
    row = silent.loc["batch layout: `MultiheadAttention`"]
    assert row["source (crashes fixed)"] > 1e-4 and row["corrected"] == 0.0


def test_scaling_the_inputs_pushes_attention_towards_uniform(silent):
    row = silent.loc["scales the inputs"]
    assert row["source (crashes fixed)"] * 100 < row["corrected"]


def test_the_source_reads_padding_and_the_corrected_layer_does_not(silent):
    row = silent.loc["no padding mask:"]
    assert row["source (crashes fixed)"] > 1e-4 and row["corrected"] == 0.0


def test_the_source_attends_to_later_visits_and_the_corrected_layer_does_not(silent):
    row = silent.loc["no causal mask:"]
    visits = 6  # uniform attention puts (k - 1) / 2k of its weight on later visits
    assert row["source (crashes fixed)"] == pytest.approx((visits - 1) / (2 * visits), abs=1e-3)
    assert row["corrected"] == 0.0


def test_keras_initialisation_lets_an_lstm_remember_longer_than_a_tanh_recurrence():
    lstm = state_sensitivity("LSTM", "Keras", steps=20, n_sequences=4)
    rnn = state_sensitivity("SimpleRNN", "Keras", steps=20, n_sequences=4)
    earliest = lambda table: table["sensitivity"].iloc[0]  # noqa: E731
    assert earliest(lstm) > 10 * earliest(rnn)


def test_unknown_layer_or_initialisation_is_refused():
    with pytest.raises(ValueError, match="choose from SimpleRNN, GRU, LSTM"):
        state_sensitivity("Transformer")
    with pytest.raises(ValueError, match="choose from torch, Keras"):
        state_sensitivity("GRU", init="jax")
