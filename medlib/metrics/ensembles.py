"""Ensembles of trained models, chosen on validation (chapter ``pretraining``).

Averaging the probabilities of several networks is the oldest way to buy accuracy with
compute (Lakshminarayanan et al., 2017, for deep ensembles). To keep a mean over seeds
honest, the k-th ensemble averages the k-th seed of every member, so that three seeds give
three ensembles, none sharing a run. Which members to combine is a choice, and like every
choice it is made on validation labels: :func:`choose_on_validation` scores every subset of
the candidates on validation and keeps the best, before any test label is read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import combinations

import numpy as np
import pandas as pd

from medlib.metrics.multiclass import auroc

#: One candidate's runs: per seed, the probabilities on each split (``{"val": ..., "test": ...}``).
Runs = Sequence[Mapping[str, np.ndarray]]


def seed_ensembles(members: Mapping[str, Runs]) -> list[dict[str, np.ndarray]]:
    """The k-th ensemble averages the k-th run of every member, split by split; all members
    must have the same number of runs."""
    counts = {name: len(runs) for name, runs in members.items()}
    if not members or len(set(counts.values())) != 1:
        raise ValueError(f"every member needs the same number of runs (seeds), got {counts}")
    n = next(iter(counts.values()))
    splits = next(iter(members.values()))[0].keys()
    return [{split: np.mean([runs[k][split] for runs in members.values()], axis=0)
             for split in splits} for k in range(n)]


def choose_on_validation(candidates: Mapping[str, Runs], y_val: np.ndarray) -> pd.DataFrame:
    """Every non-empty subset of ``candidates`` as a seed ensemble, with the mean over its
    ensembles of the validation AUROC, sorted best first (ties: fewer members first, then
    the order of the candidates). The first row is the choice."""
    names = list(candidates)
    rows = []
    for k in range(1, len(names) + 1):
        for subset in combinations(names, k):
            ensembles = seed_ensembles({name: candidates[name] for name in subset})
            rows.append({"members": " + ".join(subset), "n members": k,
                         "val AUROC": float(np.mean([auroc(y_val, e["val"]) for e in ensembles])),
                         "order": len(rows)})
    table = pd.DataFrame(rows)
    table = table.sort_values(["val AUROC", "n members", "order"], ascending=[False, True, True])
    return table.drop(columns="order").reset_index(drop=True)
