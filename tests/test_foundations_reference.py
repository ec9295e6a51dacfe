"""The NumPy building blocks equal Keras's and torch's layers (chapter ``foundations``), and the
checks are not vacuous: a wrong convention (flipped kernel, swapped gates, no mask, the other
``same`` padding) is caught by a wide margin."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import torch

from medlib.foundations import parity, reference

TOLERANCE = 1e-10
WRONG = 1e-3  # a wrong convention must differ by more than this


@pytest.fixture(scope="module")
def table():
    return parity.all_equalities(0)


def test_every_equality_holds_to_1e_10(table):
    assert list(table.columns) == [
        "part", "block", "book implementation", "framework", "max abs error"]
    assert table["part"].unique().tolist() == ["convolution", "recurrence", "attention"]
    assert 20 <= len(table) <= 35
    assert table["max abs error"].notna().all()
    worst = table.loc[table["max abs error"].idxmax()]
    assert worst["max abs error"] < TOLERANCE, worst.to_dict()


def test_table_follows_the_chapter_order(table):
    blocks = list(dict.fromkeys(table["block"]))
    keywords = ["convolution", "pooling", "dense", "seed CNN", "SimpleRNN", "GRU", "LSTM"]
    keywords += ["survival model", "multi-head attention", "visit self-attention"]
    first = [next(i for i, block in enumerate(blocks) if key in block) for key in keywords]
    assert first == sorted(first)
    assert {"Keras Conv2D", "torch Conv2d", "torch nn.GRU", "Keras LSTM (masked)"} <= set(
        table["framework"]
    )


def test_all_equalities_leaves_framework_defaults_alone(table):
    assert keras.config.floatx() == "float32"
    assert torch.get_default_dtype() == torch.float32


def test_floatx_is_restored_when_building_fails():
    with pytest.raises(RuntimeError), parity.keras_float64():
        assert keras.config.floatx() == "float64"
        raise RuntimeError("build failed")
    assert keras.config.floatx() == "float32"


@pytest.mark.parametrize(
    "check",
    [
        lambda: parity.conv2d_equality(1, "same", 2),
        lambda: parity.conv2d_equality(1, "same", 1),
        lambda: parity.recurrent_equality(1, "GRU"),
        lambda: parity.recurrent_equality(1, "LSTM"),
        lambda: parity.recurrent_survival_equality(1, "LSTM"),
        lambda: parity.attention_equality(1),
        lambda: parity.visit_self_attention_equality(1, time_aware=True),
    ],
    ids=["conv-same-2", "conv-same-1", "gru", "lstm", "lstm-survival", "attention",
         "visit-attention"],
)
def test_equalities_hold_for_another_seed(check):
    errors = check()
    assert errors
    assert max(errors.values()) < TOLERANCE, errors


def test_torch_refuses_same_padding_with_stride_so_only_keras_is_compared():
    errors = parity.conv2d_equality(0, "same", 2)
    assert list(errors) == ["Keras Conv2D"]
    with pytest.raises(ValueError, match="same"):
        torch.nn.Conv2d(1, 1, 3, stride=2, padding="same")


# --- the checks can fail -----------------------------------------------------------------


def test_a_flipped_kernel_true_convolution_differs_from_keras():
    rng = np.random.default_rng(0)
    x, kernel, bias = rng.normal(size=(2, 8, 8, 3)), rng.normal(size=(3, 3, 3, 4)), np.zeros(4)
    keras_y = parity.keras_conv2d(x, kernel, bias)
    assert np.abs(keras_y - reference.conv2d(x, kernel, bias)).max() < TOLERANCE
    flipped = reference.conv2d(x, kernel[::-1, ::-1], bias)
    assert np.abs(keras_y - flipped).max() > WRONG


def test_symmetric_padding_with_stride_2_is_not_keras_same():
    """torch's padding=1 puts the pad on both sides; Keras's ``same`` with stride 2 on an even
    image pads only the bottom/right, so the windows are shifted by one pixel."""
    rng = np.random.default_rng(0)
    x, kernel, bias = rng.normal(size=(2, 8, 8, 3)), rng.normal(size=(3, 3, 3, 4)), np.zeros(4)
    keras_same = parity.keras_conv2d(x, kernel, bias, stride=2, padding="same")
    symmetric = reference.conv2d(np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0))), kernel, bias, 2)
    assert keras_same.shape == (2, 4, 4, 4)
    assert symmetric.shape[1:3] == (4, 4)
    assert np.abs(keras_same - symmetric[:, :4, :4]).max() > WRONG


def test_gru_with_torch_gate_order_differs_from_keras():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 5, 4))
    weights = parity.random_recurrent_weights(rng, "GRU", 4, 6)
    keras_states, _ = parity.keras_recurrent("GRU", x, weights)
    reordered = [parity._keras_gates_to_torch("GRU", w) for w in weights]  # r, z, h
    wrong_states, _ = reference.gru(x, *reordered)
    assert np.abs(keras_states - wrong_states).max() > WRONG


def test_gru_with_swapped_input_and_recurrent_bias_differs():
    """With ``reset_after=True`` the recurrent bias of the candidate is multiplied by the reset
    gate, so the two bias rows are not interchangeable."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 5, 4))
    kernel, recurrent_kernel, bias = parity.random_recurrent_weights(rng, "GRU", 4, 6)
    keras_states, _ = parity.keras_recurrent("GRU", x, [kernel, recurrent_kernel, bias])
    swapped, _ = reference.gru(x, kernel, recurrent_kernel, bias[::-1])
    assert np.abs(keras_states - swapped).max() > WRONG


@pytest.mark.parametrize("kind", parity.RECURRENT_KINDS)
def test_ignoring_the_mask_changes_the_last_state(kind):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 5, 4))
    weights = parity.random_recurrent_weights(rng, kind, 4, 6)
    mask = np.array([[True] * 5, [True, True, False, False, False]])
    _, keras_last = parity.keras_recurrent(kind, x, weights, mask)
    states, last = reference.RECURRENT_LAYERS[kind](x, *weights, mask=mask)
    assert np.abs(keras_last - last).max() < TOLERANCE
    np.testing.assert_array_equal(last[1], states[1, 1])  # the state after the last real step
    _, unmasked_last = reference.RECURRENT_LAYERS[kind](x, *weights)
    assert np.abs(keras_last[1] - unmasked_last[1]).max() > WRONG


def test_attention_without_the_mask_differs_from_the_masked_one():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 5, 8))
    params = parity.random_attention_params(rng, 8)
    real = np.array([[True] * 5, [True, True, True, False, False]])
    allowed = reference.causal_mask(5)[None] & real[:, None, :]
    torch_out, _ = parity.torch_multi_head_attention(x, params, 2, allowed)
    masked, weights = reference.multi_head_attention(x, x, x, params, 2, allowed)
    unmasked, _ = reference.multi_head_attention(x, x, x, params, 2)
    assert np.abs(torch_out[real] - masked[real]).max() < TOLERANCE
    assert np.abs(torch_out[real] - unmasked[real]).max() > WRONG
    assert np.all(weights[..., ~reference.causal_mask(5)] == 0)  # no weight on a later visit
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0)


def test_attention_without_the_sqrt_d_scaling_differs():
    rng = np.random.default_rng(0)
    q, k, v = (rng.normal(size=(2, 4, 16)) for _ in range(3))
    output, _ = reference.scaled_dot_product_attention(q, k, v)
    unscaled = reference.softmax(q @ k.transpose(0, 2, 1)) @ v
    assert np.abs(output - unscaled).max() > WRONG


def test_a_query_with_no_allowed_key_is_nan_here_and_in_torch_zero_in_keras():
    """Documents the frameworks' disagreement on a fully masked row (the reason the equalities
    compare real positions only)."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(1, 3, 4))
    params = parity.random_attention_params(rng, 4)
    allowed = np.ones((1, 3, 3), dtype=bool)
    allowed[0, 0] = False  # query 0 may attend to nothing
    ours, our_weights = reference.multi_head_attention(x, x, x, params, 2, allowed)
    torch_out, torch_weights = parity.torch_multi_head_attention(x, params, 2, allowed)
    keras_out, keras_weights = parity.keras_multi_head_attention(x, params, 2, allowed)
    assert np.isnan(ours[0, 0]).all() and np.isnan(our_weights[0, :, 0]).all()
    assert np.isnan(torch_out[0, 0]).all() and np.isnan(torch_weights[0, :, 0]).all()
    assert np.all(keras_weights[0, :, 0] == 0)
    np.testing.assert_allclose(keras_out[0, 0], params["b_o"], atol=TOLERANCE)  # 0 @ W_o + b_o
    assert np.abs(ours[0, 1:] - torch_out[0, 1:]).max() < TOLERANCE


def test_a_patient_without_real_visits_gets_nan_logits_in_the_model_and_the_reference():
    from medlib.models.attention import VisitSelfAttention

    rng = np.random.default_rng(0)
    model = VisitSelfAttention(3, 2, d_model=8, n_heads=2).double().eval()
    sequences = rng.normal(size=(2, 4, 3))
    mask = np.array([[True, True, False, False], [False] * 4])
    times = np.tile(np.arange(4.0), (2, 1))
    logits, _ = reference.visit_self_attention(model, sequences, mask, times)
    with torch.no_grad():
        torch_logits, _ = model(torch.from_numpy(sequences), torch.from_numpy(mask), None)
    assert np.isnan(logits[1]).all() and torch.isnan(torch_logits[1]).all()
    assert np.abs(torch_logits[0].numpy() - logits[0]).max() < TOLERANCE


# --- clear errors ------------------------------------------------------------------------


def test_conv2d_rejects_bad_padding_and_shapes():
    x, kernel, bias = np.zeros((1, 5, 5, 3)), np.zeros((3, 3, 3, 2)), np.zeros(2)
    with pytest.raises(ValueError, match="padding must be one of"):
        reference.conv2d(x, kernel, bias, padding="full")
    with pytest.raises(ValueError, match="3 channels but the kernel expects 2"):
        reference.conv2d(x, np.zeros((3, 3, 2, 2)), bias)
    with pytest.raises(ValueError, match=r"x \(n, h, w, c_in\)"):
        reference.conv2d(x[0], kernel, bias)
    with pytest.raises(ValueError, match="bias must have shape"):
        reference.conv2d(x, kernel, np.zeros(3))
    with pytest.raises(ValueError, match="stride"):
        reference.conv2d(x, kernel, bias, stride=0)
    with pytest.raises(ValueError, match="does not fit"):
        reference.conv2d(x, np.zeros((7, 7, 3, 2)), bias)


def test_other_blocks_reject_mismatched_shapes():
    with pytest.raises(ValueError, match="5 features but the kernel expects 4"):
        reference.dense(np.zeros((2, 5)), np.zeros((4, 3)), None)
    with pytest.raises(ValueError, match="mask must have shape"):
        reference.simple_rnn(
            np.zeros((2, 3, 4)),
            np.zeros((4, 5)),
            np.zeros((5, 5)),
            np.zeros(5),
            mask=np.ones((2, 4), dtype=bool),
        )
    with pytest.raises(ValueError, match="reset_after"):
        reference.gru(np.zeros((2, 3, 4)), np.zeros((4, 15)), np.zeros((5, 15)), np.zeros(15))
    with pytest.raises(ValueError, match="not divisible"):
        params = parity.random_attention_params(np.random.default_rng(0), 6)
        reference.multi_head_attention(np.zeros((1, 2, 6)), None, None, params, 4)
    with pytest.raises(ValueError, match="unknown recurrent layer"):
        reference.recurrent_survival_forward("Transformer", None, None, [None] * 5)
    with pytest.raises(ValueError, match="kind must be one of"):
        parity.pooling_equality(0, "min")


def test_same_padding_keeps_ceil_size_over_stride():
    x, kernel = np.ones((1, 9, 8, 1)), np.ones((3, 3, 1, 1))
    assert reference.conv2d(x, kernel, None, stride=2, padding="same").shape == (1, 5, 4, 1)
    assert reference.conv2d(x, kernel, None, stride=1, padding="same").shape == (1, 9, 8, 1)
    assert reference.max_pool2d(np.ones((1, 7, 6, 2))).shape == (1, 3, 3, 2)


def test_the_page_view_keeps_one_part_and_prints_errors_in_scientific_notation(table):
    view = parity.equality_table(table, "recurrence")
    blocks = view.index.get_level_values("block")
    assert set(blocks) >= {"SimpleRNN", "GRU", "LSTM"} and "dense" not in set(blocks)
    assert all("e-" in text or text == "0.0e+00" for text in view["max abs error"])
    assert len(parity.equality_table(table)) == len(table)


def test_models_are_float64_even_after_keras_has_fixed_its_dtype_policy():
    """Building any layer fixes Keras's global dtype policy at float32; the equalities must
    still build their models in float64 (this failed in a full test run, at 2e-7)."""
    keras.layers.Dense(2)(keras.ops.ones((1, 2)))
    errors = parity.seed_cnn_equality(0)
    assert max(errors.values()) < TOLERANCE
    assert keras.config.dtype_policy().name == "float32"
