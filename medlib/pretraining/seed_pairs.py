"""Pretraining repeated over seeds, and every label-share arm run on its seed's encoder.

One pretraining run is one draw of the contrastive views, batches and initial weights; a
verdict such as "pretraining does not help at 1% of labels" must sample that draw too.
So each seed pretrains its own encoder (:func:`pretrain_per_seed`), and the supervised
run of the same seed that starts from a pretrained encoder (fine-tuning, linear probe)
starts from that seed's encoder (:func:`run_label_arms`). A seed is then one pair,
pretraining and supervised training together, and the spread over seeds holds both
sources of variation. Chapter: ``pretraining``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from torch import nn

from medlib.pretraining.contrastive import PretrainRecipe, PretrainResult, pretrain_contrastive
from medlib.pretraining.transfer import embeddings, initialise_from, linear_probe
from medlib.trust.label_runs import LabelRuns
from medlib.trust.labels import stratified_subset

#: The supervised arms of the chapter, in the order the table lists them.
SCRATCH, FINE_TUNED, PROBE = "from scratch", "fine-tuned", "linear probe"


@dataclass(frozen=True)
class SeededEncoders:
    """One pretrained encoder per seed, with its run (loss per epoch, seconds, images)."""

    encoders: dict[int, nn.Module]
    runs: dict[int, PretrainResult]

    def history(self) -> pd.DataFrame:
        """Loss per epoch of every seed's run (columns ``seed``, ``epoch``, ``loss``...)."""
        return pd.concat([run.history.assign(seed=seed) for seed, run in self.runs.items()],
                         ignore_index=True)

    def record(self) -> dict:
        """What the results file keeps: images, seconds and history of each run."""
        return {str(seed): {"images": run.images, "seconds": run.seconds,
                            "history": run.history.to_dict(orient="records")}
                for seed, run in self.runs.items()}


def pretrain_per_seed(build: Callable[[int], nn.Module], channels: int, images,
                      recipe: PretrainRecipe, seeds: Sequence[int],
                      reseed: Callable[[int], object]) -> SeededEncoders:
    """An encoder built by ``build(channels)`` and pretrained on ``images`` for each seed,
    ``reseed(seed)`` called first so that its initial weights are the seed's."""
    if not seeds:
        raise ValueError("no seeds: pretrain at least one encoder")
    encoders, runs = {}, {}
    for seed in seeds:
        reseed(seed)
        encoders[seed] = build(channels)
        runs[seed] = pretrain_contrastive(encoders[seed], images, recipe, seed=seed)
    return SeededEncoders(encoders, runs)


def run_label_arms(label_runs: LabelRuns, encoders: SeededEncoders, shares: Sequence[float],
                   transfer_shares: Sequence[float],
                   seeds: Sequence[int]) -> tuple[pd.DataFrame, dict[tuple[str, float], list]]:
    """Every arm at every label share for every seed: from scratch at each of ``shares``;
    fine-tuned from the seed's encoder and a linear probe on its embeddings at each of
    ``transfer_shares``. The labelled subset of a seed and share is the same for every
    arm. Returns one row per run (arm, share, labels, seed, predictions column) and each
    arm's test scores by ``(arm, share)``, one array per seed; every run's scores on the
    test and validation images are published in ``label_runs.columns``."""
    missing = [seed for seed in seeds if seed not in encoders.encoders]
    if missing:
        raise ValueError(f"no pretrained encoder for seeds {missing}; pretrain them first")
    x, y = label_runs.x, label_runs.y
    rows, scores_at, features = [], {}, {}

    def keep(arm: str, share: float, labelled: np.ndarray, seed: int, column: str) -> None:
        scores_at.setdefault((arm, share), []).append(label_runs.columns[column]["test"])
        rows.append({"arm": arm, "share": share, "labels": len(labelled), "seed": seed,
                     "predictions_column": column})

    for share in shares:
        transfer = share in transfer_shares
        for seed in seeds:
            labelled = stratified_subset(y["train"], share, seed)
            encoder = encoders.encoders[seed]
            for arm in (SCRATCH, FINE_TUNED) if transfer else (SCRATCH,):
                start = None if arm == SCRATCH else (
                    lambda model, encoder=encoder: initialise_from(model, encoder))
                column = f"score_{arm.replace(' ', '_')}_share{share:g}_seed{seed}"
                model = label_runs.train(labelled, y["train"][labelled], seed, start=start)
                label_runs.score(model, column, "val")
                label_runs.score(model, column)
                keep(arm, share, labelled, seed, column)
            if transfer:
                if seed not in features:  # the encoder is frozen: embed each image once
                    features[seed] = {split: embeddings(encoder, x[split])
                                      for split in ("train", "val", "test")}
                seen = features[seed]
                probe = linear_probe(seen["train"][labelled], y["train"][labelled])
                column = f"score_linear_probe_share{share:g}_seed{seed}"
                label_runs.columns[column] = {split: probe.predict_proba(seen[split])[:, 1]
                                              for split in ("val", "test")}
                keep(PROBE, share, labelled, seed, column)
    return pd.DataFrame(rows), scores_at
