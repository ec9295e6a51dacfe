"""The source's self-attention code, run as written, then fixed one bug at a time.

The source post's attention snippet (its section 4.3) is kept verbatim in
``seed_attention.txt``, with only the indentation that the post lost restored. Running it
shows which bugs crash it; patching each crash in turn, with the smallest textual fix, gives a
class that runs, on which the silent bugs are then measured against the book's corrected
layer, :class:`medlib.models.attention.VisitSelfAttention`. Running the real text, rather than
a retelling of it, is what makes each claim about the source checkable. Chapter:
``foundations``.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from medlib.models.attention import VisitSelfAttention

SOURCE_FILE = Path(__file__).with_name("seed_attention.txt")
SOURCE_D_MODEL = 512  # the source's own `Attention(d_model=512)`
SOURCE_NAME = "<source post, section 4.3>"


@dataclass(frozen=True)
class SourceFix:
    """One crash of the source and the smallest edit that gets past it."""

    bug: str
    old: str
    new: str


CRASH_FIXES: tuple[SourceFix, ...] = (
    SourceFix("subclasses `Layer`, a Keras name never imported in this torch code",
              "class Attention(Layer):", "class Attention(torch.nn.Module):"),
    SourceFix("uses `Dropout` without importing it",
              "from torch.nn import Linear,", "from torch.nn import Dropout, Linear,"),
    SourceFix("passes the `(output, weights)` tuple that `MultiheadAttention` returns to a "
              "`Linear` layer", "x = self.multihead_attention(x, x, x)",
              "x, _ = self.multihead_attention(x, x, x)"),
)


def source_text(indented: bool = True) -> str:
    """The snippet; ``indented=False`` gives it as the post prints it, every line flush left."""
    text = SOURCE_FILE.read_text(encoding="utf-8")
    if indented:
        return text
    return "\n".join(line.strip() for line in text.splitlines()) + "\n"


def apply_fixes(text: str, fixes: tuple[SourceFix, ...]) -> str:
    """``text`` with each fix's ``old`` replaced by its ``new`` (each must occur once)."""
    for fix in fixes:
        if text.count(fix.old) != 1:
            raise ValueError(f"fix {fix.bug!r}: {fix.old!r} occurs {text.count(fix.old)} times "
                             "in the source, expected once")
        text = text.replace(fix.old, fix.new)
    return text


def run_source(text: str, x: torch.Tensor) -> dict:
    """Execute the snippet with ``x`` defined (the post never defines it) and return its
    namespace; exceptions propagate, as they would for a reader running the post."""
    namespace: dict = {"x": x}
    exec(compile(text, SOURCE_NAME, "exec"), namespace)
    return namespace


def _first_error(text: str, x: torch.Tensor) -> str:
    try:
        namespace = run_source(text, x)
    except Exception as error:
        in_source = [frame.lineno for frame in traceback.extract_tb(error.__traceback__)
                     if frame.filename == SOURCE_NAME]
        line = getattr(error, "lineno", None) or in_source[-1]
        message = getattr(error, "msg", None) or str(error)
        return f"{type(error).__name__} (line {line}): {message.splitlines()[0]}"
    return f"runs; output shape {tuple(namespace['x'].shape)}"


def crash_table(x: torch.Tensor) -> pd.DataFrame:
    """Run the source as printed, with its indentation restored, and after each crash fix
    in turn: what fails first at each stage."""
    stages = [("as printed (indentation lost)", source_text(indented=False)),
              ("indentation restored", source_text())]
    for count, fix in enumerate(CRASH_FIXES, start=1):
        fixed = apply_fixes(source_text(), CRASH_FIXES[:count])
        stages.append((f"+ fix {count}: {fix.new}", fixed))
    return pd.DataFrame([{"stage": name, "what happens": _first_error(text, x)}
                         for name, text in stages])


def runnable_source_attention(seed: int) -> torch.nn.Module:
    """The source's class with only its crashes fixed (every silent bug kept), in eval mode."""
    torch.manual_seed(seed)
    fixed = apply_fixes(source_text(), CRASH_FIXES)
    namespace = run_source(fixed, torch.zeros(1, 1, SOURCE_D_MODEL))
    return namespace["attention"].eval()


def wrong_width_error(n_features: int, seed: int = 0) -> str:
    """What a reader gets feeding the source's class visits with ``n_features`` measurements:
    it has no layer that maps a patient's features to ``d_model``."""
    module = runnable_source_attention(seed)
    try:
        module(torch.zeros(1, 3, n_features))
    except RuntimeError as error:
        return f"RuntimeError: {str(error).splitlines()[0]}"
    return "runs"


def source_attention_weights(module: torch.nn.Module, x: torch.Tensor,
                             scale_inputs: bool = True) -> torch.Tensor:
    """The attention weights inside the source's forward pass (it discards them), for input
    in the layout its ``MultiheadAttention`` expects, ``(visits, patients, features)``;
    returned as ``(patients, queries, keys)``. ``scale_inputs=False`` leaves out the source's
    extra input scaling, to measure what that scaling does on the same weights."""
    h = module.linear1(x * module.scaling if scale_inputs else x)
    _, weights = module.multihead_attention(h, h, h)
    return weights


def _later_visit_mass(weights: torch.Tensor) -> float:
    """Mean attention weight a visit puts on visits after it (0 under a causal mask)."""
    k = weights.shape[-1]
    later = torch.triu(torch.ones(k, k, dtype=torch.bool), diagonal=1)
    return float((weights * later).sum(-1).mean())


def silent_bugs(seed: int, patients: int = 4, visits: int = 6, padded: int = 2,
                n_features: int = 17) -> pd.DataFrame:
    """Measure each bug that does not crash, on the source's class (crashes fixed) and on
    the book's :class:`VisitSelfAttention`, with the same random inputs.

    Each bug is measured on its own: apart from the first row, the source's class is fed in
    the ``(visits, patients, features)`` layout that its ``MultiheadAttention`` expects, so
    that the layout bug does not hide the others. Padding: the last ``padded`` visits of
    patient 0 are declared padding and replaced by other values.
    """
    source = runnable_source_attention(seed)
    torch.manual_seed(seed)
    book = VisitSelfAttention(n_features, n_intervals=3, d_model=32, n_heads=4).eval()
    generator = np.random.default_rng(seed)

    def normal(*shape: int) -> torch.Tensor:
        return torch.as_tensor(generator.standard_normal(shape), dtype=torch.float32)

    x = normal(patients, visits, SOURCE_D_MODEL)  # the book's layout: (patients, visits, d)
    features = normal(patients, visits, n_features)
    times = torch.arange(visits, dtype=torch.float32).expand(patients, visits)
    mask = torch.ones(patients, visits, dtype=torch.bool)
    other_patient = x.clone()
    other_patient[1] = normal(visits, SOURCE_D_MODEL)
    other_features = features.clone()
    other_features[1] = normal(visits, n_features)
    padded_mask = mask.clone()
    padded_mask[0, visits - padded:] = False
    new_padding, new_padding_features = x.clone(), features.clone()
    new_padding[0, visits - padded:] = normal(padded, SOURCE_D_MODEL)
    new_padding_features[0, visits - padded:] = normal(padded, n_features)

    def change(a: torch.Tensor, b: torch.Tensor) -> float:
        return float((a - b).abs().max())

    with torch.no_grad():
        rows = []
        source_out = source(x)
        book_out, _ = book(features, mask, times)
        rows.append({
            "bug": "batch layout: `MultiheadAttention` defaults to (visits, patients, features)",
            "measured": "largest change in patient 0's output when only patient 1's visits change",
            "source (crashes fixed)": change(source(other_patient)[0], source_out[0]),
            "corrected": change(book(other_features, mask, times)[0][0], book_out[0]),
        })
        seq_first = x.transpose(0, 1)
        source_weights = source_attention_weights(source, seq_first)
        unscaled_weights = source_attention_weights(source, seq_first, scale_inputs=False)
        rows.append({
            "bug": "scales the inputs by 1/sqrt(d_model) instead of the scores",
            "measured": "largest departure of an attention weight from uniform 1/visits "
                        "(corrected: the same layer without the input scaling)",
            "source (crashes fixed)": float((source_weights - 1 / visits).abs().max()),
            "corrected": float((unscaled_weights - 1 / visits).abs().max()),
        })
        real = slice(0, visits - padded)
        book_padded, _ = book(features, padded_mask, times)
        book_new_padding, _ = book(new_padding_features, padded_mask, times)
        rows.append({
            "bug": "no padding mask: padded visits are attended to",
            "measured": "largest change in patient 0's real-visit outputs when its padding "
                        "values change",
            "source (crashes fixed)": change(source(new_padding.transpose(0, 1))[real, 0],
                             source(seq_first)[real, 0]),
            "corrected": change(book_new_padding[0], book_padded[0]),
        })
        _, book_weights = book(features, mask, times)
        rows.append({
            "bug": "no causal mask: a visit attends to later visits",
            "measured": "mean attention weight on later visits, over visits",
            "source (crashes fixed)": _later_visit_mass(source_weights),
            "corrected": _later_visit_mass(book_weights),
        })
    return pd.DataFrame(rows)
