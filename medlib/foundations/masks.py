"""Attention weights of one patient's visits under no mask, a causal mask, and causal plus
padding masks: the picture behind the masks' equation. Random queries and keys, because the
point is where the weights may go, not what a trained model puts there. Chapter:
``foundations``.
"""

from __future__ import annotations

import numpy as np

from medlib.foundations.reference import causal_mask, scaled_dot_product_attention


def masked_weight_examples(seed: int, visits: int = 6, padded: int = 2,
                           width: int = 8) -> dict[str, np.ndarray]:
    """``(visits, visits)`` weights (rows: queries, columns: keys) for one sequence whose last
    ``padded`` visits are padding, under each of the three masks."""
    if not 0 <= padded < visits:
        raise ValueError(f"padded must be between 0 and visits - 1 = {visits - 1}, got {padded}")
    rng = np.random.default_rng(seed)
    q, k = rng.standard_normal((2, visits, width))
    real_keys = np.arange(visits) < visits - padded
    masks = {"no mask": None, "causal": causal_mask(visits),
             "causal + padding": causal_mask(visits) & real_keys[None, :]}
    return {name: scaled_dot_product_attention(q, k, k, mask)[1] for name, mask in masks.items()}
