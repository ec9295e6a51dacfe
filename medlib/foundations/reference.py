"""The book's building blocks as plain NumPy forward passes, one function per equation.

Why: Keras and torch hide each layer behind an optimised kernel. Written out here, a
convolution is a sum over a window, a GRU is three gates and a blend, and attention is a
softmax of scaled dot products; :mod:`medlib.foundations.parity` checks that each function
gives the frameworks' numbers (to about 1e-14 in float64), so the equations on the page are the
ones the networks run.

Conventions are Keras's: images are ``(n, height, width, channels)``, convolution kernels
``(kh, kw, c_in, c_out)``, dense kernels ``(inputs, outputs)`` applied as ``x @ kernel + bias``,
sequences ``(n, steps, features)``, and recurrent gates are stacked in Keras's order. Masks are
boolean with ``True`` meaning "real" (a visit, a key that may be attended to).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from medlib.models.attention import VisitSelfAttention

PADDINGS = ("valid", "same")


# --- activations -------------------------------------------------------------------------


def relu(x: np.ndarray) -> np.ndarray:
    """relu(x) = max(x, 0): passes positive values, zeroes the rest."""
    return np.maximum(x, 0.0)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """sigmoid(x) = 1 / (1 + exp(-x)): squashes a logit into a probability (and a gate into
    (0, 1)). exp(-x) may overflow to inf for very negative x, which correctly gives 0."""
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-x))


def softmax(scores: np.ndarray, axis: int = -1) -> np.ndarray:
    """softmax(s)_j = exp(s_j) / sum_k exp(s_k) along ``axis``.

    The maximum is subtracted first (the result is unchanged) so that exp never overflows.
    Scores of -inf get weight 0; a row that is -inf everywhere has no defined softmax and comes
    out NaN, as in torch.
    """
    with np.errstate(invalid="ignore"):
        shifted = scores - np.max(scores, axis=axis, keepdims=True)
        exponentials = np.exp(shifted)
        return exponentials / np.sum(exponentials, axis=axis, keepdims=True)


# --- convolution, pooling, dense ---------------------------------------------------------


def _same_padding(size: int, kernel: int, stride: int) -> tuple[int, int]:
    """Keras's (TensorFlow's) ``same``: pad so that the output has ceil(size / stride) positions;
    when the padding is odd, the extra row or column goes at the bottom or right."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def conv2d(
    x: np.ndarray,
    kernel: np.ndarray,
    bias: np.ndarray | None,
    stride: int = 1,
    padding: str = "valid",
) -> np.ndarray:
    """2-D convolution as deep-learning frameworks compute it (a cross-correlation):

        y[n, i, j, o] = b[o] + sum_{a, b, c} x[n, i*s + a, j*s + b, c] * k[a, b, c, o]

    The kernel is *not* flipped, unlike the convolution of signal processing; since the kernel
    is learnt, the two are the same model, but copied weights only agree without the flip.
    ``padding="valid"`` uses only whole windows; ``"same"`` pads with zeros so that the output
    has ceil(size / stride) positions, the extra row/column at the bottom/right (Keras).
    """
    if padding not in PADDINGS:
        raise ValueError(f"padding must be one of {PADDINGS}, got {padding!r}")
    if x.ndim != 4 or kernel.ndim != 4:
        raise ValueError(
            f"expected x (n, h, w, c_in) and kernel (kh, kw, c_in, c_out), got shapes "
            f"{x.shape} and {kernel.shape}"
        )
    kh, kw, c_in, c_out = kernel.shape
    if x.shape[-1] != c_in:
        raise ValueError(f"x has {x.shape[-1]} channels but the kernel expects {c_in}")
    if bias is not None and bias.shape != (c_out,):
        raise ValueError(f"bias must have shape ({c_out},), got {bias.shape}")
    if not isinstance(stride, int | np.integer) or stride < 1:
        raise ValueError(f"stride must be a positive integer, got {stride!r}")
    if padding == "same":
        top, bottom = _same_padding(x.shape[1], kh, stride)
        left, right = _same_padding(x.shape[2], kw, stride)
        x = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))
    n, h, w, _ = x.shape
    if h < kh or w < kw:
        raise ValueError(f"a {kh}x{kw} kernel does not fit in a {h}x{w} image")
    out_h, out_w = (h - kh) // stride + 1, (w - kw) // stride + 1
    y = np.empty((n, out_h, out_w, c_out), dtype=np.result_type(x, kernel))
    for i in range(out_h):
        for j in range(out_w):
            window = x[:, i * stride : i * stride + kh, j * stride : j * stride + kw, :]
            y[:, i, j, :] = np.tensordot(window, kernel, axes=3)  # sum over a, b, c
    return y if bias is None else y + bias


def _pooling_windows(x: np.ndarray, size: int) -> np.ndarray:
    """Cut ``(n, h, w, c)`` into non-overlapping ``size x size`` windows,
    ``(n, h // size, size, w // size, size, c)``; a remainder row/column is dropped (valid)."""
    if x.ndim != 4:
        raise ValueError(f"expected images (n, h, w, c), got shape {x.shape}")
    n, h, w, c = x.shape
    out_h, out_w = h // size, w // size
    return x[:, : out_h * size, : out_w * size, :].reshape(n, out_h, size, out_w, size, c)


def max_pool2d(x: np.ndarray, size: int = 2) -> np.ndarray:
    """y[n, i, j, c] = max over the size x size window at (i*size, j*size): keeps the strongest
    response in each window and halves (for size 2) the resolution."""
    return _pooling_windows(x, size).max(axis=(2, 4))


def average_pool2d(x: np.ndarray, size: int = 2) -> np.ndarray:
    """y[n, i, j, c] = mean over the size x size window at (i*size, j*size)."""
    return _pooling_windows(x, size).mean(axis=(2, 4))


def dense(x: np.ndarray, kernel: np.ndarray, bias: np.ndarray | None) -> np.ndarray:
    """y = x W + b: every output is a weighted sum of every input (Keras's kernel layout
    ``(inputs, outputs)``; torch stores ``W`` transposed)."""
    if x.shape[-1] != kernel.shape[0]:
        raise ValueError(f"x has {x.shape[-1]} features but the kernel expects {kernel.shape[0]}")
    y = x @ kernel
    return y if bias is None else y + bias


# --- recurrent layers --------------------------------------------------------------------


def _step_mask(x: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    if x.ndim != 3:
        raise ValueError(f"expected sequences (n, steps, features), got shape {x.shape}")
    if mask is None:
        return np.ones(x.shape[:2], dtype=bool)
    mask = np.asarray(mask, dtype=bool)
    if mask.shape != x.shape[:2]:
        raise ValueError(f"mask must have shape {x.shape[:2]}, got {mask.shape}")
    return mask


def simple_rnn(
    x: np.ndarray,
    kernel: np.ndarray,
    recurrent_kernel: np.ndarray,
    bias: np.ndarray,
    mask: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """h_t = tanh(x_t W + h_{t-1} U + b), from h_0 = 0.

    A masked step (``mask[n, t]`` False) keeps the previous state, as Keras does, so padding
    never changes what the network has read. Returns ``(states (n, t, u), last_state (n, u))``,
    the last state being the one after the last real step.
    """
    mask = _step_mask(x, mask)
    n, steps, _ = x.shape
    h = np.zeros((n, recurrent_kernel.shape[0]))
    states = np.empty((n, steps, h.shape[1]))
    for t in range(steps):
        candidate = np.tanh(x[:, t] @ kernel + h @ recurrent_kernel + bias)
        h = np.where(mask[:, t, None], candidate, h)
        states[:, t] = h
    return states, h


def gru(
    x: np.ndarray,
    kernel: np.ndarray,
    recurrent_kernel: np.ndarray,
    bias: np.ndarray,
    mask: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Gated recurrent unit (Cho et al., 2014) in Keras's ``reset_after=True`` form, gates
    stacked z, r, h along the last axis of ``kernel``/``recurrent_kernel`` ``(., 3u)`` and
    ``bias`` ``(2, 3u)`` (input bias, recurrent bias)::

        z_t = sigmoid(x_t W_z + b_z + h_{t-1} U_z + c_z)          update gate
        r_t = sigmoid(x_t W_r + b_r + h_{t-1} U_r + c_r)          reset gate
        g_t = tanh(x_t W_h + b_h + r_t * (h_{t-1} U_h + c_h))     candidate
        h_t = z_t * h_{t-1} + (1 - z_t) * g_t

    The update gate decides how much of the old state to keep, which is what lets a GRU carry
    information across many visits. Masked steps keep the previous state.
    Returns ``(states (n, t, u), last_state (n, u))``.
    """
    mask = _step_mask(x, mask)
    units = recurrent_kernel.shape[0]
    if bias.shape != (2, 3 * units):
        raise ValueError(
            f"GRU bias must have shape (2, {3 * units}) (reset_after), got {bias.shape}"
        )
    n, steps, _ = x.shape
    h = np.zeros((n, units))
    states = np.empty((n, steps, units))
    for t in range(steps):
        z_x, r_x, g_x = np.split(x[:, t] @ kernel + bias[0], 3, axis=-1)
        z_h, r_h, g_h = np.split(h @ recurrent_kernel + bias[1], 3, axis=-1)
        z = sigmoid(z_x + z_h)
        r = sigmoid(r_x + r_h)
        candidate = np.tanh(g_x + r * g_h)
        h = np.where(mask[:, t, None], z * h + (1 - z) * candidate, h)
        states[:, t] = h
    return states, h


def lstm(
    x: np.ndarray,
    kernel: np.ndarray,
    recurrent_kernel: np.ndarray,
    bias: np.ndarray,
    mask: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Long short-term memory (Hochreiter & Schmidhuber, 1997), gates stacked i, f, c, o as in
    Keras (and torch), ``kernel`` ``(f, 4u)``, ``bias`` ``(4u,)``::

        i_t = sigmoid(x_t W_i + h_{t-1} U_i + b_i)        input gate
        f_t = sigmoid(x_t W_f + h_{t-1} U_f + b_f)        forget gate
        g_t = tanh(x_t W_c + h_{t-1} U_c + b_c)           candidate cell
        o_t = sigmoid(x_t W_o + h_{t-1} U_o + b_o)        output gate
        c_t = f_t * c_{t-1} + i_t * g_t
        h_t = o_t * tanh(c_t)

    The cell ``c`` is updated only by gated addition, so it can keep information for long
    stretches. A masked step keeps both ``h`` and ``c``.
    Returns ``(states (n, t, u), last_state (n, u))`` for ``h``.
    """
    mask = _step_mask(x, mask)
    units = recurrent_kernel.shape[0]
    n, steps, _ = x.shape
    h, c = np.zeros((n, units)), np.zeros((n, units))
    states = np.empty((n, steps, units))
    for t in range(steps):
        i, f, g, o = np.split(x[:, t] @ kernel + h @ recurrent_kernel + bias, 4, axis=-1)
        new_c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
        new_h = sigmoid(o) * np.tanh(new_c)
        real = mask[:, t, None]
        h, c = np.where(real, new_h, h), np.where(real, new_c, c)
        states[:, t] = h
    return states, h


RECURRENT_LAYERS = {"SimpleRNN": simple_rnn, "GRU": gru, "LSTM": lstm}


# --- attention ---------------------------------------------------------------------------


def causal_mask(t: int) -> np.ndarray:
    """``(t, t)`` boolean, True where query i may attend to key j, i.e. j <= i: a visit may
    look back, never forward."""
    return np.tril(np.ones((t, t), dtype=bool))


def scaled_dot_product_attention(
    q: np.ndarray, k: np.ndarray, v: np.ndarray, mask: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """softmax(q k^T / sqrt(d)) v, for ``q (..., t, d)``, ``k (..., s, d)``, ``v (..., s, d_v)``.

    Dividing by sqrt(d) keeps the scores' spread independent of the width d, so the softmax
    does not saturate (Vaswani et al., 2017). ``mask`` (broadcastable to ``(..., t, s)``,
    True = may attend) sets forbidden scores to -inf, i.e. weight 0. A query with no allowed
    key gets NaN weights and output (torch does the same; Keras 3 gives zero weights).
    Returns ``(output (..., t, d_v), weights (..., t, s))``.
    """
    d = q.shape[-1]
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(d)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    weights = softmax(scores, axis=-1)
    return weights @ v, weights


def multi_head_attention(
    query: np.ndarray,
    key: np.ndarray,
    value: np.ndarray,
    params: dict[str, np.ndarray],
    n_heads: int,
    mask: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Multi-head attention: project, split into ``n_heads`` heads, attend, merge, project::

        head_h = attention(Q W_q[h] + b_q[h], K W_k[h] + b_k[h], V W_v[h] + b_v[h])
        output = concat(head_1, ..., head_H) W_o + b_o

    Each head works on ``d_model // n_heads`` columns of the projections, so heads can attend
    to different visits at no extra cost. ``params`` holds ``w_q, b_q, w_k, b_k, w_v, b_v, w_o,
    b_o`` (``d_model x d_model`` matrices, used as ``x @ w + b``); ``mask`` is ``(t, s)`` or
    ``(n, t, s)``, True = may attend. Returns ``(output (n, t, d_model),
    weights (n, n_heads, t, s))``.
    """
    n, t, d_model = query.shape
    if d_model % n_heads:
        raise ValueError(f"d_model {d_model} is not divisible by n_heads {n_heads}")
    d_head = d_model // n_heads

    def split_heads(x: np.ndarray) -> np.ndarray:  # (n, len, d_model) -> (n, heads, len, d_head)
        return x.reshape(x.shape[0], x.shape[1], n_heads, d_head).transpose(0, 2, 1, 3)

    q = split_heads(dense(query, params["w_q"], params["b_q"]))
    k = split_heads(dense(key, params["w_k"], params["b_k"]))
    v = split_heads(dense(value, params["w_v"], params["b_v"]))
    if mask is not None and mask.ndim == 3:
        mask = mask[:, None]  # the same mask for every head
    heads, weights = scaled_dot_product_attention(q, k, v, mask)
    merged = heads.transpose(0, 2, 1, 3).reshape(n, t, d_model)
    return dense(merged, params["w_o"], params["b_o"]), weights


def layer_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float) -> np.ndarray:
    """(x - mean) / sqrt(var + eps) * gamma + beta over the last axis (biased variance, as
    both frameworks compute it): each position's features are rescaled on their own."""
    mean = x.mean(axis=-1, keepdims=True)
    variance = x.var(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + eps) * gamma + beta


def time_encoding(times: np.ndarray, d_model: int, max_period: float = 20.0) -> np.ndarray:
    """The sinusoidal encoding of :func:`medlib.models.attention.time_encoding`: for visit time
    t (years) and ``d_model // 2`` periods P_k log-spaced from 1/12 to ``max_period`` years,
    ``[sin(2 pi t / P_k), cos(2 pi t / P_k)]``, ``(n, k) -> (n, k, d_model)``."""
    periods = np.logspace(np.log10(1 / 12), np.log10(max_period), d_model // 2)
    angles = 2 * np.pi * times[..., None] / periods
    return np.concatenate([np.sin(angles), np.cos(angles)], axis=-1)


def _numpy(tensor) -> np.ndarray:
    return tensor.detach().cpu().double().numpy()


def visit_self_attention(
    model: VisitSelfAttention,
    sequences: np.ndarray,
    mask: np.ndarray,
    visit_times: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """NumPy forward of :class:`medlib.models.attention.VisitSelfAttention` in eval mode (no
    dropout), with the model's weights::

        h = x W_e + b_e  (+ time_encoding(visit times) if time-aware)
        a = multi_head_attention(h, h, h, causal and key-padding mask)
        h = layer_norm(h + a)
        logits = h[last real visit] W + b

    Returns ``(logits (n, n_intervals), weights (n, k, k))``, the weights averaged over heads as
    the model returns them. A query row whose keys are all masked (only if visit 0 is padding,
    e.g. a patient with no real visit) is NaN here and in torch; real visits always see visit 0
    and themselves, so their rows are defined.
    """
    weights = {name: _numpy(value) for name, value in model.state_dict().items()}
    d_model, attention = model.d_model, model.attention
    in_w, in_b = weights["attention.in_proj_weight"], weights["attention.in_proj_bias"]
    params = {  # torch stacks W_q, W_k, W_v as (3 d, d) in (out, in) layout: transpose each
        "w_q": in_w[:d_model].T,
        "w_k": in_w[d_model : 2 * d_model].T,
        "w_v": in_w[2 * d_model :].T,
        "b_q": in_b[:d_model],
        "b_k": in_b[d_model : 2 * d_model],
        "b_v": in_b[2 * d_model :],
        "w_o": weights["attention.out_proj.weight"].T,
        "b_o": weights["attention.out_proj.bias"],
    }
    mask = np.asarray(mask, dtype=bool)
    h = dense(sequences, weights["embed.weight"].T, weights["embed.bias"])
    if model.time_aware:
        h = h + time_encoding(visit_times, d_model)
    allowed = causal_mask(sequences.shape[1])[None] & mask[:, None, :]  # (n, query, key)
    attended, head_weights = multi_head_attention(
        h, h, h, params, attention.num_heads, mask=allowed
    )
    h = layer_norm(h + attended, weights["norm.weight"], weights["norm.bias"], model.norm.eps)
    last = np.maximum(mask.sum(axis=1), 1) - 1
    summary = h[np.arange(h.shape[0]), last]
    logits = dense(summary, weights["head.weight"].T, weights["head.bias"])
    return logits, head_weights.mean(axis=1)


# --- the book's models -------------------------------------------------------------------


def seed_cnn_forward(x: np.ndarray, weights: list[np.ndarray]) -> np.ndarray:
    """Logits of :func:`medlib.models.cnn.seed_cnn` from its Keras ``get_weights()`` list:
    three (valid 3x3 conv, ReLU, 2x2 max-pool) blocks, flatten in (h, w, c) order, dense +
    ReLU, dense. The Keras model applies a sigmoid to these logits."""
    (k1, b1, k2, b2, k3, b3, w1, c1, w2, c2) = weights
    for kernel, bias in ((k1, b1), (k2, b2), (k3, b3)):
        x = max_pool2d(relu(conv2d(x, kernel, bias)), 2)
    x = x.reshape(x.shape[0], -1)
    return dense(relu(dense(x, w1, c1)), w2, c2)


def recurrent_survival_forward(
    kind: str, sequences: np.ndarray, mask: np.ndarray, weights: list[np.ndarray]
) -> np.ndarray:
    """Hazard logits of :class:`medlib.models.recurrent.VisitRecurrent` in inference (dropout
    off) from Keras-layout ``weights`` (kernel, recurrent kernel, bias, head kernel, head
    bias): the state after the last real visit, then a dense layer."""
    if kind not in RECURRENT_LAYERS:
        raise ValueError(f"unknown recurrent layer {kind!r}; choose from {list(RECURRENT_LAYERS)}")
    kernel, recurrent_kernel, bias, head_kernel, head_bias = weights
    _, last_state = RECURRENT_LAYERS[kind](sequences, kernel, recurrent_kernel, bias, mask)
    return dense(last_state, head_kernel, head_bias)
